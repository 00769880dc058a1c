import should from 'should';
import util from 'node:util';
import path from 'node:path';
import { HttpClient } from '../../../src/netatmo/http';
import { RateBudget } from '../../../src/netatmo/rate-budget';
import { ApiClient } from '../../../src/netatmo/api-client';
import { OAuthClient, buildAuthorizeUrl, parseTokenAnswer } from '../../../src/netatmo/oauth';
import { TokenManager } from '../../../src/netatmo/token-manager';
import { TokenStore } from '../../../src/netatmo/token-store';
import { classifyAnswer } from '../../../src/netatmo/error-map';
import { NetatmoError } from '../../../src/netatmo/errors';
import { VirtualClock } from '../../support/virtual-clock';
import { json, startScripted, type Handler, type ScriptedServer } from '../../support/scripted-server';
import { tempDir } from '../../support/temp-dir';

const SECRET_ACCESS = 'acc3ss|s3cr3t-token';
const SECRET_REFRESH = 'r3fr3sh|s3cr3t-token';
const CLIENT_SECRET = 'cl13nt-s3cr3t';

const html: Handler = (_req, res) => {
  res.writeHead(502, { 'Content-Type': 'text/html' });
  res.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
};
const truncated: Handler = (_req, res) => {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.end('{"body":[{"beg_time":17217729');
};
const code11: Handler = (_req, res) => json(res, 429, { error: { code: 11, message: 'Failed to enter concurrency limited section' } });
const code26: Handler = (_req, res) => json(res, 429, { error: { code: 26, message: 'User usage reached' } });
const ok: Handler = (_req, res) => json(res, 200, { status: 'ok', body: { fine: true } });
const apiError =
  (status: number, code: number): Handler =>
  (_req, res) =>
    json(res, status, { error: { code, message: 'nope' } });

function assertNoSecret(err: unknown): void {
  const shown = `${String(err)} ${util.inspect(err, { depth: 5 })} ${JSON.stringify(err)}`;
  for (const secret of [SECRET_ACCESS, SECRET_REFRESH, CLIENT_SECRET, 's3cr3t']) should(shown.includes(secret)).be.false();
}

async function failure(p: Promise<unknown>): Promise<NetatmoError> {
  try {
    await p;
  } catch (err) {
    should(err).be.instanceOf(NetatmoError);
    assertNoSecret(err);
    return err as NetatmoError;
  }
  throw new Error('expected a failure');
}

