// One-time `state` values of the authorization-code flow. The callback route is open (the
// browser popup carries no admin token), so the state is the only thing it trusts: random,
// bound to one config node, single use, short-lived.
import { randomBytes } from 'node:crypto';
import { systemClock, type Clock } from '../lib/clock';

/** What the callback needs to finish a connect started from the editor. */
export interface OAuthAttempt {
  nodeId: string;
  clientId: string;
  clientSecret: string;
  apiUrl: string;
  redirectUri: string;
}

export type TakeResult = { ok: true; attempt: OAuthAttempt } | { ok: false; reason: 'unknown' | 'expired' | 'used' };

export const STATE_LIFETIME_MS = 10 * 60 * 1000;
/** Bounds memory if someone keeps pressing Connect without finishing. */
const MAX_OPEN = 200;

interface Entry {
  attempt: OAuthAttempt;
  expiresAt: number;
}

export class OAuthStates {
  /** `clock` is asked at each use: the runtime's clock can be swapped after the states exist. */
  constructor(private readonly clock: () => Clock = () => systemClock) {}

  private readonly open = new Map<string, Entry>();
  /** States already used, kept until they would have expired, so a replay says so. */
  private readonly used = new Map<string, number>();

  issue(attempt: OAuthAttempt): string {
    this.sweep();
    const state = randomBytes(32).toString('hex');
    this.open.set(state, { attempt: { ...attempt }, expiresAt: this.clock().now() + STATE_LIFETIME_MS });
    while (this.open.size > MAX_OPEN) {
      const oldest = this.open.keys().next().value;
      if (oldest === undefined) break;
      this.open.delete(oldest);
    }
    return state;
  }

  /** Consumes the state whatever the outcome: a state is good for one callback only. */
  take(state: string): TakeResult {
    const now = this.clock().now();
    const entry = this.open.get(state);
    if (entry === undefined) {
      const usedUntil = this.used.get(state);
      return { ok: false, reason: usedUntil !== undefined && usedUntil > now ? 'used' : 'unknown' };
    }
    this.open.delete(state);
    if (entry.expiresAt <= now) return { ok: false, reason: 'expired' };
    this.used.set(state, entry.expiresAt);
    return { ok: true, attempt: entry.attempt };
  }

  private sweep(): void {
    const now = this.clock().now();
    for (const [state, entry] of this.open) if (entry.expiresAt <= now) this.open.delete(state);
    for (const [state, until] of this.used) if (until <= now) this.used.delete(state);
  }
}
