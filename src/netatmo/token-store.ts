// The durable token store: one file per account, `<dir>/<accountId>.json`, mode 0600.
// Refresh tokens rotate, so losing the newest pair means the user must authorise again:
// a pair is written to a temporary file, flushed, renamed over the old one and the directory
// flushed. A crash leaves either the old file or the new one, never a torn one; a file that
// does not read as a valid pair is ignored and never taken over a good pair.
// The file also remembers (as hashes) the refresh tokens the account has rotated away, in the
// same atomic write as the pair that replaced them: a stale token left in the flow's
// credentials can then never win over the pair on disk, whatever else was lost.
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { NetatmoError } from './errors';
import { writePrivateFile, type PrivateFs } from '../lib/private-file';
import type { TokenPair } from './types';

/** The fs calls the store makes; tests replace some to simulate a full disk or a crash. */
export interface StoreFs extends PrivateFs {
  readFile: typeof fsp.readFile;
}

const realFs: StoreFs = {
  mkdir: fsp.mkdir,
  open: fsp.open,
  rename: fsp.rename,
  readFile: fsp.readFile,
  unlink: fsp.unlink,
  chmod: fsp.chmod,
  readdir: (dir: string) => fsp.readdir(dir),
};

export function isTokenPair(value: unknown): value is TokenPair {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.accessToken === 'string' &&
    typeof v.refreshToken === 'string' &&
    v.refreshToken !== '' &&
    typeof v.expiresAt === 'number' &&
    Number.isFinite(v.expiresAt) &&
    typeof v.issuedAt === 'number' &&
    Number.isFinite(v.issuedAt)
  );
}

/** How many rotated-away refresh tokens a file remembers. */
const RETIRED_KEPT = 32;

/** How a refresh token is remembered without keeping it: its SHA-256, in hex. */
export function tokenHash(refreshToken: string): string {
  return createHash('sha256').update(refreshToken).digest('hex');
}

/**
 * Whether the token file has seen this refresh token: its current one, or one it rotated away
 * (or refused). See NetatmoAccount.load for the one rule this serves.
 */
export function isKnownToken(record: StoredRecord | null, refreshToken: string): boolean {
  if (record === null) return false;
  return record.pair.refreshToken === refreshToken || record.retired.includes(tokenHash(refreshToken));
}

function retiredOf(parsed: unknown): string[] {
  const list = typeof parsed === 'object' && parsed !== null ? (parsed as { retired?: unknown }).retired : undefined;
  return Array.isArray(list) ? list.filter((h): h is string => typeof h === 'string' && /^[0-9a-f]{64}$/.test(h)) : [];
}

function fileName(accountId: string): string {
  // Node-RED ids are like "a1b2c3d4.e5f6a7"; anything else is made safe for a file name.
  const safe = accountId.replace(/[^A-Za-z0-9._-]/g, '_');
  if (safe === '' || /^\.+$/.test(safe)) throw new NetatmoError('bad_input', 'Invalid account id for the token store');
  return `${safe}.json`;
}

export interface StoredRecord {
  pair: TokenPair;
  /** tokenHash of the refresh tokens this account rotated away: they can only be refused now. */
  retired: string[];
}

export class TokenStore {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly dir: string,
    private readonly fs: StoreFs = realFs,
  ) {}

  /** Resolves once every read and write asked so far has finished (whatever their outcome). */
  idle(): Promise<void> {
    return this.queue.then(() => undefined);
  }

  pathOf(accountId: string): string {
    return path.join(this.dir, fileName(accountId));
  }

  /** The stored pair, or null when there is none or the file does not hold a valid pair. */
  load(accountId: string): Promise<TokenPair | null> {
    return this.serialized(async () => (await this.read(accountId))?.pair ?? null);
  }

  /** The stored pair with the hashes (tokenHash) of the refresh tokens it replaced, or null. */
  loadRecord(accountId: string): Promise<StoredRecord | null> {
    return this.serialized(() => this.read(accountId));
  }

  /**
   * Write the pair durably; the previous file stays whole until the new one replaces it. The
   * refresh token it replaces (and `retiring`, the token it was refreshed from) join the file's
   * retired ones.
   */
  save(accountId: string, pair: TokenPair, retiring?: string): Promise<void> {
    if (!isTokenPair(pair)) return Promise.reject(new NetatmoError('bad_input', 'Refusing to store an invalid token pair'));
    const { accessToken, refreshToken, expiresAt, issuedAt } = pair;
    return this.serialized(async () => {
      const before = await this.read(accountId);
      const replaced = before && before.pair.refreshToken !== refreshToken ? [tokenHash(before.pair.refreshToken)] : [];
      // The token a proven pair came from is dead too (rotated away), even if it never was on disk.
      if (retiring !== undefined && retiring !== refreshToken) replaced.push(tokenHash(retiring));
      const current = tokenHash(refreshToken);
      const retired = [...new Set([...replaced, ...(before?.retired ?? [])])].filter((h) => h !== current).slice(0, RETIRED_KEPT);
      const text = `${JSON.stringify({ version: 1, accessToken, refreshToken, expiresAt, issuedAt, retired })}\n`;
      await this.writeAtomically(this.pathOf(accountId), text);
    });
  }

  /** Remember a refresh token as one that can only be refused (Netatmo refused it), beside the pair. */
  retire(accountId: string, refreshToken: string): Promise<void> {
    return this.serialized(async () => {
      const before = await this.read(accountId);
      if (before === null || before.pair.refreshToken === refreshToken) return;
      const retired = [...new Set([tokenHash(refreshToken), ...before.retired])].slice(0, RETIRED_KEPT);
      const { accessToken, refreshToken: current, expiresAt, issuedAt } = before.pair;
      const text = `${JSON.stringify({ version: 1, accessToken, refreshToken: current, expiresAt, issuedAt, retired })}\n`;
      await this.writeAtomically(this.pathOf(accountId), text);
    });
  }

  private async read(accountId: string): Promise<StoredRecord | null> {
    let text: string;
    try {
      text = await this.fs.readFile(this.pathOf(accountId), 'utf8');
    } catch {
      return null;
    }
    try {
      const parsed: unknown = JSON.parse(text);
      if (!isTokenPair(parsed)) return null;
      const { accessToken, refreshToken, expiresAt, issuedAt } = parsed;
      return { pair: { accessToken, refreshToken, expiresAt, issuedAt }, retired: retiredOf(parsed) };
    } catch {
      return null;
    }
  }

  /** Forget an account's pair (the account was deleted). */
  remove(accountId: string): Promise<void> {
    return this.serialized(async () => {
      await this.fs.unlink(this.pathOf(accountId)).catch(() => undefined);
    });
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(work, work);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** The shared atomic writer (private-file.ts); a failure becomes the store's own error. */
  private async writeAtomically(target: string, text: string): Promise<void> {
    try {
      await writePrivateFile(target, text, this.fs);
    } catch (err) {
      const code = typeof (err as { code?: unknown })?.code === 'string' ? ` (${(err as { code: string }).code})` : '';
      throw new NetatmoError('api', `Could not save the Netatmo tokens to disk${code}`, { reason: 'store_failed', params: { detail: code } });
    }
  }
}
