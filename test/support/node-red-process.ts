// Starts a REAL Node-RED process (not the in-process test helper) with this package installed in
// a throw-away user directory, for the browser and restart tests. Every process started here is
// killed, and every directory it made is removed, when the test process exits, whatever happens.
import { spawn, type ChildProcess } from 'child_process';
import fs from 'fs';
import http from 'http';
import net from 'net';
import path from 'path';

import { nodeRedScript, prepareUserDir, decryptCredentials, REPO_ROOT } from './node-red-userdir';
import { removeTempDir, tempDir } from './temp-dir';

export { REPO_ROOT, PACKAGE_NAME, nodeRedScript, encryptCredentials, decryptCredentials } from './node-red-userdir';

export type FlowNode = Record<string, unknown> & { id: string; type: string };

export interface NodeRedProcessOptions {
  /** Reuse a user directory (a restart). Its flows and credentials are kept unless given again. */
  userDir?: string;
  /** The flows file to write before start (flows.json). */
  flows?: FlowNode[];
  /** Plain credentials by node id, written to flows_cred.json encrypted with the credential secret. */
  credentials?: Record<string, Record<string, string>>;
  /**
   * Editor login; the launcher logs in as this user (permissions `*`) for its own admin requests.
   * `otherUsers` are added beside it, e.g. a read-only one (`permissions: 'read'`).
   */
  adminAuth?: { username: string; password: string; otherUsers?: Array<{ username: string; password: string; permissions: string }> };
  /** The runtime's language (settings.lang), e.g. 'fr'; default: the machine's. */
  lang?: string;
  /** Node-RED's console log level (default 'info'); 'trace' logs everything. */
  logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
  credentialSecret?: string;
  /** Extra environment of the process. */
  env?: Record<string, string>;
  /** How long to wait for the admin API (default 30 s). */
  startTimeoutMs?: number;
  /** Packages Node-RED must not load though they are in node_modules (a user who lacks them). */
  nodesExcludes?: string[];
  /** Wait for "Started flows" too (default true). */
  waitForFlows?: boolean;
}

export interface AdminResponse {
  status: number;
  body: unknown;
  text: string;
}

export interface NodeRedProcess {
  url: string;
  port: number;
  userDir: string;
  credentialSecret: string;
  pid: number;
  /** The Node-RED version the process reported at start (e.g. "4.1.15"). */
  version: string;
  /** Everything the process wrote to stdout and stderr so far. */
  logs(): string;
  /** Resolves with the log text once `pattern` shows up after `fromIndex` (a logs().length). */
  waitForLog(pattern: RegExp, timeoutMs?: number, fromIndex?: number): Promise<string>;
  /** An admin API request (JSON), with the bearer token when adminAuth is on. */
  admin(method: string, urlPath: string, body?: unknown, headers?: Record<string, string>): Promise<AdminResponse>;
  /** The access token of the admin API (adminAuth only). */
  adminToken(): string | undefined;
  /** Decrypts flows_cred.json. */
  readCredentials(): Record<string, Record<string, string>>;
  /** Sends a signal and waits for the process to end. The user dir is kept (for a restart). */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Ends the process (SIGTERM, then SIGKILL) and removes the user dir unless keepUserDir. */
  stop(options?: { keepUserDir?: boolean }): Promise<void>;
  exited(): boolean;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' handlers must be synchronous: kill what is left (test/support/temp-dir.ts removes the dirs).
  process.on('exit', () => {
    for (const child of live) {
      try {
        child.kill('SIGKILL');
      } catch {
        /* already gone */
      }
    }
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => process.exit(130));
  }
}

