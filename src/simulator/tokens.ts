// Access and refresh tokens with Netatmo's rotation: every refresh issues a new pair and kills the old
// refresh AND access token. Tokens look like `<24 hex user id>|<32 hex>`.
import { hex } from './hash';

export interface TokenGrant {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

export type AccessCheck = { ok: true; userId: string } | { ok: false; code: 2 | 3 };

interface AccessEntry {
  userId: string;
  expiresAt: number;
}

export interface TokenStoreOptions {
  seed: number;
  userId: string;
  now: () => number;
  lifetimeSec: number;
  /** Tokens really die after this, though expires_in announces lifetimeSec. */
  realLifetimeSec?: number;
}

export class TokenStore {
  private readonly access = new Map<string, AccessEntry>();
  /** refresh token -> the access token issued with it */
  private readonly refresh = new Map<string, string | null>();
  private counter = 0;

  constructor(private readonly o: TokenStoreOptions) {}

  private mint(): string {
    return `${this.o.userId}|${hex(this.o.seed, 0x70c, this.counter++, 32)}`;
  }

  private expiry(): number {
    const sec = Math.min(this.o.lifetimeSec, this.o.realLifetimeSec ?? Number.POSITIVE_INFINITY);
    return this.o.now() + sec * 1000;
  }

  issue(): TokenGrant {
    const accessToken = this.mint();
    const refreshToken = this.mint();
    this.access.set(accessToken, { userId: this.o.userId, expiresAt: this.expiry() });
    this.refresh.set(refreshToken, accessToken);
    return { accessToken, refreshToken, expiresIn: this.o.lifetimeSec };
  }

  /** A refresh token handed out elsewhere (the developer site's token generator). */
  seedRefresh(token: string): void {
    this.refresh.set(token, null);
  }

  seedAccess(token: string): void {
    this.access.set(token, { userId: this.o.userId, expiresAt: this.expiry() });
  }

  /** Rotates; undefined when the refresh token is unknown or already used. */
  rotate(refreshToken: string): TokenGrant | undefined {
    if (!this.refresh.has(refreshToken)) return undefined;
    const oldAccess = this.refresh.get(refreshToken);
    this.refresh.delete(refreshToken);
    if (oldAccess) this.access.delete(oldAccess);
    return this.issue();
  }

  check(accessToken: string): AccessCheck {
    const entry = this.access.get(accessToken);
    if (!entry) return { ok: false, code: 2 };
    if (this.o.now() >= entry.expiresAt) return { ok: false, code: 3 };
    return { ok: true, userId: entry.userId };
  }

  expireAll(): void {
    const now = this.o.now();
    for (const entry of this.access.values()) entry.expiresAt = Math.min(entry.expiresAt, now);
  }
}
