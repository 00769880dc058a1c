// The one rule that turns an id (a node's, an account's, a statistic's) into a file name, and
// the move of a file from the name an older rule gave it. Node-RED ids ("a1b2c3d4.e5f6a7" or
// 16 hex digits) are kept as they are, so a user can still tell whose file is whose; any other
// id keeps a readable part and gets a digest of the whole id, never a bare lossy replacement:
// "a/b" and "a_b" must not share a file.
import { createHash } from 'node:crypto';
import { existsSync, linkSync, promises as fsp, renameSync, unlinkSync } from 'node:fs';

/** Letters, digits, `_`, `-` and `.`, not starting with a dot, at most 64 characters. */
const PLAIN = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,63}$/;

/**
 * `id` itself when it is a plain name (see PLAIN); else its first 40 characters with the others
 * made `_` (no leading dot), `-`, and 16 hex digits of the SHA-256 of the whole id.
 */
export function safeFileName(id: string): string {
  if (PLAIN.test(id)) return id;
  const readable = id
    .slice(0, 40)
    .replace(/[^A-Za-z0-9_.-]/g, '_')
    .replace(/^\./, '_');
  return `${readable}-${createHash('sha256').update(id, 'utf8').digest('hex').slice(0, 16)}`;
}

/**
 * Moves `legacy` (a name an older rule gave) to `target` when only the legacy file exists, so
 * a user's state is found after an upgrade. A hard link then an unlink: never copied (so never
 * torn), and never over a target another writer made meanwhile (the link fails if it exists).
 * Where links are not supported, a rename after checking that the target is absent.
 */
export function adoptLegacyFileSync(target: string, legacy: string | undefined): void {
  if (legacy === undefined || legacy === target || existsSync(target) || !existsSync(legacy)) return;
  try {
    linkSync(legacy, target);
    unlinkSync(legacy);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return;
    try {
      if (!existsSync(target)) renameSync(legacy, target);
    } catch {
      /* it cannot move: the target is then simply absent, and the legacy file stays */
    }
  }
}

/** The same, asynchronously. */
export async function adoptLegacyFile(target: string, legacy: string | undefined): Promise<void> {
  if (legacy === undefined || legacy === target) return;
  if ((await exists(target)) || !(await exists(legacy))) return;
  try {
    await fsp.link(legacy, target);
    await fsp.unlink(legacy);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return;
    if (!(await exists(target))) await fsp.rename(legacy, target).catch(() => undefined);
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await fsp.access(file);
    return true;
  } catch {
    return false;
  }
}
