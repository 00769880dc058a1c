// Backfills share the account's quota with the nodes' regular reads. Two things the rate budget
// alone does not give them:
// - A share of the hour. The budget serves regular reads first, but cannot give back a quota a
//   backfill already spent: a backfill of a few years at 30 min would take the whole hour's 450
//   requests in a minute and leave the regular reads waiting for an hour. So background pages
//   get at most a share of the hour (default 300 of 450), whatever the number of nodes.
// - One page in flight at a time, a little apart. The budget counts a request when it leaves;
//   Netatmo counts it when it arrives. With many pages in flight (nine nodes backfilling) or a
//   burst granted the instant the budget's window frees slots, the two windows drift apart by
//   several requests, enough to overrun Netatmo's 50 / 10 s under a 45 / 10 s budget (seen in
//   the benchmark). Pages of the account's backfills take turns (FIFO): nine lines advance
//   together.
import type { Clock } from '../lib/clock';
import { systemClock } from '../lib/clock';
import { WaitQueue } from './wait-queue';

export const DEFAULT_BACKGROUND_PER_HOUR = 300;
export const DEFAULT_BACKGROUND_IN_FLIGHT = 1;
/**
 * A little air between background pages: a burst granted the moment the budget's window frees
 * its slots would reach Netatmo while requests the budget already dropped are still in
 * Netatmo's window (they left late, e.g. while connecting). Spread, the two windows agree.
 */
export const DEFAULT_BACKGROUND_SPACING_MS = 50;
const HOUR = 3_600_000;

/** What the share keeps about a waiting page. */
interface WaiterInfo {
  onWait?: (ms: number) => void;
  told: boolean;
}

export class BackgroundShare {
  private readonly clock: Clock;
  private readonly max: number;
  private readonly windowMs: number;
  private readonly maxInFlight: number;
  private grants: number[] = [];
  private inFlight = 0;
  private readonly queue = new WaitQueue<() => void, WaiterInfo>(() => this.pump());
  private timer: unknown = null;
  private readonly spacingMs: number;
  private lastGrant = Number.NEGATIVE_INFINITY;

  constructor(options: { clock?: Clock; maxPerHour?: number; windowMs?: number; maxInFlight?: number; spacingMs?: number } = {}) {
    this.clock = options.clock ?? systemClock;
    this.max = Math.max(1, Math.floor(options.maxPerHour ?? DEFAULT_BACKGROUND_PER_HOUR));
    this.windowMs = options.windowMs ?? HOUR;
    this.maxInFlight = Math.max(1, Math.floor(options.maxInFlight ?? DEFAULT_BACKGROUND_IN_FLIGHT));
    this.spacingMs = Math.max(0, options.spacingMs ?? DEFAULT_BACKGROUND_SPACING_MS);
  }

  /** Background pages granted within the window. */
  used(): number {
    this.prune(this.clock.now());
    return this.grants.length;
  }

  /**
   * Wait until a background page may go. Resolves with the function to call once its answer
   * is in (or it failed): the page is counted in the hour from its grant.
   */
  take(signal?: AbortSignal, onWait?: (ms: number) => void): Promise<() => void> {
    const granted = this.queue.wait({ onWait, told: false }, signal);
    this.pump();
    return granted;
  }

  private pump(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    while (this.queue.length > 0 && this.inFlight < this.maxInFlight) {
      const now = this.clock.now();
      this.prune(now);
      if (this.grants.length >= this.max) {
        const wait = Math.max(1, this.grants[0] + this.windowMs - now);
        for (const w of this.queue.infos()) {
          if (!w.told) w.onWait?.(wait);
          w.told = true;
        }
        this.timer = this.clock.setTimeout(() => {
          this.timer = null;
          this.pump();
        }, wait);
        return;
      }
      const early = this.lastGrant + this.spacingMs - now;
      if (early > 0) {
        this.timer = this.clock.setTimeout(() => {
          this.timer = null;
          this.pump();
        }, early);
        return;
      }
      const waiter = this.queue.shift();
      if (waiter === undefined) return;
      this.lastGrant = now;
      this.grants.push(now);
      this.inFlight += 1;
      let released = false;
      waiter.resolve(() => {
        if (released) return;
        released = true;
        this.inFlight -= 1;
        this.pump();
      });
    }
  }

  private prune(now: number): void {
    // A wall clock stepped back (a board booted at its last shutdown time, then NTP) leaves
    // grants in the future: they count from now, or the backfills would wait for the whole step.
    this.grants = this.grants.map((g) => Math.min(g, now));
    this.lastGrant = Math.min(this.lastGrant, now);
    const from = now - this.windowMs;
    let drop = 0;
    while (drop < this.grants.length && this.grants[drop] <= from) drop++;
    if (drop > 0) this.grants.splice(0, drop);
  }
}
