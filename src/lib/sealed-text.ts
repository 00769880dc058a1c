// Text sealed with a secret: AES-256-GCM under a key derived from the secret by HKDF-SHA256
// with a random salt per sealing, so the same secret never gives the same key twice and the
// secret itself is never the key. GCM's tag makes a wrong secret or an altered byte an error,
// never garbage; `context` (authenticated, not stored) binds the text to what it belongs to,
// so that a sealed text copied to another place does not open there.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

export interface Sealed {
  alg: 'aes-256-gcm';
  kdf: 'hkdf-sha256';
  salt: string;
  iv: string;
  tag: string;
  data: string;
}

/** Names the use of the keys derived here: the same secret gives other keys for other uses. */
const INFO = 'node-red-contrib-econetatmo sealed text v1';

function keyFor(secret: string, salt: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), salt, INFO, 32));
}

export function seal(text: string, secret: string, context: string): Sealed {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyFor(secret, salt), iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const data = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
  return {
    alg: 'aes-256-gcm',
    kdf: 'hkdf-sha256',
    salt: salt.toString('base64'),
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    data: data.toString('base64'),
  };
}

/** The text, or undefined when this secret (or this context) does not open it. */
export function unseal(sealed: Sealed, secret: string, context: string): string | undefined {
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyFor(secret, Buffer.from(sealed.salt, 'base64')), Buffer.from(sealed.iv, 'base64'));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}

export function isSealed(value: unknown): value is Sealed {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    v.alg === 'aes-256-gcm' &&
    v.kdf === 'hkdf-sha256' &&
    typeof v.salt === 'string' &&
    typeof v.iv === 'string' &&
    typeof v.tag === 'string' &&
    typeof v.data === 'string' &&
    Buffer.from(v.tag, 'base64').length === 16
  );
}
