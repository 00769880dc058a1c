// The token file's text: the pair, the hashes of the refresh tokens it replaced, and whether
// it is sealed with a secret (Node-RED's credentialSecret, see TokenSecrets) or plain JSON.
// What reads and writes it durably is token-store.ts.
import { isSealed, seal, unseal } from '../lib/sealed-text';
import type { TokenPair } from './types';

/**
 * The secrets a token file is sealed with. `current` seals what is written (none: plain JSON,
 * mode 0600); `previous` only open files sealed before (Node-RED's generated secret after the
 * user set their own, say), which are then sealed again with `current`.
 */
export interface TokenSecrets {
  current?: string;
  previous?: readonly string[];
}

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

export interface StoredRecord {
  pair: TokenPair;
  /** tokenHash of the refresh tokens this account rotated away: they can only be refused now. */
  retired: string[];
}

function retiredOf(parsed: unknown): string[] {
  const list = typeof parsed === 'object' && parsed !== null ? (parsed as { retired?: unknown }).retired : undefined;
  return Array.isArray(list) ? list.filter((h): h is string => typeof h === 'string' && /^[0-9a-f]{64}$/.test(h)) : [];
}

/** Binds a sealed file to its account: copied over another account's file, it does not open. */
function sealContext(accountId: string): string {
  return `econetatmo token file:${accountId}`;
}

export function recordText(accountId: string, pair: TokenPair, retired: string[], secret: string | undefined): string {
  const { accessToken, refreshToken, expiresAt, issuedAt } = pair;
  const plain = JSON.stringify({ version: 1, accessToken, refreshToken, expiresAt, issuedAt, retired });
  if (secret === undefined) return `${plain}\n`;
  return `${JSON.stringify({ version: 2, sealed: seal(plain, secret, sealContext(accountId)) })}\n`;
}

function recordOf(parsed: unknown): StoredRecord | null {
  if (!isTokenPair(parsed)) return null;
  const { accessToken, refreshToken, expiresAt, issuedAt } = parsed;
  return { pair: { accessToken, refreshToken, expiresAt, issuedAt }, retired: retiredOf(parsed) };
}

/** What a token file's text holds. */
export type TokenFileContent =
  | { kind: 'none' }
  /** `sealedWith`: 'plain', 'current' or 'previous' (see TokenSecrets). */
  | { kind: 'record'; record: StoredRecord; sealedWith: 'plain' | 'current' | 'previous' }
  /** Sealed, and no known secret opens it. */
  | { kind: 'locked' };

/** Reads a token file's text (plain or sealed) with the secrets known. */
export function parseTokenFile(text: string, accountId: string, secrets: TokenSecrets = {}): TokenFileContent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { kind: 'none' };
  }
  const sealed = typeof parsed === 'object' && parsed !== null ? (parsed as { sealed?: unknown }).sealed : undefined;
  if (!isSealed(sealed)) {
    const record = recordOf(parsed);
    return record === null ? { kind: 'none' } : { kind: 'record', record, sealedWith: 'plain' };
  }
  const tries: Array<['current' | 'previous', string]> = [];
  if (secrets.current !== undefined) tries.push(['current', secrets.current]);
  for (const secret of secrets.previous ?? []) tries.push(['previous', secret]);
  for (const [which, secret] of tries) {
    const opened = unseal(sealed, secret, sealContext(accountId));
    if (opened === undefined) continue;
    try {
      const record = recordOf(JSON.parse(opened));
      return record === null ? { kind: 'none' } : { kind: 'record', record, sealedWith: which };
    } catch {
      return { kind: 'none' };
    }
  }
  return { kind: 'locked' };
}