describe('HTTP client: retries and error mapping', () => {
  let server: ScriptedServer;
  let clock: VirtualClock;
  let script: Handler[];

  function client(opts: { maxRetries?: number; timeoutMs?: number; rateLimitGiveUpMs?: number } = {}): HttpClient {
    return new HttpClient({ apiUrl: server.url, clock, budget: new RateBudget({ clock }), backoffBaseMs: 100, random: () => 0.5, ...opts });
  }
  const get = (c: HttpClient, signal?: AbortSignal) =>
    c.send(
      { method: 'GET', path: '/api/getmeasure', params: { module_id: 'aa#1', type: 'sum_energy_elec$1,sum_energy_elec$2' }, bearer: SECRET_ACCESS },
      { signal },
    );

  beforeEach(async () => {
    clock = new VirtualClock({ start: Date.UTC(2025, 0, 15, 12, 0, 0), timers: 'auto' });
    script = [];
    server = await startScripted((_req, i) => script[Math.min(i, script.length - 1)]);
  });
  afterEach(() => server.close());

  it('sends GET with query parameters and the token as a Bearer header', async () => {
    script = [ok];
    should(await get(client())).eql({ status: 'ok', body: { fine: true } });
    const req = server.requests[0];
    should(req.method).equal('GET');
    should(req.headers.authorization).equal(`Bearer ${SECRET_ACCESS}`);
    should(req.query.get('module_id')).equal('aa#1');
    should(req.query.get('type')).equal('sum_energy_elec$1,sum_energy_elec$2');
    should(req.query.has('access_token')).be.false();
  });

  it('retries an HTML error page, truncated JSON, a 5xx and code 11, then succeeds', async () => {
    script = [html, truncated, apiError(503, 0), code11, ok];
    should(await get(client({ maxRetries: 4 }))).eql({ status: 'ok', body: { fine: true } });
    should(server.requests).length(5);
  });

  it('gives up after maxRetries with a transient error a person can read', async () => {
    script = [html];
    const err = await failure(get(client({ maxRetries: 2 })));
    should(err.kind).equal('transient');
    should(err.message).equal('Netatmo answered with an error page instead of data (HTTP 502)');
    should(server.requests).length(3);
    script = [truncated];
    should((await failure(get(client({ maxRetries: 0 })))).message).match(/unreadable answer/);
    script = [code11];
    should(await failure(get(client({ maxRetries: 0 })))).match({ kind: 'transient', code: 11, status: 429 });
  });

  it('waits out code 26 through the budget without using the transient retries', async () => {
    script = [code26, code26, code26, ok];
    const c = client({ maxRetries: 0 });
    const before = clock.now();
    should(await get(c)).eql({ status: 'ok', body: { fine: true } });
    should(server.requests).length(4);
    should(clock.now() - before).be.aboveOrEqual(10_000 + 20_000 + 40_000);
  });

  it('honours Retry-After on code 26', async () => {
    script = [(_req, res) => json(res, 429, { error: { code: 26, message: 'x' } }, { 'Retry-After': '3' }), ok];
    const before = clock.now();
    await get(client());
    should(clock.now() - before).be.within(3000, 3500);
  });

  it('honours Retry-After on an HTTP 429 without a code, in seconds or as a date', async () => {
    script = [(_req, res) => json(res, 429, {}, { 'Retry-After': '7' }), ok];
    let before = clock.now();
    should(await get(client({ maxRetries: 0 }))).eql({ status: 'ok', body: { fine: true } });
    should(server.requests).length(2);
    should(clock.now() - before).be.within(7000, 7500);
    const c = client({ maxRetries: 0 });
    before = clock.now();
    const date = new Date(Math.ceil((before + 20_000) / 1000) * 1000).toUTCString();
    script = [
      ok,
      ok,
      (_req, res) => {
        res.writeHead(429, { 'Content-Type': 'text/plain', 'Retry-After': date });
        res.end('Too Many Requests');
      },
      ok,
    ];
    await get(c);
    should(clock.now() - before).be.within(19_000, 21_000);
  });

  it('honours Retry-After on code 11: the account waits as told, then the retry succeeds', async () => {
    script = [(_req, res) => json(res, 429, { error: { code: 11, message: 'busy' } }, { 'Retry-After': '5' }), ok];
    const budget = new RateBudget({ clock });
    const c = new HttpClient({ apiUrl: server.url, clock, budget, backoffBaseMs: 100, random: () => 0.5 });
    const before = clock.now();
    const waits: number[] = [];
    should(await c.send({ method: 'GET', path: '/api/getmeasure' }, { onWait: (ms) => waits.push(ms) })).eql({ status: 'ok', body: { fine: true } });
    should(server.requests).length(2);
    should(clock.now() - before).be.within(5000, 5500);
    // The wait was the account's (its budget), said to the caller as a wait.
    should(waits.length).be.above(0);
    should(Math.max(...waits)).be.within(4000, 5500);
  });

  it('keeps the short backoff on code 11 without Retry-After, and gives up at once on an absurd one', async () => {
    script = [code11, ok];
    let before = clock.now();
    await get(client());
    should(clock.now() - before).be.below(1000);
    script = [(_req, res) => json(res, 429, { error: { code: 11, message: 'busy' } }, { 'Retry-After': '86400' })];
    before = clock.now();
    const err = await failure(get(client({ rateLimitGiveUpMs: 15 * 60_000 })));
    should(err).match({ kind: 'transient', code: 11, status: 429, retryAfterMs: 86_400_000 });
    should(server.requests).length(3);
    should(clock.now() - before).be.below(1000);
    // The OAuth server's own "too many connections" carries it too.
    const oauth = classifyAnswer({ status: 429, headers: { 'retry-after': '2' }, text: '{"error":"too_many_connections"}' }, clock.now());
    should(oauth).match({ ok: false, retry: 'transient', error: { retryAfterMs: 2000 } });
  });

  it("gives up on code 26 with kind 'rate_limit' after a long time", async () => {
    script = [apiError(403, 26)];
    const err = await failure(get(client({ rateLimitGiveUpMs: 5 * 60_000 })));
    should(err.kind).equal('rate_limit');
    should(err.message).match(/usage limit is still reached/);
  });

  it('maps codes 1, 9, 10, 13, 21, 25 without retrying', async () => {
    const expected: Array<[number, string, RegExp]> = [
      [1, 'auth', /no access token/],
      [9, 'api', /device not found/],
      [10, 'bad_input', /missing/],
      [13, 'api', /read_magellan scope/],
      [21, 'bad_input', /invalid/],
      [25, 'bad_input', /dates/],
    ];
    for (const [code, kind, text] of expected) {
      script = [apiError(code === 9 ? 404 : 400, code)];
      const before = server.requests.length;
      const err = await failure(get(client()));
      should(err).match({ kind, code });
      should(err.message).match(text);
      should(server.requests.length - before).equal(1);
    }
  });

  it('reports an unreachable host and a timeout as transient', async () => {
    script = [() => undefined]; // never answers
    const err = await failure(get(client({ maxRetries: 0, timeoutMs: 200 })));
    should(err).match({ kind: 'transient', message: 'Netatmo did not answer within 0.2 s' });
    const url = server.url;
    await server.close();
    const dead = new HttpClient({ apiUrl: url, clock, budget: new RateBudget({ clock }), maxRetries: 1, backoffBaseMs: 10 });
    should(await failure(get(dead))).match({ kind: 'transient', message: /^Could not reach Netatmo/ });
    server = await startScripted(() => ok); // for afterEach
  });

  it('stops at once when aborted', async () => {
    script = [() => undefined];
    const controller = new AbortController();
    const p = get(client({ timeoutMs: 10_000 }), controller.signal);
    setTimeout(() => controller.abort(), 50);
    should(await failure(p)).match({ kind: 'aborted' });
  });
});

