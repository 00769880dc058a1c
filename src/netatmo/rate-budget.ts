// The rate budget of one account: every request of the account (API and token endpoint) takes
// a slot first. Netatmo allows 50 requests / 10 s and 500 / hour per user; we keep under that
// with a margin so that a clock skew or a request of another tool does not tip us into code 26.
// Callers queue (FIFO within a priority) and wait; they never fail for the budget, except on abort.
// A slot is stamped when it is granted and stamped again when its answer arrives (the release
// that acquire() resolves to): Netatmo counts a request when it arrives, which can be well after
// we granted it (connect, slow network), so counting from the grant alone let a burst granted the
// instant the window freed overrun the cloud's own window.
import { abortedError } from './errors';
import type { Clock } from '../lib/clock';
import { systemClock } from '../lib/clock';
import { WaitQueue } from './wait-queue';

export interface RateLimit {
  windowMs: number;
  max: number;
}

export const DEFAULT_RATE_LIMITS: readonly RateLimit[] = [
  { windowMs: 10_000, max: 45 },
  { windowMs: 3_600_000, max: 450 },
];

/**
 * `normal` requests (regular reads, discovery, refresh) go before `background` ones (long
 * backfills), and both before `live` ones (live power): when the budget is short, energy is read
 * first, since a missed power reading is replaced by the next one and a missed energy read is not.
 */
export type Priority = 'normal' | 'background' | 'live';
/** The order in which waiting requests are served. */
const PRIORITIES: readonly Priority[] = ['normal', 'background', 'live'];

export interface AcquireOptions {
  signal?: AbortSignal;
  /** Called with the expected wait in ms when the caller must wait, and with 0 when it goes. */
  onWait?: (ms: number) => void;
  priority?: Priority;
}

/** Given by acquire(): call it when the request's answer (or failure) arrived. Idempotent. */
export type ReleaseSlot = () => void;

/** What the budget keeps about a waiting caller. */
interface WaiterInfo {
  onWait?: (ms: number) => void;
  waited: boolean;
}

const MAX_PAUSE_MS = 15 * 60_000;
/** The longest pause a `Retry-After` may ask. */
const MAX_RETRY_AFTER_MS = 3_600_000;

export class RateBudget {
  private readonly limits: RateLimit[];
  private readonly clock: Clock;
  private readonly longestWindow: number;
  private grants: number[] = [];
  private pausedUntil = 0;
  private readonly queues: Record<Priority, WaitQueue<ReleaseSlot, WaiterInfo>> = {
    normal: new WaitQueue(() => this.pump()),
    background: new WaitQueue(() => this.pump()),
    live: new WaitQueue(() => this.pump()),
  };
  private timer: unknown = null;
  private consecutiveLimited = 0;
  private closed = false;

  constructor(options: { limits?: readonly RateLimit[]; clock?: Clock } = {}) {
    const limits = options.limits ?? DEFAULT_RATE_LIMITS;
    for (const l of limits) {
      if (!(l.windowMs > 0 && Number.isInteger(l.max) && l.max > 0)) throw new RangeError('Invalid rate limit');
    }
    this.limits = limits.map((l) => ({ ...l }));
    this.clock = options.clock ?? systemClock;
    this.longestWindow = Math.max(0, ...this.limits.map((l) => l.windowMs));
  }

  /**
   * Wait for a slot. Resolves when the request may go (the slot is then counted from now) to a
   * release that re-stamps the slot with the time the answer arrived.
   */
  acquire(options: AcquireOptions = {}): Promise<ReleaseSlot> {
    if (this.closed || options.signal?.aborted) return Promise.reject(abortedError());
    const now = this.clock.now();
    if (this.queued() === 0 && this.waitMs(now) <= 0) {
      return Promise.resolve(this.grant(now));
    }
    const info: WaiterInfo = { onWait: options.onWait, waited: false };
    const granted = this.queues[options.priority ?? 'normal'].wait(info, options.signal);
    const wait = this.waitMs(now);
    if (wait > 0) {
      info.waited = true;
      info.onWait?.(wait);
    }
    this.pump();
    return granted;
  }

