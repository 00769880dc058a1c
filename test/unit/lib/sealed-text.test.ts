// Sealed text: opens with the secret and context it was sealed with, and with nothing else; an
// altered byte is refused, never read as garbage; the same text sealed twice looks different.
import should from 'should';
import { isSealed, seal, unseal } from '../../../src/lib/sealed-text';

describe('sealed text (AES-256-GCM, HKDF key per sealing)', function () {
  const text = '{"refreshToken":"r|secret"}';

  it('opens with the same secret and context only', function () {
    const sealed = seal(text, 'secret-1', 'file:a');
    should(isSealed(sealed)).be.true();
    should(JSON.stringify(sealed)).not.containEql('secret');
    should(unseal(sealed, 'secret-1', 'file:a')).equal(text);
    should(unseal(sealed, 'secret-2', 'file:a')).be.undefined();
    should(unseal(sealed, 'secret-1', 'file:b')).be.undefined();
  });

  it('refuses an altered byte in the data, the tag, the iv or the salt', function () {
    const sealed = seal(text, 'secret-1', 'file:a');
    const flip = (b64: string): string => {
      const bytes = Buffer.from(b64, 'base64');
      bytes[0] = (bytes[0] ?? 0) ^ 1;
      return bytes.toString('base64');
    };
    for (const field of ['data', 'tag', 'iv', 'salt'] as const) {
      should(unseal({ ...sealed, [field]: flip(sealed[field]) }, 'secret-1', 'file:a')).equal(undefined, field);
    }
  });

  it('seals the same text differently each time (random salt and iv)', function () {
    const a = seal(text, 'secret-1', 'file:a');
    const b = seal(text, 'secret-1', 'file:a');
    should(a.salt).not.equal(b.salt);
    should(a.iv).not.equal(b.iv);
    should(a.data).not.equal(b.data);
  });

  it('knows a sealed record from anything else', function () {
    should(isSealed({ alg: 'aes-256-gcm', kdf: 'hkdf-sha256', salt: '', iv: '', tag: 'short', data: '' })).be.false();
    for (const v of [null, 'x', {}, { accessToken: 'a' }]) should(isSealed(v)).be.false();
  });
});
