// The tests' one kind of temporary directory: private (mkdtemp), removed by its test, and in any
// case when the test process exits, so that a failed test or an interrupted run leaves nothing
// (no token, no state file) in the shared temp dir.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface TempDir {
  readonly dir: string;
  /** Removes the directory (a write that was still landing is retried over). */
  cleanup(): void;
}

const owned = new Set<string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' handlers must be synchronous.
  process.on('exit', () => owned.forEach((dir) => removeQuietly(dir)));
}

function removeQuietly(dir: string): void {
  try {
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 20 });
  } catch {
    /* best effort at exit */
  }
}

export function tempDir(prefix = 'econetatmo-test-'): TempDir {
  installExitHook();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  owned.add(dir);
  return { dir, cleanup: () => removeTempDir(dir) };
}

/** Removes a directory made by tempDir. */
export function removeTempDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 20 });
  owned.delete(dir);
}
