// One pending timer at a time on an injected clock: setting it again replaces it. The clock is
// asked at each set (the nodes' clock can be swapped for a virtual one), and a timer is cleared
// on the clock that set it.
import type { Clock } from './clock';

export class SingleTimer {
  private timer: { clock: Clock; handle: unknown; at: number } | null = null;

  constructor(private readonly clock: () => Clock) {}

  /** Run `fn` in `ms`, instead of the pending timer if any. */
  setIn(ms: number, fn: () => void): void {
    const clock = this.clock();
    this.start(clock, ms, clock.now() + ms, fn);
  }

  /** Run `fn` at `at` (epoch ms; at once when it is past), instead of the pending timer if any. */
  setAt(at: number, fn: () => void): void {
    const clock = this.clock();
    this.start(clock, Math.max(0, at - clock.now()), at, fn);
  }

  /** When the pending timer fires (epoch ms), or null when none is pending. */
  pendingAt(): number | null {
    return this.timer?.at ?? null;
  }

  clear(): void {
    if (this.timer !== null) this.timer.clock.clearTimeout(this.timer.handle);
    this.timer = null;
  }

  private start(clock: Clock, ms: number, at: number, fn: () => void): void {
    this.clear();
    const handle = clock.setTimeout(() => {
      this.timer = null;
      fn();
    }, ms);
    this.timer = { clock, handle, at };
  }
}
