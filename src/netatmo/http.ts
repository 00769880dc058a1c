// The transport to Netatmo: one axios instance per account, every request through the rate
// budget, answers classified by error-map, transient failures retried with exponential backoff
// and jitter (or for as long as a `Retry-After` says, through the budget), code 26 and HTTP 429
// waited out through the budget (`Retry-After` when given). Nothing here knows about tokens beyond
// putting a given one into the Authorization header.
import http from 'node:http';
import https from 'node:https';
import axios, { type AxiosInstance } from 'axios';
import { sleep, throwIfAborted, withAnySignal } from './abort';
import { classifyAnswer, networkError, type Classified } from './error-map';
import { NetatmoError, abortedError } from './errors';
import type { Priority, RateBudget } from './rate-budget';
import type { Clock } from '../lib/clock';

/**
 * The largest answer read (10 MiB). Real answers are far smaller (a getmeasure page of 1024 rows
 * is ~100 KB, a homesdata of a large house well under 1 MB): a bigger one is a broken proxy or a
 * hostile server, and reading it whole would only eat the memory of Node-RED.
 */
export const MAX_ANSWER_BYTES = 10 * 1024 * 1024;
/** Our requests are a few form fields. */
const MAX_REQUEST_BYTES = 64 * 1024;

export interface HttpClientOptions {
  apiUrl: string;
  clock: Clock;
  budget: RateBudget;
  /** Per-attempt timeout (default 15 s). */
  timeoutMs?: number;
  /** Retries of transient failures per request (default 4). */
  maxRetries?: number;
  /** First backoff delay (default 500 ms); doubles per retry, with jitter. */
  backoffBaseMs?: number;
  maxBackoffMs?: number;
  /** Give up with 'rate_limit' once code 26 pauses add up to more than this (default 15 min). */
  rateLimitGiveUpMs?: number;
  /** Injected randomness for the jitter (tests). */
  random?: () => number;
}

export interface HttpRequest {
  method: 'GET' | 'POST';
  path: string;
  /** Query parameters for GET, form fields for POST. */
  params?: Record<string, string>;
  bearer?: string;
  priority?: Priority;
}

export interface SendOptions {
  signal?: AbortSignal;
  onWait?: (ms: number) => void;
  /** Per-attempt timeout of this request, instead of the client's. */
  timeoutMs?: number;
}

export class HttpClient {
  private readonly axios: AxiosInstance;
  private readonly httpAgent = new http.Agent({ keepAlive: true });
  private readonly httpsAgent = new https.Agent({ keepAlive: true });
  private readonly clock: Clock;
  private readonly budget: RateBudget;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly backoffBaseMs: number;
  private readonly maxBackoffMs: number;
  private readonly rateLimitGiveUpMs: number;
  private readonly random: () => number;

  constructor(options: HttpClientOptions) {
    this.clock = options.clock;
    this.budget = options.budget;
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.maxRetries = options.maxRetries ?? 4;
    this.backoffBaseMs = options.backoffBaseMs ?? 500;
    this.maxBackoffMs = options.maxBackoffMs ?? 30_000;
    this.rateLimitGiveUpMs = options.rateLimitGiveUpMs ?? 15 * 60_000;
    this.random = options.random ?? Math.random;
    this.axios = axios.create({
      baseURL: options.apiUrl.replace(/\/+$/, ''),
      timeout: this.timeoutMs,
      // Every status comes back as an answer: error-map decides what it means.
      validateStatus: () => true,
      // Raw text: a truncated JSON or an HTML page must be seen as such, not half-parsed.
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      maxRedirects: 0,
      maxContentLength: MAX_ANSWER_BYTES,
      maxBodyLength: MAX_REQUEST_BYTES,
      httpAgent: this.httpAgent,
      httpsAgent: this.httpsAgent,
    });
  }