describe('OAuth and the refused token', () => {
  let server: ScriptedServer;
  let clock: VirtualClock;
  let tmp: ReturnType<typeof tempDir>;
  let tokenAnswers: Handler[];
  let apiAnswer: (req: { headers: { authorization?: string } }) => Handler;

  beforeEach(async () => {
    clock = new VirtualClock({ start: Date.UTC(2025, 0, 15, 12, 0, 0), timers: 'auto' });
    tmp = tempDir();
    tokenAnswers = [];
    let tokenCalls = 0;
    server = await startScripted((req) => {
      if (req.path === '/oauth2/token') return tokenAnswers[Math.min(tokenCalls++, tokenAnswers.length - 1)];
      return apiAnswer(req);
    });
  });
  afterEach(async () => {
    await server.close();
    tmp.cleanup();
  });

  function setup(): { api: ApiClient; tokens: TokenManager; oauth: OAuthClient } {
    const http = new HttpClient({ apiUrl: server.url, clock, budget: new RateBudget({ clock }), backoffBaseMs: 10 });
    const oauth = new OAuthClient({ http, clientId: 'cid', clientSecret: CLIENT_SECRET, now: () => clock.now() });
    const tokens = new TokenManager({ accountId: 'a', store: new TokenStore(path.join(tmp.dir, 't')), refresher: oauth, clock });
    tokens.adoptLoaded({ accessToken: SECRET_ACCESS, refreshToken: SECRET_REFRESH, issuedAt: clock.now(), expiresAt: clock.now() + 3_600_000 });
    return { api: new ApiClient(http, tokens), tokens, oauth };
  }
  const fresh: Handler = (_req, res) =>
    json(res, 200, { access_token: 'fresh-a', refresh_token: 'fresh-r', expires_in: 10800, expire_in: 10800, scope: ['read_magellan'] });

  it('refreshes once on code 3 (form-encoded, no scope) and retries with the new token', async () => {
    tokenAnswers = [fresh];
    apiAnswer = (req) => (req.headers.authorization === 'Bearer fresh-a' ? ok : apiError(403, 3));
    const { api, tokens } = setup();
    should(await api.get('/api/homesdata', {})).eql({ status: 'ok', body: { fine: true } });
    const tokenRequests = server.requests.filter((r) => r.path === '/oauth2/token');
    should(tokenRequests).length(1);
    should(tokenRequests[0].method).equal('POST');
    should(tokenRequests[0].headers['content-type']).equal('application/x-www-form-urlencoded');
    const form = new URLSearchParams(tokenRequests[0].body);
    should(Object.fromEntries(form)).eql({ grant_type: 'refresh_token', refresh_token: SECRET_REFRESH, client_id: 'cid', client_secret: CLIENT_SECRET });
    should(tokens.current()?.refreshToken).equal('fresh-r');
  });

  it("says 'auth' when the token is refused again after the refresh (code 2)", async () => {
    tokenAnswers = [fresh];
    apiAnswer = () => apiError(403, 2);
    const { api } = setup();
    const err = await failure(api.get('/api/homesdata', {}));
    should(err).match({ kind: 'auth', code: 2, message: /even after a refresh/ });
    should(server.requests.filter((r) => r.path === '/oauth2/token')).length(1);
  });

  it("maps invalid_grant to 'reauth' and other OAuth errors to readable texts", async () => {
    tokenAnswers = [(_req, res) => json(res, 400, { error: 'invalid_grant' })];
    apiAnswer = () => apiError(403, 3);
    const { api, tokens, oauth } = setup();
    const err = await failure(api.get('/api/homesdata', {}));
    should(err).match({ kind: 'reauth', message: 'Netatmo refused the refresh token: authorise again' });
    should(tokens.state().status).equal('reauth');
    tokenAnswers = [(_req, res) => json(res, 400, { error: 'invalid_client' })];
    should(await failure(oauth.refresh('x'))).match({ kind: 'auth', message: /client id or client secret/ });
    tokenAnswers = [(_req, res) => json(res, 200, { access_token: 'a', expires_in: 10 })];
    should(await failure(oauth.refresh('x'))).match({ kind: 'api', message: /no refresh token/ });
    tokenAnswers = [(_req, res) => json(res, 400, { error: 'invalid_grant' })];
    should(await failure(oauth.exchangeCode('c0de', 'http://127.0.0.1/cb'))).match({ kind: 'reauth', message: /authorization code/ });
    const exchange = server.requests.filter((r) => r.path === '/oauth2/token').pop();
    should(Object.fromEntries(new URLSearchParams(exchange?.body))).match({
      grant_type: 'authorization_code',
      code: 'c0de',
      redirect_uri: 'http://127.0.0.1/cb',
      scope: 'read_magellan',
    });
  });
});

