// The tokens of one account. One refresh at a time: every caller that needs a fresh token
// while a refresh runs waits for that same refresh (single flight), because a second refresh
// with the same (rotating) refresh token would be refused and cost the user a re-authorisation.
// A new pair is on disk before anybody uses it; when the disk refuses it (full, read-only), the
// pair is used from memory and written again on a timer until it lands, because a restart before
// then would start from the rotated-away token on disk and cost a re-authorisation.
import { EventEmitter } from 'node:events';
import { withAbort } from './abort';
import { NetatmoError, isNetatmoError } from './errors';
import type { TokenStore } from './token-store';
import type { Clock } from '../lib/clock';
import { SingleTimer } from '../lib/timer';
import type { ConnectionState, TokenPair } from './types';

export interface Refresher {
  refresh(refreshToken: string, signal?: AbortSignal): Promise<TokenPair>;
}

export interface TokenManagerOptions {
  accountId: string;
  store: TokenStore;
  refresher: Refresher;
  clock: Clock;
  /** Refresh this long before the access token expires (default 5 min). */
  marginMs?: number;
}

export const DEFAULT_REFRESH_MARGIN_MS = 5 * 60_000;

/** The first retry of a pair the disk refused comes this much later, then twice as late each time... */
export const SAVE_RETRY_FIRST_MS = 30_000;
/** ...up to this. */
export const SAVE_RETRY_MAX_MS = 5 * 60_000;

/** The pair in use is not on disk: the tokens it rotated away (to retire with it) and why it failed. */
interface Unsaved {
  retiring: string[];
  detail: string;
  attempts: number;
}

export class TokenManager extends EventEmitter {
  private pair: TokenPair | null = null;
  /** Why the account must authorise again (the refusal, kept to be thrown again), or null. */
  private reauthError: NetatmoError | null = null;
  private inflight: Promise<TokenPair> | null = null;
  private readonly marginMs: number;
  private unsaved: Unsaved | null = null;
  /** A retry's write in progress (the store runs writes one at a time, in the order asked). */
  private saving: Promise<void> | null = null;
  private readonly saveRetry: SingleTimer;
  private closed = false;

  constructor(private readonly options: TokenManagerOptions) {
    super();
    this.marginMs = options.marginMs ?? DEFAULT_REFRESH_MARGIN_MS;
    this.saveRetry = new SingleTimer(() => options.clock);
  }

  current(): TokenPair | null {
    return this.pair;
  }

  state(): ConnectionState {
    if (this.reauthError !== null) return { status: 'reauth', reason: this.reauthError.message };
    if (!this.pair) return { status: 'not_connected' };
    if (this.unsaved !== null) return { status: 'connected', validUntil: this.pair.expiresAt, unsaved: { detail: this.unsaved.detail } };
    return { status: 'connected', validUntil: this.pair.expiresAt };
  }

  /** Take a pair as current without writing it (it came from the store). */
  adoptLoaded(pair: TokenPair | null): void {
    this.pair = pair;
    this.reauthError = null;
    this.forgetUnsaved();
    this.emit('state', this.state());
  }

  /** Netatmo refused the only pair there is (a refresh token entered and proven wrong). */
  refuse(err: NetatmoError): void {
    this.pair = null;
    this.reauthError = err;
    this.forgetUnsaved();
    this.emit('state', this.state());
  }

  /**
   * A new pair whose old refresh token (`retiring`) is dead but that the disk refused (`err`):
   * used from memory, announced, and written again on a timer until the disk takes it.
   */
  adoptUnsaved(pair: TokenPair, retiring?: string, err?: unknown): void {
    const before = this.unsaved;
    // The pair it replaces was not on disk either: its token is dead too, to retire with the new one.
    const dead = [...(before?.retiring ?? []), ...(before !== null && this.pair !== null ? [this.pair.refreshToken] : [])];
    if (retiring !== undefined) dead.push(retiring);
    this.unsaved = { retiring: [...new Set(dead)].filter((t) => t !== pair.refreshToken), detail: detailOf(err), attempts: before?.attempts ?? 0 };
    if (this.saveRetry.pendingAt() === null && this.saving === null) this.scheduleSave();
    this.adoptRefreshed(pair);
  }

  /**
   * Stop the retries of an unsaved pair, after one last try (the disk may be back): the account
   * closes. Resolves once that try has finished.
   */
  async close(): Promise<void> {
    this.closed = true;
    this.saveRetry.clear();
    await this.saving;
    if (this.unsaved !== null && this.inflight === null) await this.savePending();
  }

  private scheduleSave(): void {
    if (this.closed || this.unsaved === null) return;
    const delay = Math.min(SAVE_RETRY_FIRST_MS * 2 ** this.unsaved.attempts, SAVE_RETRY_MAX_MS);
    this.saveRetry.setIn(delay, () => {
      // A refresh in flight writes a newer pair itself; the retry comes after it if that fails too.
      if (this.inflight !== null) return this.scheduleSave();
      void this.savePending().finally(() => this.scheduleSave());
    });
  }

  /** Write the pair in use now (never an older one) with the tokens it rotated away. */
  private savePending(): Promise<void> {
    const pending = this.unsaved;
    const pair = this.pair;
    if (pending === null || pair === null) return Promise.resolve();
    pending.attempts += 1;
    const write = this.options.store.save(this.options.accountId, pair, pending.retiring).then(
      () => {
        // Another pair (pasted, say) may have come meanwhile; it has its own write.
        if (this.unsaved !== pending || this.pair !== pair) return;
        this.forgetUnsaved();
        this.emit('state', this.state());
      },
      (err: unknown) => {
        if (this.unsaved === pending) pending.detail = detailOf(err);
      },
    );
    this.saving = write.finally(() => {
      this.saving = null;
    });
    return this.saving;
  }

