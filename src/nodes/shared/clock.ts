// The clock the nodes use for their timers and for the account's token expiry. Tests and the
// soak swap it for a virtual one so that simulated days run in seconds.
import { systemClock, type Clock } from '../../lib/clock';

let current: Clock = systemClock;

export function nodeClock(): Clock {
  return current;
}

/** For tests and the soak harness only: null restores the system clock. */
export function setNodeClock(clock: Clock | null): void {
  current = clock ?? systemClock;
}
