// What an account's flow nodes share beyond the client itself, owned by the account config
// node (one per deploy, built with the account's clock) rather than by module-level maps:
// - the line directory (every model's lines): one `/api/homesdata` for every node, asked again when a node names a
//   line it does not know (a line added since), at most every LINE_RETRY_MS;
// - the background share: one share of the hour for all the account's backfill pages;
// - the upload schedules of the account's ecocounters and gateways, for `interval: auto`;
// - the homes' prices (tariffs.ts), read with the lines.
import type { NetatmoAccountApi } from '../netatmo/account-api';
import { withAbort } from '../netatmo/abort';
import { BackgroundShare } from '../netatmo/backfill-pacer';
import { DeviceSchedule } from '../netatmo/device-schedule';
import { UploadLearner } from '../netatmo/upload-schedule';
import type { Clock } from '../lib/clock';
import type { Line } from '../contract/line';
import type { OwnPrices } from '../contract/tariff';
import { systemTimeZone } from '../lib/local-calendar';
import type { Prices } from './prices';
import { TARIFF_MAX_AGE_MS, TariffBook, type TariffWarn } from './tariffs';

/** A failed or unhelpful discovery is not asked again before this (it would eat the rate budget). */
export const LINE_RETRY_MS = 10 * 60_000;

/**
 * The account's lines, each its full record (home, `timezone`, name, role…). Never fails: a
 * line discovery does not know (yet) is null, and a read goes on with the line id as its topic.
 */
export class LineDirectory {
  private lines: Line[] | null = null;
  private lastAttempt = Number.NEGATIVE_INFINITY;
  private refreshing: Promise<void> | null = null;

  constructor(
    private readonly account: Pick<NetatmoAccountApi, 'getLines'>,
    private readonly clock: Clock,
  ) {}

  async line(moduleId: string, signal?: AbortSignal): Promise<Line | null> {
    const known = this.find(moduleId);
    if (known !== null) return known;
    await this.refresh(signal);
    return this.find(moduleId);
  }

  /**
   * Read the lines (and so the prices) again, unless a read is under way (then wait for it) or
   * was tried less than LINE_RETRY_MS ago.
   */
  async refresh(signal?: AbortSignal): Promise<void> {
    const now = this.clock.now();
    if (this.refreshing === null && now - this.lastAttempt >= LINE_RETRY_MS) {
      this.lastAttempt = now;
      // Shared by every node asking meanwhile; a node that closes stops waiting, not the ask.
      this.refreshing = this.account
        .getLines({ meters: 'all' })
        .then(
          (lines) => {
            this.lines = lines;
          },
          () => undefined, // the read itself succeeded; the id is a good enough topic until discovery works
        )
        .finally(() => {
          this.refreshing = null;
        });
    }
    if (this.refreshing !== null) await withAbort(this.refreshing, signal).catch(() => undefined);
  }

  /** How long since the lines were last asked for. */
  sinceAttemptMs(): number {
    return this.clock.now() - this.lastAttempt;
  }

  /** The line's name for `msg.topic`, else its id. */
  async nameOf(moduleId: string, signal?: AbortSignal): Promise<string> {
    return (await this.line(moduleId, signal))?.name ?? moduleId;
  }

  /** Ids are MAC addresses: a module typed in capitals is the same module. */
  private find(moduleId: string): Line | null {
    const id = moduleId.toLowerCase();
    return this.lines?.find((l) => l.moduleId.toLowerCase() === id) ?? null;
  }
}

/**
 * The upload schedule of each device of the account, learnt from the reads of its lines: an
 * ecocounter's lines upload together, and so, it is assumed, do the modules of one gateway.
 * Nothing about the rhythm is assumed: each device's is learnt from its own reads.
 */
export class DeviceSchedules {
  private readonly devices = new Map<string, DeviceSchedule>();

  /** `saved`: a node's remembered uploads, used when the account has learnt none yet. */
  of(deviceId: string, saved?: unknown): DeviceSchedule {
    const key = deviceId.toLowerCase();
    let schedule = this.devices.get(key);
    if (!schedule) {
      schedule = new DeviceSchedule({}, saved === undefined ? undefined : UploadLearner.fromJSON(saved));
      this.devices.set(key, schedule);
    } else if (saved !== undefined && schedule.learner.uploads().length === 0) {
      for (const e of UploadLearner.fromJSON(saved).uploads()) schedule.learner.add(e);
    }
    return schedule;
  }
}

/** The account's tariff settings: its own prices (`tariff: own`), and where a bad schedule is told. */
export interface TariffOptions {
  own?: OwnPrices | null;
  warn?: TariffWarn;
}

export class AccountServices {
  readonly lines: LineDirectory;
  readonly share: BackgroundShare;
  readonly schedules = new DeviceSchedules();
  readonly tariffs: TariffBook;

  constructor(account: Pick<NetatmoAccountApi, 'getLines'> & Partial<Pick<NetatmoAccountApi, 'on'>>, clock: Clock, tariff: TariffOptions = {}) {
    this.lines = new LineDirectory(account, clock);
    this.share = new BackgroundShare({ clock });
    this.tariffs = new TariffBook(clock, tariff.own ?? null, tariff.warn);
    account.on?.('tariffs', (readings) => this.tariffs.update(readings));
  }

  /** The prices of a line's home, read again with the lines when a day old. */
  async pricesOf(moduleId: string, signal?: AbortSignal): Promise<Prices | null> {
    const line = await this.lines.line(moduleId, signal);
    // Once a day at least (a sync input, or a line's first read, refresh them meanwhile).
    if (this.tariffs.stale() && this.lines.sinceAttemptMs() >= TARIFF_MAX_AGE_MS) await this.lines.refresh(signal);
    return this.tariffs.pricesOf(line, systemTimeZone());
  }
}
