// The durable token store: one file per account, `<dir>/<account id>.json` (the id made safe by
// safeFileName), mode 0600. Refresh tokens rotate, so losing the newest pair means the user must
// authorise again: a pair is written to a temporary file, flushed, renamed over the old one and
// the directory flushed. A crash leaves either the old file or the new one, never a torn one; a
// file that does not read as a valid pair is ignored and never taken over a good pair.
// The file also remembers (as hashes) the refresh tokens the account has rotated away, in the
// same atomic write as the pair that replaced them: a stale token left in the flow's
// credentials can then never win over the pair on disk, whatever else was lost.
// With a secret (Node-RED's credentialSecret, see TokenSecrets) the file is sealed (AES-256-GCM,
// lib/sealed-text.ts; the format is token-file.ts's); a plain file is sealed at its first read.
// A sealed file that no known secret opens is never thrown away: reading it is an error that
// says why, and a new pair (the user connected again) moves it aside instead of over it.
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { NetatmoError } from './errors';
import { writePrivateFile, type PrivateFs } from '../lib/private-file';
import { adoptLegacyFile, safeFileName } from '../lib/safe-file-name';
import type { TokenPair } from './types';
import { isTokenPair, parseTokenFile, recordText, type StoredRecord, type TokenFileContent, type TokenSecrets } from './token-file';

export { isTokenPair, parseTokenFile, type StoredRecord, type TokenFileContent, type TokenSecrets } from './token-file';

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

/** The name the token file had before safeFileName: unsafe characters replaced by `_`. */
function legacyFileName(accountId: string): string | undefined {
  const safe = accountId.replace(/[^A-Za-z0-9._-]/g, '_');
  return safe === '' || /^\.+$/.test(safe) ? undefined : `${safe}.json`;
}

function lockedError(file: string, secrets: TokenSecrets): NetatmoError {
  const noSecret = secrets.current === undefined && (secrets.previous ?? []).length === 0;
  const text = noSecret
    ? 'Cannot decrypt the token file: no credentialSecret. Restore it or reconnect'
    : 'Cannot decrypt the token file: credentialSecret changed? Restore it or reconnect';
  return new NetatmoError('api', text, { reason: noSecret ? 'store_no_secret' : 'store_locked', params: { file: path.basename(file) } });
}

export class TokenStore {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly dir: string,
    private readonly fs: StoreFs = realFs,
    private readonly secrets: TokenSecrets = {},
  ) {}

  /** Resolves once every read and write asked so far has finished (whatever their outcome). */
  idle(): Promise<void> {
    return this.queue.then(() => undefined);
  }

  pathOf(accountId: string): string {
    return path.join(this.dir, `${safeFileName(accountId)}.json`);
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
   * refresh token it replaces (and `retiring`, the token or tokens it was refreshed from) join the
   * file's retired ones.
   */
  save(accountId: string, pair: TokenPair, retiring?: string | readonly string[]): Promise<void> {
    if (!isTokenPair(pair)) return Promise.reject(new NetatmoError('bad_input', 'Refusing to store an invalid token pair'));
    const { accessToken, refreshToken, expiresAt, issuedAt } = pair;
    return this.serialized(async () => {
      const found = await this.readContent(accountId);
      // A file no secret opens is the user's only copy of a pair: it goes aside, never under.
      if (found.kind === 'locked') await this.moveAside(accountId);
      const before = found.kind === 'record' ? found.record : null;
      const replaced = before && before.pair.refreshToken !== refreshToken ? [tokenHash(before.pair.refreshToken)] : [];
      // The tokens a proven pair came from are dead too (rotated away), even if never on disk.
      const dead = typeof retiring === 'string' ? [retiring] : (retiring ?? []);
      for (const token of dead) if (token !== refreshToken) replaced.push(tokenHash(token));
      const current = tokenHash(refreshToken);
      const retired = [...new Set([...replaced, ...(before?.retired ?? [])])].filter((h) => h !== current).slice(0, RETIRED_KEPT);
      await this.writeRecord(accountId, { accessToken, refreshToken, expiresAt, issuedAt }, retired);
    });
  }

  /** Remember a refresh token as one that can only be refused (Netatmo refused it), beside the pair. */
  retire(accountId: string, refreshToken: string): Promise<void> {
    return this.serialized(async () => {
      const found = await this.readContent(accountId);
      if (found.kind !== 'record' || found.record.pair.refreshToken === refreshToken) return;
      const retired = [...new Set([tokenHash(refreshToken), ...found.record.retired])].slice(0, RETIRED_KEPT);
      await this.writeRecord(accountId, found.record.pair, retired);
    });
  }

  /**
   * The record, or null when there is none or the file does not hold a valid pair; throws when
   * the file is sealed with a secret not known. A file not sealed as it should be (plain, or
   * with a previous secret) is sealed again now; if that write fails it stays as it was.
   */
  private async read(accountId: string): Promise<StoredRecord | null> {
    const found = await this.readContent(accountId);
    if (found.kind === 'locked') throw lockedError(this.pathOf(accountId), this.secrets);
    if (found.kind === 'none') return null;
    const wanted = this.secrets.current === undefined ? 'plain' : 'current';
    if (found.sealedWith !== wanted) {
      await this.writeRecord(accountId, found.record.pair, found.record.retired).catch(() => undefined);
    }
    return found.record;
  }

  private async readContent(accountId: string): Promise<TokenFileContent> {
    const file = this.pathOf(accountId);
    const legacy = legacyFileName(accountId);
    await adoptLegacyFile(file, legacy === undefined ? undefined : path.join(this.dir, legacy));
    let text: string;
    try {
      text = await this.fs.readFile(file, 'utf8');
    } catch {
      return { kind: 'none' };
    }
    return parseTokenFile(text, accountId, this.secrets);
  }

  private writeRecord(accountId: string, pair: TokenPair, retired: string[]): Promise<void> {
    return this.writeAtomically(this.pathOf(accountId), recordText(accountId, pair, retired, this.secrets.current));
  }

  /** `<file>.locked-<time>`: kept for the user to open with the former secret. */
  private async moveAside(accountId: string): Promise<void> {
    const file = this.pathOf(accountId);
    try {
      await this.fs.rename(file, `${file}.locked-${Date.now()}`);
    } catch (err) {
      throw storeFailed(err);
    }
  }

  /** Forget an account's pair (the account was deleted). */
  remove(accountId: string): Promise<void> {
    return this.serialized(async () => {
      const file = this.pathOf(accountId);
      const legacy = legacyFileName(accountId);
      const names = await (this.fs.readdir ?? realFs.readdir)?.(this.dir).catch(() => [] as string[]);
      const aside = (names ?? []).filter((n) => n.startsWith(`${path.basename(file)}.locked-`)).map((n) => path.join(this.dir, n));
      for (const target of [file, ...(legacy === undefined ? [] : [path.join(this.dir, legacy)]), ...aside]) {
        await this.fs.unlink(target).catch(() => undefined);
      }
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
      throw storeFailed(err);
    }
  }
}

function storeFailed(err: unknown): NetatmoError {
  const code = typeof (err as { code?: unknown })?.code === 'string' ? ` (${(err as { code: string }).code})` : '';
  return new NetatmoError('api', `Could not save the Netatmo tokens to disk${code}`, { reason: 'store_failed', params: { detail: code } });
}
