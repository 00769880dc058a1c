// Backfills share the account's hourly quota with the nodes' regular reads. The rate budget
// serves regular reads first, but it cannot give back a quota a backfill already spent: a
// backfill of a few years at 30 min would take the whole hour's 450 requests in a minute and
// leave the regular reads waiting for an hour. So background pages get at most a share of
// the hour (default 300 of 450), whatever the number of nodes backfilling.
import { sleep, throwIfAborted } from './abort';
import type { Clock } from './types';
import { systemClock } from './types';

export const DEFAULT_BACKGROUND_PER_HOUR = 300;
const HOUR = 3_600_000;

export class BackgroundShare {
  private readonly clock: Clock;
  private readonly max: number;
  private readonly windowMs: number;
  private grants: number[] = [];

  constructor(options: { clock?: Clock; maxPerHour?: number; windowMs?: number } = {}) {
    this.clock = options.clock ?? systemClock;
    this.max = Math.max(1, Math.floor(options.maxPerHour ?? DEFAULT_BACKGROUND_PER_HOUR));
    this.windowMs = options.windowMs ?? HOUR;
  }

  /** Background pages granted within the window. */
  used(): number {
    this.prune(this.clock.now());
    return this.grants.length;
  }

  /** Wait until a background page may go; the page is then counted. */
  async take(signal?: AbortSignal, onWait?: (ms: number) => void): Promise<void> {
    for (;;) {
      throwIfAborted(signal);
      const now = this.clock.now();
      this.prune(now);
      if (this.grants.length < this.max) {
        this.grants.push(now);
        return;
      }
      const wait = Math.max(1, this.grants[0] + this.windowMs - now);
      onWait?.(wait);
      await sleep(this.clock, wait, signal);
    }
  }

  private prune(now: number): void {
    const from = now - this.windowMs;
    let drop = 0;
    while (drop < this.grants.length && this.grants[drop] <= from) drop++;
    if (drop > 0) this.grants.splice(0, drop);
  }
}
