// The HTTP front: routing, faults, bearer checks, rate limits and request statistics.
import http, { type IncomingMessage, type ServerResponse } from 'http';
import type { AddressInfo } from 'net';
import { getmeasure, homesdata, homestatus, type ApiDeps } from './api';
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET } from './defaults';
import { Faults } from './faults';
import { hex } from './hash';
import { paramsOf, readBody, sendApiError, sendJson, sendText } from './http-util';
import { OAuth } from './oauth';
import { RateLimiter } from './rate-limit';
import { TokenStore } from './tokens';
import type { SimStats, Simulator, SimulatorOptions } from './types';
import { World } from './world';

export const DEFAULT_RATE_LIMITS = [
  { windowMs: 10_000, max: 50 },
  { windowMs: 3_600_000, max: 500 },
];

function emptyStats(): SimStats {
  return { requests: {}, tokensIssued: 0, refreshGrants: 0, codeGrants: 0, invalidGrant: 0, rateLimited: 0, code11: 0, faultsInjected: 0 };
}

const PROXY_ERROR_PAGE =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const seed = options.seed ?? 42;
  const now = options.now ?? Date.now;
  const clientId = options.clientId ?? DEMO_CLIENT_ID;
  const clientSecret = options.clientSecret ?? DEMO_CLIENT_SECRET;
  const stats = emptyStats();
  const world = new World({
    seed,
    now,
    historyDays: options.historyDays ?? 400,
    maxHistoryDaysByScale: options.maxHistoryDaysByScale ?? {},
    uploadEveryMin: options.uploadEveryMin ?? 180,
    uploadJitterMin: options.uploadJitterMin ?? 25,
    revisionRate: options.revisionRate ?? 0.04,
    timeZone: options.timeZone,
    lineNames: options.lineNames,
    meterUploadEveryMin: options.meterUploadEveryMin ?? 30,
    meterUploadDelayMin: options.meterUploadDelayMin ?? 20,
    meterUploadJitterMin: options.meterUploadJitterMin ?? 5,
    meterRevisionRate: options.meterRevisionRate ?? 0,
    flakyModules: options.flakyModules ?? true,
  });
  const rewrites = new Map<string, (body: unknown) => unknown>();
  // A seeded token's user id prefix becomes the account's, so that every token of the account looks alike.
  const seededPrefix = /^([0-9a-f]{24})\|/.exec(options.refreshToken ?? options.accessToken ?? '');
  const userId = seededPrefix ? seededPrefix[1] : hex(seed, 0x05e, 0, 24);
  const tokens = new TokenStore({
    seed,
    userId,
    now,
    lifetimeSec: options.tokenLifetimeSec ?? 10800,
    realLifetimeSec: options.accessTokenRealLifetimeSec,
  });
  if (options.refreshToken) tokens.seedRefresh(options.refreshToken);
  if (options.accessToken) tokens.seedAccess(options.accessToken);
  const oauth = new OAuth({ seed, clientId, clientSecret, now, tokens, stats });
  const limiter = new RateLimiter(options.rateLimits ?? DEFAULT_RATE_LIMITS, now);
  const faults = new Faults(seed, options.faults);
  const apiDeps: ApiDeps = {
    homes: world.homes,
    now,
    find: (d, m) => world.find(d, m),
    view: (scale) => world.view(scale),
    homeStatus: (homeId) => world.homeStatus(homeId),
    rewrite(path, body) {
      const rewrite = rewrites.get(path);
      return rewrite ? rewrite(structuredClone(body)) : body; // a copy: the test may change it in place
    },
  };
  const timers = new Set<NodeJS.Timeout>();

  function count(path: string, status: string): void {
    const byStatus = (stats.requests[path] ??= {});
    byStatus[status] = (byStatus[status] ?? 0) + 1;
  }

  function delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });
  }

  /** true when the fault answered (or swallowed) the request. */
  async function injectFault(path: string, res: ServerResponse, onToken: boolean): Promise<boolean> {
    const kind = faults.roll(onToken);
    if (!kind) return false;
    stats.faultsInjected++;
    switch (kind) {
      case 'slow':
        await delay(faults.current.slowMs);
        return false;
      case 'timeout':
        count(path, 'timeout');
        return true;
      case 'error5xx': {
        const status = faults.variant() < 0.5 ? 500 : 503;
        sendApiError(res, status, status, status === 500 ? 'Internal Server Error' : 'Service Unavailable');
        return true;
      }
      case 'code11':
        stats.code11++;
        sendApiError(res, 429, 11, 'Failed to enter concurrency limited section');
        return true;
      case 'malformedJson': {
        const full = onToken ? '{"access_token":"' : '{"body":{"homes":[{"id":"5f3c0000';
        sendText(res, 200, full.slice(0, Math.max(1, Math.floor(full.length * (0.3 + 0.7 * faults.variant())))), 'application/json; charset=utf-8');
        return true;
      }
      case 'html':
        sendText(res, 502, PROXY_ERROR_PAGE, 'text/html');
        return true;
    }
  }

  function bearer(req: IncomingMessage, p: URLSearchParams): string | null {
    const header = req.headers.authorization;
    const m = header ? /^Bearer\s+(.+)$/i.exec(header.trim()) : null;
    return m ? m[1] : p.get('access_token') || null;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    res.on('finish', () => count(path, String(res.statusCode)));
    const body = method === 'POST' ? await readBody(req) : '';
    const p = paramsOf(url, body, req.headers['content-type']);

    if (path === '/__sim/stats' && method === 'GET') return sendJson(res, 200, snapshot());
    if (path === '/oauth2/authorize' && method === 'GET') return oauth.authorizePage(p, res);
    if (path === '/oauth2/authorize/decision' && method === 'POST') return oauth.decision(p, res);
    if (path === '/oauth2/token') {
      if (method !== 'POST') return sendJson(res, 405, { error: 'invalid_request' });
      if (await injectFault(path, res, true)) return;
      return oauth.token(p, res);
    }
    if (!path.startsWith('/api/')) return sendText(res, 404, 'Not found', 'text/plain');

    if (await injectFault(path, res, false)) return;
    const token = bearer(req, p);
    if (!token) return sendApiError(res, 403, 1, 'Access token is missing');
    const check = tokens.check(token);
    if (!check.ok) return sendApiError(res, 403, check.code, check.code === 3 ? 'Access token expired' : 'Invalid access token');
    const rate = limiter.take(check.userId);
    if (!rate.ok) {
      stats.rateLimited++;
      const headers: Record<string, string> = options.retryAfterHeader ? { 'retry-after': String(Math.max(1, Math.ceil(rate.retryAfterMs / 1000))) } : {};
      return sendApiError(res, 429, 26, 'User usage reached', headers);
    }
    if (method !== 'GET' && method !== 'POST') return sendApiError(res, 405, 21, 'Method not allowed');
    if (path === '/api/homesdata') return homesdata(p, res, apiDeps);
    if (path === '/api/getmeasure') return getmeasure(p, res, apiDeps);
    if (path === '/api/homestatus') return homestatus(p, res, apiDeps);
    return sendApiError(res, 404, 21, 'Unknown API method');
  }

  function snapshot(): SimStats {
    return JSON.parse(JSON.stringify(stats)) as SimStats;
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) sendApiError(res, 500, 500, 'Internal Server Error');
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    clientId,
    clientSecret,
    stats: snapshot,
    resetStats() {
      Object.assign(stats, emptyStats());
    },
    setFaults: (f) => faults.set(f),
    issueTokens() {
      stats.tokensIssued++;
      return tokens.issue();
    },
    expireAccessTokens: () => tokens.expireAll(),
    lines: () => world.lines.map((l) => ({ ...l })),
    modules: () => world.meters.list(),
    buckets: (q, opts) => world.buckets(q, opts),
    availableAt: (moduleId, start) => world.availableAt(moduleId, start),
    energyTruth: (moduleId, scale, from, to) => world.energyTruth(moduleId, scale, from, to),
    powerAt: (moduleId, t) => world.meters.powerAt(moduleId, t),
    reachableAt: (moduleId, t) => world.meters.reachableAt(moduleId, t),
    setReachable: (moduleId, reachable) => world.meters.setReachable(moduleId, reachable, now()),
    rewriteAnswers(path, rewrite) {
      if (rewrite) rewrites.set(path, rewrite);
      else rewrites.delete(path);
    },
    close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
