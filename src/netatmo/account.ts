// One Netatmo account: the tokens (single refresh, durable store), the rate budget every
// request shares, and the calls the nodes make. Implements the facade the adapters use.
import { EventEmitter, setMaxListeners } from 'node:events';
import { withAnySignal } from './abort';
import type { AccountEvents, AccountOptions, BudgetUse, NetatmoAccountApi, RawReadPath } from './account-api';
import { ApiClient } from './api-client';
import { parseHomesData } from './discovery';
import { parseHomeTariffs } from './tariff';
import { parseHomeStatus, type HomeStatus } from './homestatus';
import { NetatmoError, abortedError, isNetatmoError } from './errors';
import { HttpClient } from './http';
import { readMeasures } from './measures';
import { OAuthClient, buildAuthorizeUrl } from './oauth';
import { DEFAULT_RATE_LIMITS, RateBudget } from './rate-budget';
import { TokenManager } from './token-manager';
import { CloudClock } from './cloud-clock';
import { TokenStore, isKnownToken } from './token-store';
import { systemClock, type Clock } from '../lib/clock';
import { type Bucket, type ConnectionState, type MeasureQuery, type ReadOptions, type TokenPair } from './types';
import { type Line, type MeterSelection } from '../contract/line';

/** Lifetime Netatmo gives access tokens (3 h): assumed for pasted tokens without an expiry. */
export const ACCESS_TOKEN_LIFETIME_MS = 3 * 3_600_000;

/** The HTTP client's per-request timeout when the options give none. */
const DEFAULT_TIMEOUT_MS = 15_000;
/**
 * Token requests wait this many times longer than API requests (60 s by default): Netatmo
 * rotates the refresh token as soon as it has the request, so giving up on a slow answer loses
 * the only valid refresh token (the retry with the old one answers invalid_grant). A month-long
 * soak under load lost one that way with the same timeout for both.
 */
export const TOKEN_TIMEOUT_FACTOR = 4;

export class NetatmoAccount extends EventEmitter implements NetatmoAccountApi {
  private readonly clock: Clock;
  private readonly lifecycle = new AbortController();
  private closing: Promise<void> | null = null;
  private readonly budget: RateBudget;
  private readonly http: HttpClient;
  private readonly oauth: OAuthClient;
  private readonly store: TokenStore;
  private readonly tokens: TokenManager;
  private readonly api: ApiClient;
  private readonly cloudClock = new CloudClock();
  private started: Promise<void> | null = null;

