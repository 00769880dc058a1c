// The face of the Netatmo client that the Node-RED adapters use. One instance per account
// (per `econetatmo-account` config node): it owns the tokens, the single refresh, the token
// store on disk and the rate budget that every request of the account shares.
import type { NetatmoError } from './errors';
import type { Bucket, ConnectionState, MeasureQuery, ReadOptions, TokenPair } from './types';
import type { HomeStatus } from './homestatus';
import type { Clock } from '../lib/clock';
import type { Line, MeterSelection } from '../contract/line';
import type { TokenSecrets } from './token-file';
import type { TariffReading } from './tariff';

export interface AccountOptions {
  /** Base URL of the API and OAuth host, e.g. `https://api.netatmo.com` or the simulator's. */
  apiUrl: string;
  clientId: string;
  clientSecret: string;
  /** Directory of the durable token store (created if missing); under the Node-RED user dir. */
  tokenDir: string;
  /** Seal the token file with these (Node-RED's credentialSecret); none: plain JSON, mode 0600. */
  tokenSecrets?: TokenSecrets;
  /** Stable id of the account (the config node's id): names the token file. */
  accountId: string;
  /** Tokens entered by the user (held in the node's credentials); proven before they replace the disk's. */
  initialTokens?: { accessToken?: string; refreshToken?: string; expiresAt?: number };
  clock?: Clock;
  /** Per-request timeout (default 15 s). */
  timeoutMs?: number;
  /** Retries of transient failures per request (default 4). */
  maxRetries?: number;
  /** Base delay of the exponential backoff (default 500 ms). */
  backoffBaseMs?: number;
  /** Rate budget limits; default 50/10 s and 500/h with a safety margin. */
  rateLimits?: Array<{ windowMs: number; max: number }>;
}

export type RawReadPath = '/api/homesdata' | '/api/getmeasure' | '/api/homestatus';

export interface BudgetUse {
  limits: Array<{ windowMs: number; max: number }>;
  /** Requests in each limit's window now, in the order of `limits`. */
  used: number[];
  queued: number;
}

export interface AccountEvents {
  /** A new pair arrived (refresh or code exchange) and is already on disk. */
  tokens: (pair: TokenPair) => void;
  /** The connection state changed. */
  state: (state: ConnectionState) => void;
  /** Netatmo refused the refresh token of the credentials; the working pair on disk was kept. */
  enteredRefused: (err: NetatmoError) => void;
  /** Every home's tariff, read from the same `/api/homesdata` answer as the lines. */
  tariffs: (readings: TariffReading[]) => void;
}

export interface NetatmoAccountApi {
  /** Load the store and reconcile it with `initialTokens` (see NetatmoAccount.load). Idempotent. */
  start(): Promise<void>;
  state(): ConnectionState;
  /** The authorize URL for the authorization-code flow (scope `read_magellan`). */
  authorizeUrl(redirectUri: string, state: string): string;
  /** Exchange an authorization code; stores the pair; state becomes connected. */
  exchangeCode(code: string, redirectUri: string, signal?: AbortSignal): Promise<TokenPair>;
  /** Prove a pasted refresh token by a refresh, then store the new pair; a refusal changes nothing. */
  setTokens(tokens: { accessToken?: string; refreshToken: string }): Promise<void>;
  /**
   * `/api/homesdata` -> the lines, home order, then the ecocounters' lines in index order, then the
   * other models' (`meters: 'all'`; the default `ecocounter` lists the ecocounters' lines only).
   */
  getLines(options?: ReadOptions & { meters?: MeterSelection }): Promise<Line[]>;
  /**
   * `/api/homestatus` of one home -> its modules' live power, at `live` priority in the rate
   * budget (energy reads go first). Modules the answer gets wrong are in `skipped`.
   */
  readHomeStatus(homeId: string, options?: ReadOptions): Promise<HomeStatus>;
  /** `/api/getmeasure` for a line over a range, as many pages as it takes, all types per request. */
  readMeasures(query: MeasureQuery, options?: ReadOptions): Promise<Bucket[]>;
  /**
   * One answer of `/api/homesdata`, `/api/getmeasure` or `/api/homestatus` as Netatmo sent it (a JSON object), for
   * the diagnostics a user attaches to a bug report. Same tokens, budget and retries as any read.
   */
  rawRead(path: RawReadPath, params: Record<string, string>, options?: ReadOptions): Promise<Record<string, unknown>>;
  /**
   * The cloud's time at board time `boardNow`, as the answers' `time_server` tells it: the board's
   * own while the two agree within CLOCK_AGREEMENT_MS (cloud-clock.ts) or no answer came yet.
   */
  cloudTime(boardNow: number): number;
  /** How much of the rate budget is used now (no request). */
  budgetUse(): BudgetUse;
  /**
   * Abort the reads in flight and stop timers; a token refresh in flight is let finish and its
   * pair stored first. Resolves when everything has stopped.
   */
  close(): Promise<void>;
  on<E extends keyof AccountEvents>(event: E, listener: AccountEvents[E]): this;
  off<E extends keyof AccountEvents>(event: E, listener: AccountEvents[E]): this;
}
