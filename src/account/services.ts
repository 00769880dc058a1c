// What an account's flow nodes share beyond the client itself, owned by the account config
// node (one per deploy, built with the account's clock) rather than by module-level maps:
// - the line directory (every model's lines): one `/api/homesdata` for every node, asked again when a node names a
//   line it does not know (a line added since), at most every LINE_RETRY_MS;
// - the background share: one share of the hour for all the account's backfill pages;
// - the upload schedules of the account's ecocounters and gateways, for `interval: auto`;
// - the live power reads (power-reads.ts): one `/api/homestatus` per home for all power nodes.
import type { NetatmoAccountApi } from '../netatmo/account-api';
import { withAbort } from '../netatmo/abort';
import { BackgroundShare } from '../netatmo/backfill-pacer';
import { DeviceSchedule } from '../netatmo/device-schedule';
import { UploadLearner } from '../netatmo/upload-schedule';
import type { Clock } from '../lib/clock';
import type { Line } from '../contract/line';
import { PowerReads, type PowerSource } from './power-reads';
import { NetatmoError } from '../netatmo/errors';

/** A failed or unhelpful discovery is not asked again before this (it would eat the rate budget). */
export const LINE_RETRY_MS = 10 * 60_000;
/** With no line known at all, a node that needs them (live power) may ask sooner. */
export const NO_LINES_RETRY_MS = 60_000;

/**
 * The account's lines, each its full record (home, `timezone`, name, role…). Never fails: a
 * line discovery does not know (yet) is null, and a read goes on with the line id as its topic.
 */
export class LineDirectory {
  private lines: Line[] | null = null;
  private lastAttempt = Number.NEGATIVE_INFINITY;
  private refreshing: Promise<void> | null = null;
  private lastError: unknown = null;

  constructor(
    private readonly account: Pick<NetatmoAccountApi, 'getLines'>,
    private readonly clock: Clock,
  ) {}

  async line(moduleId: string, signal?: AbortSignal): Promise<Line | null> {
    const known = this.find(moduleId);
    if (known !== null) return known;
    await this.refresh(LINE_RETRY_MS, signal);
    return this.find(moduleId);
  }

  /**
   * Every line, for a node that checks its choice against them (live power): asked again first
   * when one of `wanted` is unknown, by the same rule. With no list yet it is asked again after
   * NO_LINES_RETRY_MS, and the failure is thrown: without the lines such a node can do nothing.
   */
  async all(wanted: readonly string[] = [], signal?: AbortSignal): Promise<Line[]> {
    if (this.lines === null) await this.refresh(NO_LINES_RETRY_MS, signal);
    else if (wanted.some((id) => this.find(id) === null)) await this.refresh(LINE_RETRY_MS, signal);
    if (this.lines === null) throw this.lastError ?? new NetatmoError('transient', 'The lines of the account are not known yet');
    return this.lines;
  }

  private async refresh(retryMs: number, signal?: AbortSignal): Promise<void> {
    const now = this.clock.now();
    if (this.refreshing === null && now - this.lastAttempt >= retryMs) {
      this.lastAttempt = now;
      // Shared by every node asking meanwhile; a node that closes stops waiting, not the ask.
      this.refreshing = this.account
        .getLines({ meters: 'all' })
        .then(
          (lines) => {
            this.lines = lines;
            this.lastError = null;
          },
          (err: unknown) => {
            // A read goes on with the line id as its topic until discovery works.
            this.lastError = err;
          },
        )
        .finally(() => {
          this.refreshing = null;
        });
    }
    if (this.refreshing !== null) await withAbort(this.refreshing, signal).catch(() => undefined);
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

/** What the services use of the client; doubles that only discover lines leave power out. */
export type ServicesAccount = Pick<NetatmoAccountApi, 'getLines'> & Partial<PowerSource>;

export class AccountServices {
  readonly lines: LineDirectory;
  readonly share: BackgroundShare;
  readonly schedules = new DeviceSchedules();
  readonly power: PowerReads;

  constructor(account: ServicesAccount, clock: Clock) {
    this.lines = new LineDirectory(account, clock);
    this.share = new BackgroundShare({ clock });
    const cannot = (): Promise<never> => Promise.reject(new NetatmoError('api', 'This account cannot read live power'));
    this.power = new PowerReads({ readHomeStatus: (homeId, options) => (account.readHomeStatus ? account.readHomeStatus(homeId, options) : cannot()) }, clock);
  }
}
