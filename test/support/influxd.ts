// A real InfluxDB 1.x for the tests: Debian's influxd, started on 127.0.0.1 with free ports and a
// temporary directory (its configuration is `influxd config` with those few lines changed), and
// stopped after. scripts/ensure-influxdb.js installs it when missing.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { tempDir } from './temp-dir';

export const INFLUXD = process.env.ECONETATMO_INFLUXD || '/usr/bin/influxd';

export function influxdAvailable(): boolean {
  return fs.existsSync(INFLUXD);
}

export interface Influxd {
  host: string;
  port: number;
  /** An InfluxQL query's first statement's series, times in epoch ms. */
  query(db: string, q: string): Promise<Array<{ name: string; tags?: Record<string, string>; columns: string[]; values: unknown[][] }>>;
  /** A statement that returns nothing (CREATE DATABASE …). */
  exec(q: string): Promise<void>;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function request(port: number, method: string, pathAndQuery: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: pathAndQuery }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** `influxd config` with our directories, ports, and the monitor (its own writes) off. */
function configFor(dir: string, httpPort: number, rpcPort: number): string {
  const base = spawnSync(INFLUXD, ['config'], { encoding: 'utf8' }).stdout;
  let section = '';
  return base
    .split('\n')
    .map((line) => {
      const head = /^\s*\[+([a-z_-]+)\]+\s*$/.exec(line);
      if (head) section = head[1];
      const set = (key: string, value: string): string | null => (new RegExp(`^\\s*${key}\\s*=`).test(line) ? `  ${key} = ${value}` : null);
      if (section === '') return set('bind-address', `"127.0.0.1:${rpcPort}"`) ?? set('reporting-enabled', 'false') ?? line;
      if (section === 'meta') return set('dir', JSON.stringify(path.join(dir, 'meta'))) ?? line;
      if (section === 'data')
        return (
          set('dir', JSON.stringify(path.join(dir, 'data'))) ??
          set('wal-dir', JSON.stringify(path.join(dir, 'wal'))) ??
          set('query-log-enabled', 'false') ??
          line
        );
      if (section === 'monitor') return set('store-enabled', 'false') ?? line;
      if (section === 'http')
        return set('bind-address', `"127.0.0.1:${httpPort}"`) ?? set('log-enabled', 'false') ?? set('unix-socket-enabled', 'false') ?? line;
      if (section === 'logging') return set('level', '"warn"') ?? set('suppress-logo', 'true') ?? line;
      return line;
    })
    .join('\n');
}

export async function startInfluxd(): Promise<Influxd> {
  const made = tempDir('econetatmo-influxd-');
  const dir = made.dir;
  const port = await freePort();
  const rpc = await freePort();
  const conf = path.join(dir, 'influxdb.conf');
  fs.writeFileSync(conf, configFor(dir, port, rpc));
  const child: ChildProcess = spawn(INFLUXD, ['-config', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
  let exited = false;
  child.on('exit', () => (exited = true));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited) throw new Error(`influxd exited at start: ${stderr}`);
    try {
      if ((await request(port, 'GET', '/ping')).status === 204) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`influxd did not answer /ping within 30 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const run = async (db: string | null, q: string, method: string): Promise<unknown> => {
    const qs = new URLSearchParams({ q, epoch: 'ms', ...(db ? { db } : {}) });
    const res = await request(port, method, `/query?${qs.toString()}`);
    if (res.status !== 200) throw new Error(`InfluxDB ${res.status}: ${res.body}`);
    const parsed = JSON.parse(res.body) as { results: Array<{ series?: unknown[]; error?: string }> };
    if (parsed.results[0]?.error) throw new Error(`InfluxDB: ${parsed.results[0].error}`);
    return parsed.results[0]?.series ?? [];
  };
  return {
    host: '127.0.0.1',
    port,
    query: async (db, q) => (await run(db, q, 'GET')) as Awaited<ReturnType<Influxd['query']>>,
    exec: async (q) => {
      await run(null, q, 'POST');
    },
    stop: async () => {
      if (!exited) {
        const gone = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await gone;
        clearTimeout(timer);
      }
      made.cleanup();
    },
  };
}
