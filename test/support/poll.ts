// Waiting for something to happen, the one way per kind of time. `eventually` polls in real time
// (a real Node-RED process, a websocket, a file another process writes); `untilOnClock` moves a
// virtual clock a step at a time, letting real I/O finish between steps, so that a wait of
// simulated minutes costs only the work done. Neither may prove that something did NOT happen:
// for that, move the clock past the moment and check, or wait for an event that follows.
import type { VirtualClock } from './virtual-clock';

export interface EventuallyOptions {
  /** Real ms before giving up (default 4 s). */
  timeoutMs?: number;
  /** Real ms between two probes (default 10). */
  everyMs?: number;
}

type Found<T> = Exclude<T, undefined | false | null>;

/**
 * Polls `probe` until it gives something (not undefined, null or false) and resolves with it;
 * fails with `what` when it never does.
 */
export async function eventually<T>(what: string, probe: () => T | Promise<T>, options: EventuallyOptions = {}): Promise<Found<T>> {
  const end = Date.now() + (options.timeoutMs ?? 4000);
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) return value as Found<T>;
    if (Date.now() > end) throw new Error(`never happened: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, options.everyMs ?? 10));
  }
}

/** Runs the virtual clock `stepMs` at a time until `cond` holds; fails after `maxMs` (virtual). */
export async function untilOnClock(clock: VirtualClock, cond: () => boolean, what: string, maxMs = 3_600_000, stepMs = 1000): Promise<void> {
  const stop = clock.now() + maxMs;
  while (!cond()) {
    if (clock.now() >= stop) throw new Error(`timed out (virtual) waiting for ${what}`);
    await clock.runFor(stepMs);
  }
}
