// "The usual way", as Jeedom's plugin or a hand-made flow of http request nodes does it: every
// 10 minutes, for every line, one /api/getmeasure request PER TYPE over the same recent window
// our node reads. A tiny direct HTTP poller on the benchmark's virtual clock, so that both are
// measured against the same simulated cloud, the same uploads and the same time.
import axios, { type AxiosInstance } from 'axios';
import http from 'node:http';
import { recentWindow } from '../src/netatmo/measure-plan';
import type { Scale } from '../src/contract/measure-types';
import type { SimLine, Simulator } from '../src/simulator';
import type { VirtualClock } from '../test/support/virtual-clock';

export interface UsualOptions {
  sim: Simulator;
  clock: VirtualClock;
  lines: SimLine[];
  types: readonly string[];
  scale: Scale;
  everyMs: number;
  firstDelayMs: number;
  tokens: { accessToken: string; refreshToken: string; expiresIn: number };
}

export interface UsualPoller {
  /** When the poller first had every type of a bucket: `${moduleId}|${start}` -> time. */
  emitted: Map<string, number>;
  requests: { measure: number; token: number; failed: number };
  stop(): void;
}

interface Series {
  beg_time: number;
  step_time?: number;
  value: unknown[][];
}

function isSeriesList(body: unknown): body is Series[] {
  return (
    Array.isArray(body) &&
    body.every((s) => typeof s === 'object' && s !== null && typeof (s as Series).beg_time === 'number' && Array.isArray((s as Series).value))
  );
}

export function startUsualPoller(o: UsualOptions): UsualPoller {
  const agent = new http.Agent({ keepAlive: true });
  const client: AxiosInstance = axios.create({ baseURL: o.sim.url, httpAgent: agent, validateStatus: () => true, timeout: 10_000 });
  const tokens = { accessToken: o.tokens.accessToken, refreshToken: o.tokens.refreshToken, expiresAt: o.clock.now() + o.tokens.expiresIn * 1000 };
  let refreshing: Promise<void> | null = null;
  const requests = { measure: 0, token: 0, failed: 0 };
  const emitted = new Map<string, number>();
  /** `${moduleId}|${start}` -> types seen so far. */
  const seen = new Map<string, Set<string>>();
  const step = 30 * 60_000;
  let stopped = false;
  let timer: unknown = null;

  /** One refresh at a time, shortly before expiry, as a hand-made flow's refresh timer does. */
  function refresh(): Promise<void> {
    refreshing ??= doRefresh().finally(() => (refreshing = null));
    return refreshing;
  }

  async function doRefresh(): Promise<void> {
    requests.token += 1;
    const form = new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: o.sim.clientId,
      client_secret: o.sim.clientSecret,
      refresh_token: tokens.refreshToken,
    });
    const answer = await client.post('/oauth2/token', form.toString(), { headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    const body = answer.data as { access_token?: unknown; refresh_token?: unknown; expires_in?: unknown };
    if (typeof body.access_token === 'string' && typeof body.refresh_token === 'string') {
      tokens.accessToken = body.access_token;
      tokens.refreshToken = body.refresh_token;
      tokens.expiresAt = o.clock.now() + (typeof body.expires_in === 'number' ? body.expires_in : 10_800) * 1000;
    }
  }

  async function readType(line: SimLine, type: string): Promise<void> {
    const now = o.clock.now();
    const window = recentWindow(o.scale, now);
    const params = {
      device_id: line.deviceId,
      module_id: line.moduleId,
      scale: o.scale,
      type,
      date_begin: String(Math.floor(window.dateBegin / 1000)),
      date_end: String(Math.floor(now / 1000)),
      optimize: 'true',
      real_time: 'false',
    };
    if (tokens.expiresAt - o.clock.now() < 10 * 60_000) await refresh();
    for (let attempt = 0; attempt < 2; attempt++) {
      requests.measure += 1;
      const answer = await client.get('/api/getmeasure', { params, headers: { Authorization: `Bearer ${tokens.accessToken}` } });
      const body = (answer.data as { body?: unknown; error?: { code?: number } }) ?? {};
      if (answer.status === 200 && isSeriesList(body.body)) {
        for (const series of body.body) {
          series.value.forEach((_row, i) => {
            const start = (series.beg_time + i * (series.step_time ?? 0)) * 1000 - step / 2;
            const key = `${line.moduleId}|${start}`;
            let types = seen.get(key);
            if (!types) seen.set(key, (types = new Set()));
            types.add(type);
            if (types.size === o.types.length && !emitted.has(key)) emitted.set(key, o.clock.now());
          });
        }
        return;
      }
      if (body.error?.code === 2 || body.error?.code === 3) {
        await refresh();
        continue;
      }
      requests.failed += 1;
      return;
    }
  }

  async function tick(): Promise<void> {
    if (stopped) return;
    timer = o.clock.setTimeout(() => void tick(), o.everyMs);
    // One flow per line and type, all at once, as a flow of inject + http request nodes does.
    await Promise.all(o.lines.flatMap((line) => o.types.map((type) => readType(line, type).catch(() => (requests.failed += 1)))));
  }

  timer = o.clock.setTimeout(() => void tick(), o.firstDelayMs);
  return {
    emitted,
    requests,
    stop() {
      stopped = true;
      o.clock.clearTimeout(timer);
      agent.destroy();
    },
  };
}
