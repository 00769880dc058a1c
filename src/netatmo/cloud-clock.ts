// The cloud's time, as its answers tell it. Every answer of /api/* carries `time_server` (epoch
// seconds). A board without a real-time clock or NTP can run hours ahead of it or behind it for
// days; the recent window a read asks for must be the cloud's recent hours, not the board's,
// or it misses the buckets the cloud is still revising (ahead), or the newest ones (behind), or
// everything once the gap passes the window's span. Pure: times are passed in.

/** Clocks closer than this agree: the board's time is used as it is (no jitter from rounding). */
export const CLOCK_AGREEMENT_MS = 2 * 60_000;

/** A `time_server` outside these years is not believed (a broken or hostile answer). */
const EARLIEST_MS = Date.UTC(2020, 0, 1);
const LATEST_MS = Date.UTC(2100, 0, 1);

export class CloudClock {
  /** The cloud's time minus the board's, from the last answer; null before any. */
  private offsetMs: number | null = null;

  /** An answer received at board time `boardNow`: learn the cloud's time from its `time_server`. */
  observe(answer: unknown, boardNow: number): void {
    const seconds = typeof answer === 'object' && answer !== null ? (answer as { time_server?: unknown }).time_server : undefined;
    if (typeof seconds !== 'number' || !Number.isFinite(seconds)) return;
    const ms = seconds * 1000;
    if (ms < EARLIEST_MS || ms > LATEST_MS) return;
    // The latest answer wins: when NTP sets the board right, the next answer says so.
    this.offsetMs = ms - boardNow;
  }

  /** How far the cloud's time is ahead of the board's (ms; negative: behind), 0 while they agree. */
  offset(): number {
    return this.offsetMs === null || Math.abs(this.offsetMs) < CLOCK_AGREEMENT_MS ? 0 : this.offsetMs;
  }

  /** The cloud's time at board time `boardNow` (the board's own while nothing says otherwise). */
  now(boardNow: number): number {
    return boardNow + this.offset();
  }
}
