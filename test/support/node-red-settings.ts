// What the test helper's Node-RED hands the nodes as `RED.settings` at the next `helper.load`:
// a user directory of the test's own, and `econetatmo` (the clock and the fallback dir there are
// for tests: see src/nodes/shared/runtime-settings.ts). Each change keeps what was set before;
// `resetNodeRedSettings` (or `removeTempUserDirs`) goes back to nothing, so that the next test
// file starts without a clock or a user dir it did not ask for.
import helper from 'node-red-node-test-helper';
import type { Clock } from '../../src/lib/clock';
import { tempDir, type TempDir } from './temp-dir';

export interface TestSettings {
  userDir?: string;
  /** The nodes' clock (`econetatmo.clock`); the system clock when not given. */
  clock?: Clock;
  /** Where the nodes keep their state when there is no user dir (`econetatmo.fallbackDir`). */
  fallbackDir?: string;
  requestTimeoutMs?: number;
  /** Node-RED's `credentialSecret`: the token file is sealed with a key derived from it. */
  credentialSecret?: string;
}

let current: TestSettings = {};

function apply(): void {
  const { userDir, clock, fallbackDir, requestTimeoutMs, credentialSecret } = current;
  helper.settings({ userDir, credentialSecret, econetatmo: { clock, fallbackDir, requestTimeoutMs } });
}

/** Changes what the next load gets (an undefined value removes that setting). */
export function nodeRedSettings(change: TestSettings): void {
  current = { ...current, ...change };
  apply();
}

export function resetNodeRedSettings(): void {
  current = {};
  apply();
}

const userDirs: TempDir[] = [];

/** A fresh user directory for what loads next, so that token and state files never leak between tests. */
export function useTempUserDir(): string {
  const made = tempDir('econetatmo-nodes-');
  userDirs.push(made);
  nodeRedSettings({ userDir: made.dir });
  return made.dir;
}

/** The user dir the last useTempUserDir() gave Node-RED. */
export function currentUserDir(): string {
  if (current.userDir === undefined) throw new Error('no temporary user dir yet');
  return current.userDir;
}

/** Removes every user dir made so far and resets the settings (call once the flows are unloaded). */
export function removeTempUserDirs(): void {
  for (const made of userDirs.splice(0)) made.cleanup();
  // The next test file must not write into a removed dir (writes would recreate it, and what one
  // file's node m1 remembered would be old news to the next file's m1), nor run on this clock.
  resetNodeRedSettings();
}
