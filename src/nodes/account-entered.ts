// Which refresh tokens the runtime already knows for an account, and since when.
//
// Why: the credentials in the flow file are only written at deploy, while every rotation is
// written to the token store at once. After a restart the credentials can therefore hold a
// refresh token that was rotated away long ago. A token the user just pasted in the editor,
// on the other hand, must win over the store. Both look the same from the credentials alone,
// so we remember a hash of every refresh token the runtime has seen, with the time it was
// issued or entered: a known token keeps its old time (and loses to the newer pair on disk),
// an unknown one was entered since and gets "now" (and wins).
import { readFileSync, rmSync } from 'node:fs';
import { writePrivateJsonSync } from '../netatmo/private-file';
import { tokenHash } from '../netatmo/token-store';
import { join } from 'node:path';

const KEEP = 20;

interface Known {
  h: string;
  issuedAt: number;
}

export class EnteredTokens {
  private readonly file: string;

  constructor(dir: string, accountId: string) {
    this.file = join(dir, `entered-${accountId}.json`);
  }

  /** When this refresh token was issued or first entered, if the runtime has seen it. */
  issuedAt(refreshToken: string): number | undefined {
    const h = tokenHash(refreshToken);
    return this.read().find((k) => k.h === h)?.issuedAt;
  }

  /** Best effort: losing this record only makes a stale token look new once. */
  remember(refreshToken: string, issuedAt: number): void {
    const h = tokenHash(refreshToken);
    const known = [{ h, issuedAt }, ...this.read().filter((k) => k.h !== h)].slice(0, KEEP);
    try {
      writePrivateJsonSync(this.file, { known });
    } catch {
      // The token store itself is what must survive; this is only a hint.
    }
  }

  /** The account was deleted: forget its tokens' hashes too. */
  forget(): void {
    rmSync(this.file, { force: true });
  }

  private read(): Known[] {
    try {
      const parsed: unknown = JSON.parse(readFileSync(this.file, 'utf8'));
      if (typeof parsed !== 'object' || parsed === null) return [];
      const known = (parsed as { known?: unknown }).known;
      if (!Array.isArray(known)) return [];
      return known.filter(
        (k): k is Known =>
          typeof k === 'object' && k !== null && typeof (k as Known).h === 'string' && typeof (k as Known).issuedAt === 'number',
      );
    } catch {
      return [];
    }
  }
}
