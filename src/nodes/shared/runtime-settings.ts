// What the nodes take from Node-RED's settings besides `econetatmo.requestTimeoutMs`: the clock
// their timers and token expiry run on, and the directory that holds their state (tokens, what a
// measure node sent, backfills, export ledgers). Both come from the runtime, never from a module
// global, so that two runtimes in one process (the tests, the soak) each keep their own.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NodeAPI } from 'node-red';
import { systemClock, type Clock } from '../../lib/clock';

type Settings = NodeAPI['settings'];

function own(settings: Settings): Record<string, unknown> {
  const value = (settings as { econetatmo?: unknown }).econetatmo;
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

function isClock(value: unknown): value is Clock {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as Record<string, unknown>;
  return typeof c.now === 'function' && typeof c.setTimeout === 'function' && typeof c.clearTimeout === 'function';
}

/**
 * The system clock, or `econetatmo.clock` from the settings. For tests and the soak only (a
 * virtual clock runs simulated days in seconds); not a user setting, so not in the README's.
 */
export function nodeClock(RED: Pick<NodeAPI, 'settings'>): Clock {
  const clock = own(RED.settings).clock;
  return isClock(clock) ? clock : systemClock;
}

/** Directories made for runtimes that had neither a user dir nor a fallback dir. */
const madeDirs = new WeakMap<object, string>();
const toRemove = new Set<string>();

function privateTempDir(settings: Settings): string {
  const known = madeDirs.get(settings);
  if (known !== undefined) return known;
  const dir = mkdtempSync(join(tmpdir(), 'econetatmo-'));
  // Nothing survives this process anyway: leave no tokens behind in the shared temp dir.
  if (toRemove.size === 0) process.once('exit', () => toRemove.forEach((d) => rmSync(d, { recursive: true, force: true })));
  toRemove.add(dir);
  madeDirs.set(settings, dir);
  return dir;
}

/**
 * Where the nodes keep their files: `<userDir>/econetatmo`. Node-RED's own storage always sets a
 * user dir; without one (the test helper, a custom storage), `econetatmo.fallbackDir` from the
 * settings (test-only), else a private temporary directory, removed at exit, per settings object
 * (the test helper hands one to each load; Node-RED one to each node module, and each subsystem
 * keeps its files to itself: tokens, a measure node's memory and backfills, export ledgers).
 */
export function stateDir(RED: Pick<NodeAPI, 'settings'>): string {
  const userDir = (RED.settings as { userDir?: unknown }).userDir;
  if (typeof userDir === 'string' && userDir !== '') return join(userDir, 'econetatmo');
  const fallback = own(RED.settings).fallbackDir;
  if (typeof fallback === 'string' && fallback !== '') return fallback;
  return privateTempDir(RED.settings);
}