  /** Send one request, with retries; resolves to the answer's JSON object. */
  async send(request: HttpRequest, options: SendOptions = {}): Promise<Record<string, unknown>> {
    const { signal } = options;
    let transientRetries = 0;
    let rateLimitWaited = 0;
    for (;;) {
      throwIfAborted(signal);
      const release = await this.budget.acquire({ signal, onWait: options.onWait, priority: request.priority });
      let outcome: Classified;
      try {
        outcome = await this.attempt(request, signal, options.timeoutMs ?? this.timeoutMs);
      } finally {
        release();
      }
      if (outcome.ok) {
        this.budget.noteSuccess();
        return outcome.body as Record<string, unknown>;
      }
      throwIfAborted(signal);
      if (outcome.retry === 'rate_limit') {
        const pause = this.budget.noteRateLimited(outcome.error.retryAfterMs);
        rateLimitWaited += pause;
        if (rateLimitWaited > this.rateLimitGiveUpMs) {
          const minutes = Math.round(rateLimitWaited / 60_000);
          throw new NetatmoError('rate_limit', `Netatmo's usage limit is still reached after waiting about ${minutes} min; giving up for now`, {
            reason: 'rate_limit_gave_up',
            params: { minutes: String(minutes) },
            code: outcome.error.code,
            status: outcome.error.status,
            retryAfterMs: pause,
          });
        }
        continue; // the budget holds the next attempt until the pause ends
      }
      if (outcome.retry === 'transient' && transientRetries < this.maxRetries) {
        const told = outcome.error.retryAfterMs;
        if (told === undefined) {
          await sleep(this.clock, this.backoff(transientRetries), signal);
        } else {
          // Netatmo said when (`Retry-After`, e.g. on code 11, too many concurrent requests of
          // the user): the whole account waits that long, not only this request. A wait longer
          // than we would ever wait for code 26 is an answer now, not a stalled read.
          if (told > this.rateLimitGiveUpMs) throw outcome.error;
          this.budget.pauseUntil(this.clock.now() + Math.max(told, this.backoff(transientRetries)));
        }
        transientRetries += 1;
        continue;
      }
      throw outcome.error;
    }
  }

  /** Stop keeping connections open. */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  private backoff(retry: number): number {
    const full = Math.min(this.backoffBaseMs * 2 ** retry, this.maxBackoffMs);
    return Math.round(full / 2 + (this.random() * full) / 2);
  }

  private async attempt(request: HttpRequest, signal: AbortSignal | undefined, timeoutMs: number): Promise<Classified> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (request.bearer !== undefined) headers.Authorization = `Bearer ${request.bearer}`;
    const query = new URLSearchParams(request.params ?? {}).toString();
    const isGet = request.method === 'GET';
    if (!isGet) headers['Content-Type'] = 'application/x-www-form-urlencoded';
    // A timeout of our own as well as axios': a server that sends headers and then stalls must
    // not hold the caller beyond timeoutMs.
    const timeout = AbortSignal.timeout(timeoutMs);
    try {
      const answer = await withAnySignal([signal, timeout], (either) =>
        this.axios.request<string>({
          timeout: timeoutMs,
          method: request.method,
          url: isGet && query ? `${request.path}?${query}` : request.path,
          data: isGet ? undefined : query,
          headers,
          signal: either,
        }),
      );
      const answerHeaders: Record<string, string | undefined> = {};
      for (const [name, value] of Object.entries(answer.headers ?? {})) {
        if (typeof value === 'string') answerHeaders[name.toLowerCase()] = value;
        else if (typeof value === 'number') answerHeaders[name.toLowerCase()] = String(value);
      }
      const text = typeof answer.data === 'string' ? answer.data : '';
      return classifyAnswer({ status: answer.status, headers: answerHeaders, text }, this.clock.now());
    } catch (err: unknown) {
      if (signal?.aborted) throw abortedError();
      // Never keep the axios error: its config holds the Authorization header.
      const code = typeof (err as { code?: unknown })?.code === 'string' ? (err as { code: string }).code : undefined;
      if (code === 'ERR_BAD_RESPONSE' && /maxContentLength/.test(String((err as { message?: unknown })?.message))) {
        // Asking again would only fetch the same flood.
        return { ok: false, retry: 'none', error: answerTooLarge() };
      }
      const timedOut = timeout.aborted || code === 'ECONNABORTED' || code === 'ETIMEDOUT';
      return { ok: false, retry: 'transient', error: networkError(code, timedOut, timeoutMs) };
    }
  }
}

function answerTooLarge(): NetatmoError {
  const mb = String(MAX_ANSWER_BYTES / 1024 / 1024);
  return new NetatmoError('api', `Netatmo sent an answer larger than ${mb} MB: refused`, { reason: 'too_large', params: { mb } });
}
