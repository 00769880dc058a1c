// Turns one raw HTTP answer of Netatmo into either a parsed JSON body or a NetatmoError whose
// text a person understands. Texts are our own: nothing of the request (URL, headers, form)
// and nothing of the answer's body goes into them, so no token can leak through an error.
import { NetatmoError, type ErrorKind, isRecord } from './errors';

export interface RawAnswer {
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string | undefined>;
  text: string;
}

/** What a failed answer calls for: retry after a backoff, wait for the rate budget, or nothing. */
export type RetryHint = 'transient' | 'rate_limit' | 'none';

export type Classified = { ok: true; body: unknown } | { ok: false; error: NetatmoError; retry: RetryHint };

const OAUTH_ERRORS: Record<string, { kind: ErrorKind; text: string; retry?: RetryHint }> = {
  invalid_grant: { kind: 'reauth', text: 'Netatmo refused the refresh token: authorise again' },
  invalid_client: { kind: 'auth', text: 'Netatmo refused the client id or client secret: check them in the account settings' },
  unauthorized_client: { kind: 'auth', text: 'Netatmo does not allow this app to use this grant: check the app on the Netatmo developer site' },
  invalid_scope: { kind: 'api', text: 'Netatmo refused the requested scope (read_magellan)' },
  invalid_request: { kind: 'api', text: 'Netatmo refused the token request as malformed' },
  unsupported_grant_type: { kind: 'api', text: 'Netatmo refused the grant type of the token request' },
  access_denied: { kind: 'auth', text: 'Access to Netatmo was denied' },
  too_many_connections: { kind: 'transient', text: 'Netatmo refused the connection for now (too many connections)', retry: 'transient' },
};

interface CodeRule {
  kind: ErrorKind;
  text: string;
  retry?: RetryHint;
}

const API_CODES: Record<number, CodeRule> = {
  1: { kind: 'auth', text: 'Netatmo received no access token' },
  2: { kind: 'auth', text: 'Netatmo refused the access token (invalid token)' },
  3: { kind: 'auth', text: 'Netatmo refused the access token (expired)' },
  9: { kind: 'api', text: 'Netatmo does not know this device (device not found): check the module and device ids' },
  10: { kind: 'bad_input', text: 'Netatmo says an argument of the request is missing' },
  11: { kind: 'transient', text: 'Netatmo is overloaded (too many concurrent requests)', retry: 'transient' },
  13: { kind: 'api', text: 'The Netatmo app lacks the read_magellan scope: connect the account again and grant it' },
  21: { kind: 'bad_input', text: 'Netatmo refused an argument of the request as invalid' },
  25: { kind: 'bad_input', text: 'Netatmo refused the dates of the request (invalid date)' },
  26: { kind: 'rate_limit', text: "Netatmo's usage limit was reached (too many requests)", retry: 'rate_limit' },
  30: { kind: 'reauth', text: 'Netatmo refused the refresh token: authorise again' },
  41: { kind: 'api', text: 'The ecocounter is unreachable for Netatmo right now' },
};

interface FailExtra {
  code?: number;
  retryAfterMs?: number;
  reason?: string;
}

function fail(kind: ErrorKind, text: string, status: number, retry: RetryHint, extra: FailExtra = {}): Classified {
  return { ok: false, retry, error: new NetatmoError(kind, text, { status, params: { status: String(status) }, ...extra }) };
}

/** `Retry-After` in seconds or as an HTTP date; undefined when absent or unreadable. */
function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

function looksLikeHtml(raw: RawAnswer): boolean {
  const type = raw.headers['content-type'] ?? '';
  return /html/i.test(type) || /^\s*</.test(raw.text);
}

