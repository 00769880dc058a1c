// The live power reads of one account, shared by all its power nodes:
// - one `/api/homestatus` per home per read: nodes asking while a home's request is in flight,
//   or within POWER_SHARE_MS of its answer, get that answer instead of a request of their own
//   (the nodes' timers fire at the same instants, see nextReadAt in src/measure/power-controller.ts).
// The modules' names, models and homes come from the line directory (services.ts).
import type { NetatmoAccountApi } from '../netatmo/account-api';
import { withAbort } from '../netatmo/abort';
import type { HomeStatus } from '../netatmo/homestatus';
import type { Clock } from '../lib/clock';

/** An answer this recent is the answer of a read asked now (timers of nodes drift by a few ms). */
export const POWER_SHARE_MS = 2_000;

export type PowerSource = Pick<NetatmoAccountApi, 'readHomeStatus'>;

interface SharedRead {
  answer: Promise<HomeStatus>;
  /** When it settled (epoch ms), null while in flight. */
  settledAt: number | null;
  /** Every caller's budget hook: the shared request tells them all when it waits and when it goes. */
  waiters: Set<(ms: number) => void>;
}

export class PowerReads {
  private readonly homes = new Map<string, SharedRead>();

  constructor(
    private readonly source: PowerSource,
    private readonly clock: Clock,
  ) {}

  /**
   * The home's status now: the read in flight or just answered, else a new request. `onWait` is
   * told when that request waits for the rate budget (ms) and when it goes (0).
   */
  homeStatus(homeId: string, signal?: AbortSignal, onWait?: (ms: number) => void): Promise<HomeStatus> {
    const shared = this.homes.get(homeId);
    const now = this.clock.now();
    if (shared !== undefined && (shared.settledAt === null || now - shared.settledAt <= POWER_SHARE_MS)) {
      return this.join(shared, signal, onWait);
    }
    const waiters = new Set<(ms: number) => void>();
    // The first caller's hook is in before the request starts: it may wait at once.
    if (onWait !== undefined) waiters.add(onWait);
    const read: SharedRead = {
      answer: this.source.readHomeStatus(homeId, { onWait: (ms) => waiters.forEach((w) => w(ms)) }),
      settledAt: null,
      waiters,
    };
    const settle = (): void => {
      read.settledAt = this.clock.now();
      waiters.clear();
    };
    read.answer.then(settle, settle);
    this.homes.set(homeId, read);
    return this.join(read, signal, onWait);
  }

  private join(read: SharedRead, signal: AbortSignal | undefined, onWait: ((ms: number) => void) | undefined): Promise<HomeStatus> {
    if (onWait === undefined || read.settledAt !== null) return withAbort(read.answer, signal);
    read.waiters.add(onWait);
    // A caller that stops waiting (its node closed) is told nothing more.
    return withAbort(read.answer, signal).finally(() => read.waiters.delete(onWait));
  }
}
