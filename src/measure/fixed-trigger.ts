// The timer of a measure node with a fixed `interval` (minutes): a first read shortly after
// start, then one every interval. A tick that finds a read queued or running skips (the running
// one is as fresh); a read that failed again the same way pushes the next tick back (the
// back-off in failures.ts), and a success keeps the interval's rhythm.
import type { Clock } from '../lib/clock';
import { SingleTimer } from '../lib/timer';

export interface FixedTriggerDeps {
  clock: () => Clock;
  everyMs: number;
  /** A read is queued or running. */
  busy: () => boolean;
  /** Queue a timer read; settles once it has run (it reports its own failures). */
  read: () => Promise<void>;
  /** After a read: the least delay before the next one (0: the interval's rhythm). */
  backoffMs: () => number;
}

export class FixedTrigger {
  private readonly timer: SingleTimer;
  private stopped = false;

  constructor(private readonly deps: FixedTriggerDeps) {
    this.timer = new SingleTimer(deps.clock);
  }

  start(firstDelayMs: number): void {
    this.schedule(firstDelayMs);
  }

  stop(): void {
    this.stopped = true;
    this.timer.clear();
  }

  private tick(): void {
    if (this.stopped) return;
    // The next tick is planned before the read, so that a slow read does not shift the rhythm.
    this.schedule(this.deps.everyMs);
    if (this.deps.busy()) return;
    void this.deps.read().then(() => {
      const backoff = this.deps.backoffMs();
      if (backoff > 0 && !this.stopped) this.schedule(backoff);
    });
  }

  private schedule(ms: number): void {
    this.timer.setIn(ms, () => this.tick());
  }
}