  constructor(private readonly options: AccountOptions) {
    super();
    this.clock = options.clock ?? systemClock;
    // Every request in flight listens on the account's signal (many at once is normal).
    setMaxListeners(0, this.lifecycle.signal);
    this.budget = new RateBudget({ limits: options.rateLimits ?? DEFAULT_RATE_LIMITS, clock: this.clock });
    this.http = new HttpClient({
      apiUrl: options.apiUrl,
      clock: this.clock,
      budget: this.budget,
      timeoutMs: options.timeoutMs,
      maxRetries: options.maxRetries,
      backoffBaseMs: options.backoffBaseMs,
    });
    this.oauth = new OAuthClient({
      http: this.http,
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      now: () => this.clock.now(),
      timeoutMs: TOKEN_TIMEOUT_FACTOR * (options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    });
    this.store = new TokenStore(options.tokenDir, undefined, options.tokenSecrets);
    this.tokens = new TokenManager({
      accountId: options.accountId,
      store: this.store,
      refresher: this.oauth,
      clock: this.clock,
    });
    this.api = new ApiClient(this.http, this.tokens, (answer) => this.cloudClock.observe(answer, this.clock.now()));
    this.tokens.on('tokens', (pair: TokenPair) => this.emit('tokens', pair));
    this.tokens.on('state', (state: ConnectionState) => this.emit('state', state));
  }

  start(): Promise<void> {
    if (!this.started) {
      this.started = this.load().catch((err: unknown) => {
        this.started = null; // a failed start may be tried again
        throw err;
      });
    }
    return this.started;
  }

  state(): ConnectionState {
    return this.tokens.state();
  }

  authorizeUrl(redirectUri: string, state: string): string {
    return buildAuthorizeUrl(this.options.apiUrl, this.options.clientId, redirectUri, state);
  }

  async exchangeCode(code: string, redirectUri: string, signal?: AbortSignal): Promise<TokenPair> {
    this.ensureOpen();
    const pair = await this.withSignal(signal, (either) => this.oauth.exchangeCode(code, redirectUri, either));
    await this.tokens.replace(pair);
    return pair;
  }

  /**
   * Pasted tokens: the refresh token is proven by a refresh before anything changes (the pasted
   * access token is not needed: the refresh gives a fresh one). Netatmo refusing it throws and
   * leaves the current pair, working or not, exactly as it was.
   */
  async setTokens(tokens: { accessToken?: string; refreshToken: string }): Promise<void> {
    this.ensureOpen();
    if (typeof tokens.refreshToken !== 'string' || tokens.refreshToken.trim() === '') {
      throw new NetatmoError('bad_input', 'A refresh token is needed');
    }
    await this.start();
    const refreshToken = tokens.refreshToken.trim();
    await this.adoptProven(await this.prove(refreshToken), refreshToken);
  }

  async getLines(options: ReadOptions & { meters?: MeterSelection } = {}): Promise<Line[]> {
    await this.ready();
    const answer = await this.withSignal(options.signal, (signal) => this.api.get('/api/homesdata', {}, { signal, onWait: options.onWait }));
    const lines = parseHomesData(answer, options.meters === 'all' ? 'all' : 'ecocounter');
    // The prices come with the lines (no request of their own): whoever reads the lines refreshes them.
    this.emit('tariffs', [...parseHomeTariffs(answer).values()]);
    return lines;
  }

  async readHomeStatus(homeId: string, options: ReadOptions = {}): Promise<HomeStatus> {
    await this.ready();
    const answer = await this.withSignal(options.signal, (signal) =>
      this.api.get('/api/homestatus', { home_id: homeId }, { signal, onWait: options.onWait, priority: options.priority ?? 'live' }),
    );
    return parseHomeStatus(answer, homeId);
  }

  async readMeasures(query: MeasureQuery, options: ReadOptions = {}): Promise<Bucket[]> {
    await this.ready();
    return this.withSignal(options.signal, (signal) =>
      // Up to the cloud's now, not the board's: a board clock ahead or behind must not cut the range.
      readMeasures((params, callOptions) => this.api.get('/api/getmeasure', params, callOptions), query, this.cloudTime(this.clock.now()), {
        ...options,
        signal,
      }),
    );
  }

  async rawRead(path: RawReadPath, params: Record<string, string>, options: ReadOptions = {}): Promise<Record<string, unknown>> {
    await this.ready();
    return this.withSignal(options.signal, (signal) => this.api.get(path, params, { signal, onWait: options.onWait }));
  }

  cloudTime(boardNow: number): number {
    return this.cloudClock.now(boardNow);
  }

  budgetUse(): BudgetUse {
    const limits = (this.options.rateLimits ?? DEFAULT_RATE_LIMITS).map(({ windowMs, max }) => ({ windowMs, max }));
    return { limits, used: limits.map((l) => this.budget.usedIn(l.windowMs)), queued: this.budget.queued() };
  }

  /**
   * Abort the reads in flight and stop. A token refresh in flight is let finish and its new pair
   * written to disk first: Netatmo may already have rotated, and that answer is then the only
   * copy of the new refresh token. A pair the disk refused before is tried once more. Resolves
   * when everything has stopped.
   */
  close(): Promise<void> {
    if (!this.closing) {
      this.lifecycle.abort();
      this.closing = (async () => {
        await this.started?.catch(() => undefined);
        await this.tokens.settled();
        await this.tokens.close();
        await this.store.idle();
        this.budget.close();
        this.http.close();
      })();
    }
    return this.closing;
  }

  override on<E extends keyof AccountEvents>(event: E, listener: AccountEvents[E]): this {
    return super.on(event, listener);
  }

  override off<E extends keyof AccountEvents>(event: E, listener: AccountEvents[E]): this {
    return super.off(event, listener);
  }

  /**
   * THE rule that reconciles the flow's credentials with the token file (nothing else does):
   * a refresh token from the credentials replaces the pair on disk only when the token file has
   * never seen it (neither its current token nor one it rotated away, see TokenStore) AND Netatmo
   * accepts it in a refresh. So a stale token left in the credentials never wins, garbage never
   * replaces a working pair, and an entered token is never called "connected" unproven.
   */
  private async load(): Promise<void> {
    const record = await this.store.loadRecord(this.options.accountId);
    const stored = record?.pair ?? null;
    const entered = this.initialPair();
    if (entered === null || isKnownToken(record, entered.refreshToken)) {
      this.tokens.adoptLoaded(stored);
      return;
    }
    let proven: TokenPair;
    try {
      proven = await this.prove(entered.refreshToken);
    } catch (err) {
      if (!isNetatmoError(err, 'reauth')) {
        // Not proven nor refused (Netatmo unreachable): keep the working pair; with none, hold
        // the entered one in memory (not on disk) and let its first use decide.
        this.tokens.adoptLoaded(stored ?? entered);
        return;
      }
      if (stored !== null) {
        this.tokens.adoptLoaded(stored);
        // Remembered as refused, so the next start does not ask Netatmo again.
        await this.store.retire(this.options.accountId, entered.refreshToken).catch(() => undefined);
        this.emit('enteredRefused', err);
      } else {
        this.tokens.refuse(err);
      }
      return;
    }
    await this.adoptProven(proven, entered.refreshToken);
  }

  /** A refresh with this token: the only proof that Netatmo takes it. Never aborted (it may rotate). */
  private prove(refreshToken: string): Promise<TokenPair> {
    return this.oauth.refresh(refreshToken);
  }

  /** The proven pair goes to disk; if the disk fails it is kept in memory (the old token is dead). */
  private async adoptProven(pair: TokenPair, provenFrom: string): Promise<void> {
    await this.tokens.replace(pair, { retiring: provenFrom }).catch((err: unknown) => this.tokens.adoptUnsaved(pair, provenFrom, err));
  }

  /** Tokens from the node's credentials, not proven yet. */
  private initialPair(): TokenPair | null {
    const t = this.options.initialTokens;
    if (!t || typeof t.refreshToken !== 'string' || t.refreshToken === '') return null;
    const accessToken = typeof t.accessToken === 'string' ? t.accessToken : '';
    const now = this.clock.now();
    let expiresAt = typeof t.expiresAt === 'number' && Number.isFinite(t.expiresAt) ? t.expiresAt : 0;
    if (expiresAt === 0 && accessToken !== '') expiresAt = now + ACCESS_TOKEN_LIFETIME_MS;
    return { accessToken, refreshToken: t.refreshToken, issuedAt: now, expiresAt };
  }

  private async ready(): Promise<void> {
    this.ensureOpen();
    await this.start();
  }

  private ensureOpen(): void {
    if (this.lifecycle.signal.aborted) throw abortedError();
  }

  /** `fn` with a signal that also aborts when the account closes (unhooked once `fn` ends). */
  private withSignal<T>(caller: AbortSignal | undefined, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return withAnySignal([this.lifecycle.signal, caller], (signal) => fn(signal ?? this.lifecycle.signal));
  }
}
