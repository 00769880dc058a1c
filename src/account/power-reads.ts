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
}

export class PowerReads {
  private readonly homes = new Map<string, SharedRead>();

  constructor(
    private readonly source: PowerSource,
    private readonly clock: Clock,
  ) {}

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