describe('OAuth helpers', () => {
  it('builds the authorize URL with scope read_magellan', () => {
    const url = new URL(buildAuthorizeUrl('https://api.netatmo.com/', 'cid', 'http://localhost:1880/cb', 'st4te'));
    should(url.origin + url.pathname).equal('https://api.netatmo.com/oauth2/authorize');
    should(Object.fromEntries(url.searchParams)).eql({ client_id: 'cid', redirect_uri: 'http://localhost:1880/cb', scope: 'read_magellan', state: 'st4te' });
  });

  it('validates token answers and tolerates expire_in', () => {
    should(parseTokenAnswer({ access_token: 'a', refresh_token: 'r', expire_in: 100 }, 1000)).eql({
      accessToken: 'a',
      refreshToken: 'r',
      expiresAt: 101_000,
      issuedAt: 1000,
    });
    should(() => parseTokenAnswer({ access_token: 'a', refresh_token: 'r', expires_in: '100' }, 0)).throw(/no valid lifetime/);
    should(() => parseTokenAnswer([], 0)).throw(/not an object/);
  });

  it('classifies answers', () => {
    should(classifyAnswer({ status: 200, headers: {}, text: '{"status":"ok","body":[]}' }, 0)).eql({ ok: true, body: { status: 'ok', body: [] } });
    should(classifyAnswer({ status: 400, headers: {}, text: '{"error":"too_many_connections"}' }, 0)).match({ ok: false, retry: 'transient' });
    should(classifyAnswer({ status: 429, headers: { 'retry-after': '7' }, text: '{"error":{"code":26}}' }, 0)).match({
      ok: false,
      retry: 'rate_limit',
      error: { retryAfterMs: 7000 },
    });
    should(classifyAnswer({ status: 200, headers: {}, text: '[1,2]' }, 0)).match({ ok: false, error: { kind: 'api' } });
  });
});
