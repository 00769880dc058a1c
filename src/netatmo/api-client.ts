// Calls to /api/* with the account's access token. A refused token (code 2 or 3, e.g. revoked
// or expired early) gets one refresh and one retry; a second refusal is an 'auth' error.
import { NetatmoError, isNetatmoError } from './errors';
import type { HttpClient, SendOptions } from './http';
import type { Priority } from './rate-budget';
import type { TokenManager } from './token-manager';

export interface ApiCallOptions extends SendOptions {
  priority?: Priority;
}

function isTokenRefused(err: unknown): err is NetatmoError {
  return isNetatmoError(err, 'auth') && (err.code === 2 || err.code === 3);
}

export class ApiClient {
  constructor(
    private readonly http: HttpClient,
    private readonly tokens: TokenManager,
    /** Sees every answer (the account learns the cloud's time from them). */
    private readonly onAnswer: (answer: Record<string, unknown>) => void = () => undefined,
  ) {}

  async get(path: string, params: Record<string, string>, options: ApiCallOptions = {}): Promise<Record<string, unknown>> {
    const send = async (bearer: string): Promise<Record<string, unknown>> => {
      const answer = await this.http.send(
        { method: 'GET', path, params, bearer, priority: options.priority },
        { signal: options.signal, onWait: options.onWait },
      );
      this.onAnswer(answer);
      return answer;
    };
    const token = await this.tokens.accessToken(options.signal);
    try {
      return await send(token);
    } catch (err) {
      if (!isTokenRefused(err)) throw err;
    }
    const fresh = await this.tokens.refreshAfterRejection(token, options.signal);
    try {
      return await send(fresh);
    } catch (err) {
      if (isTokenRefused(err)) {
        throw new NetatmoError('auth', 'Netatmo refused the access token even after a refresh: authorise again', {
          reason: 'refused_after_refresh',
          code: err.code,
          status: err.status,
        });
      }
      throw err;
    }
  }
}