function mapErrorField(error: unknown, raw: RawAnswer, retryAfterMs: number | undefined): Classified | null {
  const status = raw.status;
  if (typeof error === 'string') {
    const rule = OAUTH_ERRORS[error];
    if (rule) return fail(rule.kind, rule.text, status, rule.retry ?? 'none', { reason: error, retryAfterMs });
    // Only a short, plain error name goes into the text; anything else stays out.
    const name = /^[a-z_]{1,40}$/i.test(error) ? ` (${error})` : '';
    return fail(status >= 500 ? 'transient' : 'api', `Netatmo refused the request${name}`, status, status >= 500 ? 'transient' : 'none');
  }
  if (isRecord(error)) {
    const code = typeof error.code === 'number' ? error.code : undefined;
    if (code === 26 || (code === undefined && status === 429)) {
      return fail('rate_limit', API_CODES[26].text, status, 'rate_limit', { code: 26, retryAfterMs });
    }
    if (code !== undefined && API_CODES[code]) {
      const rule = API_CODES[code];
      return fail(rule.kind, rule.text, status, rule.retry ?? 'none', { code, retryAfterMs });
    }
    if (status >= 500) return fail('transient', `Netatmo had an internal error (HTTP ${status})`, status, 'transient', { code, reason: 'server_error' });
    const codeText = code !== undefined ? `code ${code}, ` : '';
    return fail('api', `Netatmo refused the request (${codeText}HTTP ${status})`, status, 'none', {
      code,
      reason: code !== undefined ? 'refused_code' : 'refused',
    });
  }
  return null;
}

/** Classify one answer. `ok` only for a 2xx answer with a JSON object and no `error` field. */
export function classifyAnswer(raw: RawAnswer, now: number): Classified {
  const status = raw.status;
  const retryAfterMs = parseRetryAfter(raw.headers['retry-after'], now);
  if (looksLikeHtml(raw)) {
    if (status === 429) return fail('rate_limit', API_CODES[26].text, status, 'rate_limit', { retryAfterMs });
    if (status >= 500 || (status >= 200 && status < 300)) {
      return fail('transient', `Netatmo answered with an error page instead of data (HTTP ${status})`, status, 'transient', { reason: 'html_page' });
    }
    return fail('api', `Netatmo answered with an unexpected page (HTTP ${status})`, status, 'none', { reason: 'unexpected_page' });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.text);
  } catch {
    if (status === 429) return fail('rate_limit', API_CODES[26].text, status, 'rate_limit', { retryAfterMs });
    if (status >= 500 || (status >= 200 && status < 300)) {
      return fail('transient', `Netatmo sent an unreadable answer (truncated or malformed data, HTTP ${status})`, status, 'transient', {
        reason: 'unreadable',
      });
    }
    return fail('api', `Netatmo refused the request (HTTP ${status}, unreadable answer)`, status, 'none', { reason: 'refused' });
  }
  if (isRecord(parsed) && 'error' in parsed) {
    const mapped = mapErrorField(parsed.error, raw, retryAfterMs);
    if (mapped) return mapped;
  }
  if (status >= 200 && status < 300) {
    if (!isRecord(parsed)) return fail('api', 'Unexpected answer from Netatmo: not a JSON object', status, 'none', { reason: 'not_json_object' });
    return { ok: true, body: parsed };
  }
  if (status === 429) return fail('rate_limit', API_CODES[26].text, status, 'rate_limit', { retryAfterMs });
  if (status >= 500) return fail('transient', `Netatmo had an internal error (HTTP ${status})`, status, 'transient', { reason: 'server_error' });
  return fail('api', `Netatmo refused the request (HTTP ${status})`, status, 'none', { reason: 'refused' });
}

/** An error of the transport itself (no answer): a text without the URL or any header. */
export function networkError(code: string | undefined, timedOut: boolean, timeoutMs: number): NetatmoError {
  const seconds = String(Math.round(timeoutMs / 100) / 10);
  if (timedOut) return new NetatmoError('transient', `Netatmo did not answer within ${seconds} s`, { reason: 'timeout', params: { seconds } });
  const safeCode = code && /^[A-Z_0-9]{2,30}$/.test(code) ? ` (${code})` : '';
  return new NetatmoError('transient', `Could not reach Netatmo${safeCode}`, { reason: 'unreachable', params: { detail: safeCode } });
}