  private forgetUnsaved(): void {
    this.unsaved = null;
    this.saveRetry.clear();
  }

  /** The tokens rotated away that the next write must retire: `extra` and those of an unsaved pair. */
  private deadTokens(extra: string | undefined): string[] {
    const dead = extra === undefined ? [] : [extra];
    if (this.unsaved !== null) dead.push(...this.unsaved.retiring, ...(this.pair !== null ? [this.pair.refreshToken] : []));
    return dead;
  }

  /**
   * Store a pair (code exchange, pasted tokens, newer credentials at start), then make it
   * current. `announce: false` when the pair came from the node's own credentials.
   */
  async replace(pair: TokenPair, options: { announce?: boolean; retiring?: string } = {}): Promise<void> {
    await this.options.store.save(this.options.accountId, pair, this.deadTokens(options.retiring));
    this.pair = pair;
    this.reauthError = null;
    this.forgetUnsaved();
    if (options.announce !== false) this.emit('tokens', pair);
    this.emit('state', this.state());
  }

  /** A valid access token, refreshing first when it is missing or about to expire. */
  async accessToken(signal?: AbortSignal): Promise<string> {
    const pair = this.pair;
    if (this.reauthError !== null) throw this.refusedAgain(this.reauthError);
    if (!pair) throw notConnected();
    if (this.usable(pair)) return pair.accessToken;
    return (await withAbort(this.refreshOnce(undefined), signal)).accessToken;
  }

  /**
   * Netatmo refused `usedToken` (code 2/3). If the token changed meanwhile, the new one is the
   * answer; otherwise refresh (joining a refresh already in flight).
   */
  async refreshAfterRejection(usedToken: string, signal?: AbortSignal): Promise<string> {
    if (this.reauthError !== null) throw this.refusedAgain(this.reauthError);
    if (this.pair && this.pair.accessToken !== usedToken && this.pair.accessToken !== '') return this.pair.accessToken;
    return (await withAbort(this.refreshOnce(usedToken), signal)).accessToken;
  }

  private usable(pair: TokenPair, rejected?: string): boolean {
    return pair.accessToken !== '' && pair.accessToken !== rejected && pair.expiresAt - this.marginMs > this.options.clock.now();
  }

  /** Resolves once no refresh is in flight (its new pair stored), whatever its outcome. */
  async settled(): Promise<void> {
    while (this.inflight)
      await this.inflight.then(
        () => undefined,
        () => undefined,
      );
  }

  private refreshOnce(rejected: string | undefined): Promise<TokenPair> {
    if (!this.inflight) {
      this.inflight = this.doRefresh(rejected).finally(() => {
        this.inflight = null;
      });
    }
    return this.inflight;
  }

  /**
   * A newer pair on disk than ours means another instance of this account (an overlapping
   * redeploy, say) rotated the tokens: ours are dead, take that one instead.
   */
  private async newerOnDisk(than: TokenPair | null): Promise<TokenPair | null> {
    const stored = await this.options.store.load(this.options.accountId).catch(() => null);
    if (!stored || (than && stored.issuedAt <= than.issuedAt)) return null;
    this.pair = stored;
    this.reauthError = null;
    this.forgetUnsaved();
    this.emit('state', this.state());
    return stored;
  }

  private async doRefresh(rejected: string | undefined): Promise<TokenPair> {
    let old = this.pair;
    const newer = await this.newerOnDisk(old);
    if (newer) {
      if (this.usable(newer, rejected)) return newer;
      old = newer;
    }
    if (!old) throw notConnected();
    let pair: TokenPair;
    try {
      // Never aborted, not even when the account closes: once Netatmo has the request it may
      // rotate, and the answer is then the only copy of the new refresh token. The request's
      // own timeout bounds it.
      pair = await this.options.refresher.refresh(old.refreshToken);
    } catch (err) {
      if (isNetatmoError(err, 'reauth') && this.pair === old) {
        const rescued = await this.newerOnDisk(old);
        if (rescued && this.usable(rescued, rejected)) return rescued;
        this.reauthError = err;
        this.emit('state', this.state());
      }
      throw err;
    }
    try {
      await this.options.store.save(this.options.accountId, pair, this.deadTokens(old.refreshToken));
    } catch (err) {
      // The old refresh token is dead already: keep the new pair in memory rather than lose it,
      // write it again until the disk takes it, and tell the caller the disk failed.
      this.adoptUnsaved(pair, old.refreshToken, err);
      throw new NetatmoError('api', `${(err as Error).message}; the new tokens are kept in memory only`, {
        reason: 'memory_only',
        params: { detail: detailOf(err) },
      });
    }
    this.forgetUnsaved();
    this.adoptRefreshed(pair);
    return pair;
  }

  /** A new error each time (a fresh stack), telling the same refusal. */
  private refusedAgain(err: NetatmoError): NetatmoError {
    return new NetatmoError('reauth', err.message, {
      reason: err.reason,
      params: err.params ? { ...err.params } : undefined,
      code: err.code,
      status: err.status,
    });
  }

  private adoptRefreshed(pair: TokenPair): void {
    this.pair = pair;
    this.reauthError = null;
    this.emit('tokens', pair);
    this.emit('state', this.state());
  }
}

/** ` (ENOSPC)`: the store's failure's code, as its texts show it. */
function detailOf(err: unknown): string {
  const detail = (err as NetatmoError | undefined)?.params?.detail;
  return typeof detail === 'string' ? detail : '';
}

function notConnected(): NetatmoError {
  return new NetatmoError('reauth', 'Not connected to Netatmo: connect the account or paste tokens', { reason: 'not_connected' });
}
