// Per-user sliding windows (Netatmo: 50 requests / 10 s and 500 / hour). Refused requests are not counted,
// so a client that waits after a 429 gets through once its window has slid.
import type { RateWindow } from './types';

export type RateDecision = { ok: true } | { ok: false; retryAfterMs: number };

export class RateLimiter {
  private readonly hits = new Map<string, number[]>();
  private readonly longest: number;

  constructor(
    private readonly windows: RateWindow[],
    private readonly now: () => number,
  ) {
    this.longest = windows.reduce((m, w) => Math.max(m, w.windowMs), 0);
  }

  take(userId: string): RateDecision {
    const now = this.now();
    let list = this.hits.get(userId);
    if (!list) this.hits.set(userId, (list = []));
    let drop = 0;
    while (drop < list.length && list[drop] <= now - this.longest) drop++;
    if (drop > 0) list.splice(0, drop);
    let retryAfterMs = 0;
    for (const w of this.windows) {
      const from = now - w.windowMs;
      let inWindow = 0;
      let firstIndex = -1;
      for (let i = list.length - 1; i >= 0 && list[i] > from; i--) {
        inWindow++;
        firstIndex = i;
      }
      if (inWindow >= w.max) {
        // The window frees a place when its (inWindow - max + 1)-th oldest request slides out.
        const freeing = list[firstIndex + (inWindow - w.max)];
        retryAfterMs = Math.max(retryAfterMs, freeing + w.windowMs - now);
      }
    }
    if (retryAfterMs > 0) return { ok: false, retryAfterMs };
    list.push(now);
    return { ok: true };
  }
}