/** A free TCP port on 127.0.0.1 (the OS picks it; there is a small window before Node-RED takes it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function request(method: string, url: string, body: unknown, headers: Record<string, string>): Promise<AdminResponse> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const req = http.request(
      url,
      {
        method,
        headers: {
          ...(payload !== undefined ? { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(payload)) } : {}),
          ...headers,
        },
        timeout: 15000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            /* not JSON */
          }
          resolve({ status: res.statusCode ?? 0, body: parsed, text });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${url} timed out`)));
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Starts Node-RED and resolves once its admin API answers (and its flows started). */
export async function startNodeRed(options: NodeRedProcessOptions = {}): Promise<NodeRedProcess> {
  installExitHook();
  const ownsDir = options.userDir === undefined;
  const userDir = options.userDir ?? tempDir('econetatmo-nr-').dir;
  const secret = options.credentialSecret ?? 'econetatmo-test-credential-secret';
  const script = nodeRedScript();
  if (!fs.existsSync(script)) throw new Error(`Node-RED not found at ${script} (npm ci first)`);
  if (!fs.existsSync(path.join(REPO_ROOT, 'nodes', 'econetatmo-account.js'))) {
    throw new Error('the package is not built: run `npm run build` (tsc + scripts/write-entries.js) first');
  }

  let lastError: Error | undefined;
  // A port picked by the OS may be taken before Node-RED binds it: try again with another one.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    prepareUserDir(userDir, options, port, secret);
    try {
      return await launch(script, userDir, port, secret, options, ownsDir);
    } catch (err) {
      lastError = err as Error;
      if (!/EADDRINUSE/.test(lastError.message)) break;
    }
  }
  if (ownsDir) removeTempDir(userDir);
  throw lastError ?? new Error('Node-RED did not start');
}

async function launch(
  script: string,
  userDir: string,
  port: number,
  secret: string,
  options: NodeRedProcessOptions,
  ownsDir: boolean,
): Promise<NodeRedProcess> {
  const child = spawn(
    process.execPath,
    ['--require', path.join(userDir, 'econetatmo-test-guard.js'), script, '-u', userDir, '-p', String(port), '--settings', path.join(userDir, 'settings.js')],
    {
      cwd: userDir,
      env: { ...process.env, NODE_OPTIONS: '', ECONETATMO_GUARD_STDIN: '1', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  live.add(child);
  let logText = '';
  let exitCode: number | null | undefined;
  let exitSignal: NodeJS.Signals | null = null;
  const exitPromise = new Promise<void>((resolve) => {
    child.on('exit', (code, signal) => {
      exitCode = code;
      exitSignal = signal;
      live.delete(child);
      resolve();
    });
  });
  child.stdout?.on('data', (c: Buffer) => {
    logText += c.toString('utf8');
  });
  child.stderr?.on('data', (c: Buffer) => {
    logText += c.toString('utf8');
  });
  child.on('error', (err) => {
    logText += `\n[spawn error] ${err.message}\n`;
  });

  const url = `http://127.0.0.1:${port}`;
  let token: string | undefined;
  const authHeaders = (): Record<string, string> => (token ? { Authorization: `Bearer ${token}` } : {});

  const proc: NodeRedProcess = {
    url,
    port,
    userDir,
    credentialSecret: secret,
    pid: child.pid ?? -1,
    version: '',
    logs: () => logText,
    async waitForLog(pattern, timeoutMs = 20000, fromIndex = 0) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const text = logText.slice(fromIndex);
        if (pattern.test(text)) return text;
        if (exitCode !== undefined) throw new Error(`Node-RED exited (code ${exitCode}, signal ${exitSignal}) before ${pattern}:\n${tail(logText)}`);
        if (Date.now() > until) throw new Error(`timed out waiting for ${pattern} in the Node-RED log:\n${tail(logText)}`);
        await delay(50);
      }
    },
    admin: (method, urlPath, body, headers = {}) => request(method, url + urlPath, body, { ...authHeaders(), ...headers }),
    adminToken: () => token,
    readCredentials: () => decryptCredentials(secret, JSON.parse(fs.readFileSync(path.join(userDir, 'flows_cred.json'), 'utf8'))),
    async kill(signal = 'SIGTERM') {
      if (exitCode === undefined) {
        child.kill(signal);
        await exitPromise;
      }
    },
    async stop(stopOptions = {}) {
      if (exitCode === undefined) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exitPromise;
        clearTimeout(timer);
      }
      if (ownsDir && !stopOptions.keepUserDir) removeTempDir(userDir);
    },
    exited: () => exitCode !== undefined,
  };

  try {
    const until = Date.now() + (options.startTimeoutMs ?? 30000);
    for (;;) {
      if (exitCode !== undefined) {
        throw new Error(`Node-RED exited (code ${exitCode}, signal ${exitSignal}) while starting:\n${tail(logText)}`);
      }
      if (Date.now() > until) throw new Error(`Node-RED did not answer on ${url} in time:\n${tail(logText)}`);
      try {
        if (options.adminAuth && !token) {
          const res = await request(
            'POST',
            `${url}/auth/token`,
            { client_id: 'node-red-admin', grant_type: 'password', scope: '*', username: options.adminAuth.username, password: options.adminAuth.password },
            {},
          );
          const accessToken = (res.body as { access_token?: unknown } | undefined)?.access_token;
          if (res.status === 200 && typeof accessToken === 'string') token = accessToken;
        }
        const res = await request('GET', `${url}/settings`, undefined, authHeaders());
        if (res.status === 200) break;
      } catch {
        /* not listening yet */
      }
      await delay(100);
    }
    if (options.waitForFlows !== false) await proc.waitForLog(/Started flows|Stopped flows|No flows found/, Math.max(1000, options.startTimeoutMs ?? 30000));
    proc.version = /Node-RED version: v(\S+)/.exec(logText)?.[1] ?? 'unknown';
    // The real-process tests prove the same Node-RED line as the rest of the suite.
    const major = process.env.ECONETATMO_NODE_RED === '5' ? '5.' : '4.';
    if (!proc.version.startsWith(major)) throw new Error(`expected Node-RED ${major}x, the process runs ${proc.version}`);
    return proc;
  } catch (err) {
    child.kill('SIGKILL');
    await exitPromise;
    throw err;
  }
}

function tail(text: string, lines = 40): string {
  return text.split('\n').slice(-lines).join('\n');
}

/** Full deploy through the admin API (v1 body: the array of nodes). */
export async function deployFlows(nr: NodeRedProcess, flows: FlowNode[], type: 'full' | 'nodes' | 'flows' = 'full'): Promise<void> {
  const res = await nr.admin('POST', '/flows', flows, { 'Node-RED-Deployment-Type': type, 'Node-RED-API-Version': 'v1' });
  if (res.status !== 204 && res.status !== 200) throw new Error(`deploy failed: HTTP ${res.status} ${res.text}`);
}
