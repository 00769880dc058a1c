// Every failure of the Netatmo client is a NetatmoError with a kind and a text for a person.
// The client never logs: the node decides what to show.

export type ErrorKind =
  /** The token was refused and refreshing did not help (codes 1/2/3 after a refresh). */
  | 'auth'
  /** The refresh token is dead (`invalid_grant`): the user must authorise again. */
  | 'reauth'
  /** The rate limit was reached (code 26) and waiting did not help in time. */
  | 'rate_limit'
  /** Network error, timeout, 5xx, 429 code 11, unreadable answer: worth retrying later. */
  | 'transient'
  /** The caller asked for something invalid (checked before any request, or code 10/21/25). */
  | 'bad_input'
  /** Any other answer of the API (device not found, scope, unexpected shape…). */
  | 'api'
  /** The caller aborted (node closed, redeploy). */
  | 'aborted';

export interface NetatmoErrorDetails {
  /** Netatmo's error code when the answer had one. */
  code?: number;
  /** HTTP status when there was an answer. */
  status?: number;
  /** How long the server asked us to wait, when it said so. */
  retryAfterMs?: number;
  /**
   * A stable name of what went wrong (`timeout`, `invalid_grant`, `unexpected`…) and the values
   * its text uses, so that a user interface can say the same in the user's language.
   */
  reason?: string;
  params?: Record<string, string>;
  cause?: unknown;
}

export class NetatmoError extends Error {
  readonly kind: ErrorKind;
  readonly code?: number;
  readonly status?: number;
  readonly retryAfterMs?: number;
  readonly reason?: string;
  readonly params?: Readonly<Record<string, string>>;

  constructor(kind: ErrorKind, message: string, details: NetatmoErrorDetails = {}) {
    super(message);
    this.name = 'NetatmoError';
    this.kind = kind;
    this.code = details.code;
    this.status = details.status;
    this.retryAfterMs = details.retryAfterMs;
    this.reason = details.reason;
    this.params = details.params;
    if (details.cause !== undefined) (this as { cause?: unknown }).cause = details.cause;
  }
}

export function isNetatmoError(err: unknown, kind?: ErrorKind): err is NetatmoError {
  return err instanceof NetatmoError && (kind === undefined || err.kind === kind);
}

/** Netatmo answered something of a shape we cannot use: `what` says what was wrong with it. */
export function unexpectedAnswer(what: string): NetatmoError {
  return new NetatmoError('api', `Unexpected answer from Netatmo: ${what}`, { reason: 'unexpected', params: { detail: what } });
}

/** A plain object (not null, not an array): the first check on anything parsed from the wire. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function badInput(message: string): NetatmoError {
  return new NetatmoError('bad_input', message);
}

export function abortedError(): NetatmoError {
  return new NetatmoError('aborted', 'Request aborted', { reason: 'aborted' });
}
