// Virtual clocks for tests. FakeClock moves only when told (advance); AutoClock jumps to the
// next timer as soon as the event loop is idle, so waits of minutes take no real time.
import type { Clock } from '../../../src/netatmo/types';

interface Timer {
  id: number;
  at: number;
  fn: () => void;
}

export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export class FakeClock implements Clock {
  protected timers = new Map<number, Timer>();
  private seq = 0;

  constructor(public t = Date.UTC(2025, 0, 15, 12, 0, 0)) {}

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.timers.set(id, { id, at: this.t + Math.max(0, ms), fn });
    this.scheduled();
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  pending(): number {
    return this.timers.size;
  }

  /** Move time forward, running due timers in order and letting promises settle between them. */
  async advance(ms: number): Promise<void> {
    const target = this.t + ms;
    for (;;) {
      await flush();
      const next = this.earliest();
      if (!next || next.at > target) break;
      this.t = Math.max(this.t, next.at);
      this.timers.delete(next.id);
      next.fn();
    }
    this.t = target;
    await flush();
  }

  protected earliest(): Timer | undefined {
    let best: Timer | undefined;
    for (const timer of this.timers.values()) if (!best || timer.at < best.at || (timer.at === best.at && timer.id < best.id)) best = timer;
    return best;
  }

  protected scheduled(): void {
    /* FakeClock waits for advance() */
  }
}

export class AutoClock extends FakeClock {
  private armed = false;

  protected override scheduled(): void {
    if (this.armed) return;
    this.armed = true;
    setImmediate(() => this.fire());
  }

  private fire(): void {
    this.armed = false;
    const next = this.earliest();
    if (!next) return;
    this.t = Math.max(this.t, next.at);
    this.timers.delete(next.id);
    next.fn();
    if (this.timers.size > 0) this.scheduled();
  }
}
