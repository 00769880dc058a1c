// The key of the diagnostics' hashes: random, one per account, kept in the account's state
// directory (owner-only). Hashes stay the same from one download to the next, and tell nothing
// about the client secret, which used to key them: a secret must have one use only.
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writePrivateFileSync } from '../lib/private-file';
import { safeFileName } from '../lib/safe-file-name';

const KEY = /^[0-9a-f]{64}$/;

export function diagnosticsKeyFile(stateDir: string, accountId: string): string {
  return join(stateDir, 'diagnostics', `${safeFileName(accountId)}.key`);
}

/**
 * The account's key, made on first use. Synchronous on purpose: two downloads at once cannot
 * both find no key and make two.
 */
export function diagnosticsKey(stateDir: string, accountId: string): string {
  const file = diagnosticsKeyFile(stateDir, accountId);
  try {
    const text = readFileSync(file, 'utf8').trim();
    if (KEY.test(text)) return text;
  } catch {
    /* none yet */
  }
  const key = randomBytes(32).toString('hex');
  writePrivateFileSync(file, `${key}\n`);
  return key;
}

/** Forgets the key with the account. */
export function removeDiagnosticsKey(stateDir: string, accountId: string): void {
  rmSync(diagnosticsKeyFile(stateDir, accountId), { force: true });
}
