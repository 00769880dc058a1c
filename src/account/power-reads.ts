// The live power reads of one account, shared by all its power nodes:
// - the module directory: the account's modules (name, model, home) from one `/api/homesdata`,
//   asked again when a node names a module it does not know, at most every MODULE_RETRY_MS;
// - one `/api/homestatus` per home per read: nodes asking while a home's request is in flight,
//   or within POWER_SHARE_MS of its answer, get that answer instead of a request of their own
//   (the nodes' timers fire at the same instants, see nextReadAt in src/measure/power-controller.ts).
import type { NetatmoAccountApi } from '../netatmo/account-api';
import { withAbort } from '../netatmo/abort';
import type { HomeModule } from '../netatmo/home-modules';
import type { HomeStatus } from '../netatmo/homestatus';
import type { Clock } from '../lib/clock';

/** A module discovery is not asked again before this (it would eat the rate budget), as for lines. */
export const MODULE_RETRY_MS = 10 * 60_000;

/** An answer this recent is the answer of a read asked now (timers of nodes drift by a few ms). */
export const POWER_SHARE_MS = 2_000;

export type PowerSource = Pick<NetatmoAccountApi, 'getModules' | 'readHomeStatus'>;

/** The account's modules. A failed first discovery fails the read that asked; later ones keep the list. */
export class ModuleDirectory {
  private list: HomeModule[] | null = null;
  private lastAttempt = Number.NEGATIVE_INFINITY;
  private asking: Promise<HomeModule[]> | null = null;

  constructor(
    private readonly source: Pick<PowerSource, 'getModules'>,
    private readonly clock: Clock,
  ) {}

  /** Every module; asked again first when one of `wanted` is unknown and the last ask is old enough. */
  async modules(wanted: readonly string[] = [], signal?: AbortSignal): Promise<HomeModule[]> {
    const known = this.list;
    const missing = known === null || wanted.some((id) => !known.some((m) => m.moduleId === id));
    if (missing && (known === null || this.clock.now() - this.lastAttempt >= MODULE_RETRY_MS)) {
      await withAbort(this.ask(), signal).catch((err: unknown) => {
        if (this.list === null) throw err;
      });
    }
    return this.list ?? [];
  }

  private ask(): Promise<HomeModule[]> {
    if (this.asking === null) {
      this.lastAttempt = this.clock.now();
      // Shared by every node asking meanwhile; a node that closes stops waiting, not the ask.
      this.asking = this.source
        .getModules()
        .then((list) => {
          this.list = list;
          return list;
        })
        .finally(() => {
          this.asking = null;
        });
    }
    return this.asking;
  }
}

interface SharedRead {
  answer: Promise<HomeStatus>;
  /** When it settled (epoch ms), null while in flight. */
  settledAt: number | null;
}

export class PowerReads {
  readonly directory: ModuleDirectory;
  private readonly homes = new Map<string, SharedRead>();

  constructor(
    private readonly source: PowerSource,
    private readonly clock: Clock,
  ) {
    this.directory = new ModuleDirectory(source, clock);
  }

  /** The home's status now: the read in flight or just answered, else a new request. */
  homeStatus(homeId: string, signal?: AbortSignal): Promise<HomeStatus> {
    const shared = this.homes.get(homeId);
    const now = this.clock.now();
    if (shared !== undefined && (shared.settledAt === null || now - shared.settledAt <= POWER_SHARE_MS)) {
      return withAbort(shared.answer, signal);
    }
    const read: SharedRead = { answer: this.source.readHomeStatus(homeId), settledAt: null };
    const settle = (): void => {
      read.settledAt = this.clock.now();
    };
    read.answer.then(settle, settle);
    this.homes.set(homeId, read);
    return withAbort(read.answer, signal);
  }
}
