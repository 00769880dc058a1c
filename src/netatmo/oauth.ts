// OAuth2 with Netatmo: the authorize URL, the code exchange and the refresh. Refresh tokens
// rotate: each refresh answers a new pair and kills the old one, so the caller (the token
// manager) must store the new pair before anything else happens.
import { NetatmoError, isNetatmoError, unexpectedAnswer } from './errors';
import type { HttpClient } from './http';
import type { TokenPair } from './types';

export const OAUTH_SCOPE = 'read_magellan';

/** The browser goes here to grant the app `read_magellan`; it comes back with `code` and `state`. */
export function buildAuthorizeUrl(apiUrl: string, clientId: string, redirectUri: string, state: string): string {
  const query = new URLSearchParams({ client_id: clientId, redirect_uri: redirectUri, scope: OAUTH_SCOPE, state });
  return `${apiUrl.replace(/\/+$/, '')}/oauth2/authorize?${query.toString()}`;
}

/**
 * Netatmo announces 3 h. A longer lifetime is taken as this at most: refreshing early costs one
 * request, while an absurd one (1e308 s) would give an expiry JSON cannot hold, and the store
 * would refuse the rotated pair, losing the only valid refresh token at the next restart.
 */
export const MAX_TOKEN_LIFETIME_SEC = 24 * 3600;

/** Validate a token answer (`expires_in`, or the older `expire_in`) into our pair. */
export function parseTokenAnswer(body: unknown, now: number): TokenPair {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw unexpectedAnswer('the token answer is not an object');
  const b = body as Record<string, unknown>;
  if (typeof b.access_token !== 'string' || b.access_token === '') throw unexpectedAnswer('the token answer has no access token');
  if (typeof b.refresh_token !== 'string' || b.refresh_token === '') throw unexpectedAnswer('the token answer has no refresh token');
  const expiresIn = typeof b.expires_in === 'number' ? b.expires_in : b.expire_in;
  if (typeof expiresIn !== 'number' || !Number.isFinite(expiresIn) || expiresIn <= 0) {
    throw unexpectedAnswer('the token answer has no valid lifetime (expires_in)');
  }
  return { accessToken: b.access_token, refreshToken: b.refresh_token, expiresAt: now + Math.min(expiresIn, MAX_TOKEN_LIFETIME_SEC) * 1000, issuedAt: now };
}

export interface OAuthClientOptions {
  http: HttpClient;
  clientId: string;
  clientSecret: string;
  now: () => number;
  /**
   * Per-attempt timeout of token requests (default: the HTTP client's). Longer than the API's:
   * Netatmo rotates as soon as it has the request, so an answer given up on is a refresh token
   * lost, and the retry with the old one answers invalid_grant.
   */
  timeoutMs?: number;
}

export class OAuthClient {
  constructor(private readonly options: OAuthClientOptions) {}

  async exchangeCode(code: string, redirectUri: string, signal?: AbortSignal): Promise<TokenPair> {
    if (!code) throw new NetatmoError('bad_input', 'No authorization code was given');
    try {
      return await this.token({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, scope: OAUTH_SCOPE }, signal);
    } catch (err) {
      if (isNetatmoError(err, 'reauth')) {
        throw new NetatmoError('reauth', 'Netatmo refused the authorization code (expired or already used): connect again', {
          reason: 'code_refused',
          status: err.status,
        });
      }
      throw err;
    }
  }

  /** One refresh: the old refresh token is dead as soon as Netatmo answers. No scope on refresh. */
  refresh(refreshToken: string, signal?: AbortSignal): Promise<TokenPair> {
    if (!refreshToken) return Promise.reject(new NetatmoError('reauth', 'No refresh token: connect the account to Netatmo', { reason: 'not_connected' }));
    return this.token({ grant_type: 'refresh_token', refresh_token: refreshToken }, signal);
  }

  private async token(fields: Record<string, string>, signal?: AbortSignal): Promise<TokenPair> {
    const params = { ...fields, client_id: this.options.clientId, client_secret: this.options.clientSecret };
    const body = await this.options.http.send({ method: 'POST', path: '/oauth2/token', params }, { signal, timeoutMs: this.options.timeoutMs });
    return parseTokenAnswer(body, this.options.now());
  }
}