  /** Pause the whole account until `t` (epoch ms), e.g. after a code 26. */
  pauseUntil(t: number): void {
    if (t <= this.pausedUntil) return;
    this.pausedUntil = t;
    const wait = t - this.clock.now();
    for (const w of PRIORITIES.flatMap((p) => this.queues[p].infos())) {
      w.waited = true;
      w.onWait?.(Math.max(1, wait));
    }
    this.pump();
  }

  /**
   * Netatmo said the usage limit is reached (code 26): pause until `Retry-After` when given,
   * else until the short window resets, doubling on repeated refusals. Returns the pause in ms.
   */
  noteRateLimited(retryAfterMs?: number): number {
    this.consecutiveLimited += 1;
    const now = this.clock.now();
    let pause: number;
    if (retryAfterMs !== undefined && retryAfterMs >= 0) {
      pause = Math.min(Math.max(retryAfterMs, 1000), MAX_RETRY_AFTER_MS);
    } else {
      const shortest = this.limits.reduce((a, b) => (a.windowMs <= b.windowMs ? a : b), this.limits[0] ?? { windowMs: 10_000, max: 1 });
      const windowMs = shortest?.windowMs ?? 10_000;
      const oldestInWindow = this.grants.find((g) => g > now - windowMs);
      const untilReset = oldestInWindow !== undefined ? oldestInWindow + windowMs - now : windowMs;
      const backoff = windowMs * 2 ** (this.consecutiveLimited - 1);
      pause = Math.min(Math.max(untilReset, backoff, 1000), MAX_PAUSE_MS);
    }
    this.pauseUntil(now + pause);
    return pause;
  }

  /** A request went through: the next code 26 starts the backoff afresh. */
  noteSuccess(): void {
    this.consecutiveLimited = 0;
  }

  /** Requests granted within the last `windowMs` (the diagnostics' rate budget in use). */
  usedIn(windowMs: number): number {
    const now = this.clock.now();
    return this.grants.filter((g) => g > now - windowMs).length;
  }

  queued(): number {
    return PRIORITIES.reduce((n, p) => n + this.queues[p].length, 0);
  }

  /** Reject every waiter (account closed) and stop the timer. */
  close(): void {
    this.closed = true;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    for (const p of PRIORITIES) this.queues[p].rejectAll();
  }

  private waitMs(now: number): number {
    // A wall clock stepped back (a board booted at its last shutdown time, then NTP) leaves
    // grants and a pause in the future: they count from now, or they would hold every request
    // for as long as the step.
    this.grants = this.grants.filter((g) => g > now - this.longestWindow).map((g) => Math.min(g, now));
    this.pausedUntil = Math.min(this.pausedUntil, now + MAX_RETRY_AFTER_MS);
    let wait = this.pausedUntil - now;
    for (const limit of this.limits) {
      const inWindow = this.grants.filter((g) => g > now - limit.windowMs);
      if (inWindow.length >= limit.max) {
        wait = Math.max(wait, inWindow[inWindow.length - limit.max] + limit.windowMs - now);
      }
    }
    return wait;
  }

  /** Count a slot from `now`; its release moves it to the answer's time (grants stay sorted). */
  private grant(now: number): ReleaseSlot {
    this.grants.push(now);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const answeredAt = this.clock.now();
      const i = this.grants.indexOf(now);
      if (i < 0 || answeredAt <= now) return; // already out of every window, or no time passed
      this.grants.splice(i, 1);
      let j = this.grants.length;
      while (j > 0 && this.grants[j - 1] > answeredAt) j -= 1;
      this.grants.splice(j, 0, answeredAt);
    };
  }

  private pump(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    if (this.closed) return;
    for (;;) {
      const first = PRIORITIES.find((p) => this.queues[p].length > 0);
      if (first === undefined) return;
      const queue = this.queues[first];
      const now = this.clock.now();
      const wait = this.waitMs(now);
      if (wait > 0) {
        this.timer = this.clock.setTimeout(() => {
          this.timer = null;
          this.pump();
        }, wait);
        return;
      }
      const waiter = queue.shift();
      if (waiter === undefined) return;
      const release = this.grant(now);
      if (waiter.info.waited) waiter.info.onWait?.(0);
      waiter.resolve(release);
    }
  }
}
