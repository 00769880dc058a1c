import should from 'should';
import { promises as fsp, statSync, writeFileSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { TokenStore, isKnownToken, tokenHash, type StoreFs } from '../../../src/netatmo/token-store';
import type { TokenPair } from '../../../src/netatmo/types';
import { tempDir } from '../../support/temp-dir';

function pair(n: number, issuedAt = 1000 * n): TokenPair {
  return { accessToken: `a${n}`, refreshToken: `r${n}`, issuedAt, expiresAt: issuedAt + 10_800_000 };
}

const realFs: StoreFs = { mkdir: fsp.mkdir, open: fsp.open, rename: fsp.rename, readFile: fsp.readFile, unlink: fsp.unlink, chmod: fsp.chmod };

describe('TokenStore', () => {
  let tmp: ReturnType<typeof tempDir>;
  let dir: string;
  beforeEach(() => {
    tmp = tempDir();
    dir = path.join(tmp.dir, 'econetatmo');
  });
  afterEach(() => tmp.cleanup());

  it('creates its directory (0700) and writes <accountId>.json with mode 0600', async () => {
    const store = new TokenStore(dir);
    await store.save('abc.123', pair(1));
    should(statSync(dir).mode & 0o777).equal(0o700);
    const file = path.join(dir, 'abc.123.json');
    should(statSync(file).mode & 0o777).equal(0o600);
    should(await store.load('abc.123')).eql(pair(1));
    should(readdirSync(dir)).eql(['abc.123.json']); // no temp file left behind
  });

  it('returns null for a missing, corrupt, torn or invalid file', async () => {
    const store = new TokenStore(dir);
    should(await store.load('none')).be.null();
    await store.save('x', pair(1));
    const file = path.join(dir, 'x.json');
    const good = readFileSync(file, 'utf8');
    writeFileSync(file, good.slice(0, good.length / 2));
    should(await store.load('x')).be.null();
    writeFileSync(file, JSON.stringify({ accessToken: 'a', refreshToken: '', expiresAt: 1, issuedAt: 1 }));
    should(await store.load('x')).be.null();
    writeFileSync(file, JSON.stringify({ accessToken: 'a', refreshToken: 'r', expiresAt: '1', issuedAt: 1 }));
    should(await store.load('x')).be.null();
  });

  it('leaves the old file whole when a write fails, and removes the temp file', async () => {
    await new TokenStore(dir).save('acc', pair(1));
    const failingRename: StoreFs = { ...realFs, rename: async () => Promise.reject(Object.assign(new Error('disk full'), { code: 'ENOSPC' })) };
    const store = new TokenStore(dir, failingRename);
    await should(store.save('acc', pair(2))).be.rejectedWith({ kind: 'api', message: /Could not save the Netatmo tokens to disk \(ENOSPC\)/ });
    should(await store.load('acc')).eql(pair(1));
    should(readdirSync(dir)).eql(['acc.json']);
  });

  it('never writes a torn pair in place: a crash mid-write leaves only a temp file, which is ignored', async () => {
    await new TokenStore(dir).save('acc', pair(1));
    // simulate a crash after a partial write of the temp file
    const crashing: StoreFs = {
      ...realFs,
      open: (async (file: string, flags: string, mode: number) => {
        const handle = await fsp.open(file, flags, mode);
        return Object.assign(Object.create(handle), {
          writeFile: async (text: string) => {
            await handle.writeFile(text.slice(0, 10));
            throw Object.assign(new Error('crash'), { code: 'EIO' });
          },
          close: () => handle.close(),
        });
      }) as unknown as StoreFs['open'],
    };
    await should(new TokenStore(dir, crashing).save('acc', pair(2))).be.rejectedWith({ kind: 'api' });
    should(await new TokenStore(dir).load('acc')).eql(pair(1));
  });

  it('removes temp files that a crashed process left behind', async () => {
    await new TokenStore(dir).save('acc', pair(1));
    writeFileSync(path.join(dir, 'acc.json.999999.1.tmp'), '{"acc');
    writeFileSync(path.join(dir, 'other.json.999999.1.tmp'), '{"acc');
    await new TokenStore(dir).save('acc', pair(2));
    should(readdirSync(dir).sort()).eql(['acc.json', 'other.json.999999.1.tmp']);
  });

  it('remembers the refresh tokens it replaced, as hashes, in the same file', async () => {
    const store = new TokenStore(dir);
    await store.save('acc', pair(1));
    await store.save('acc', pair(2));
    await store.save('acc', pair(3));
    const retired = async (account: string, token: string): Promise<boolean> => ((await store.loadRecord(account))?.retired ?? []).includes(tokenHash(token));
    should(await retired('acc', 'r1')).be.true();
    should(await retired('acc', 'r2')).be.true();
    should(await retired('acc', 'r3')).be.false(); // the current one
    should(await retired('acc', 'r9')).be.false(); // never seen: a pasted token, say
    should(await retired('other', 'r1')).be.false();
    const text = readFileSync(path.join(dir, 'acc.json'), 'utf8');
    should(text).not.containEql('"r1"');
    should(text).not.containEql('"r2"');
    should(await store.load('acc')).eql(pair(3));
    // Saving the same refresh token again (a new access token) retires nothing.
    await store.save('acc', { ...pair(3), accessToken: 'a3b' });
    should(await retired('acc', 'r3')).be.false();
  });

  it('refuses to save an invalid pair', async () => {
    await should(new TokenStore(dir).save('acc', { ...pair(1), refreshToken: '' })).be.rejectedWith({ kind: 'bad_input' });
  });

  it('serializes writes: the last save wins', async () => {
    const store = new TokenStore(dir);
    await Promise.all([1, 2, 3, 4, 5].map((n) => store.save('acc', pair(n))));
    should(await store.load('acc')).eql(pair(5));
  });

  it('keeps account ids out of the path', async () => {
    const store = new TokenStore(dir);
    should(path.dirname(store.pathOf('../../etc/passwd'))).equal(dir);
  });
});

describe('isKnownToken (the one rule: has the token file seen this refresh token?)', () => {
  it('knows the current token and the retired ones, nothing else', async () => {
    const tmp = tempDir();
    const store = new TokenStore(path.join(tmp.dir, 'econetatmo'));
    should(isKnownToken(await store.loadRecord('acc'), 'r1')).be.false();
    await store.save('acc', { ...pair(1), refreshToken: 'r1' });
    await store.save('acc', { ...pair(2), refreshToken: 'r2' }, 'pasted');
    const record = await store.loadRecord('acc');
    for (const known of ['r1', 'r2', 'pasted']) should(isKnownToken(record, known)).be.true(known);
    should(isKnownToken(record, 'r3')).be.false();
    await store.retire('acc', 'refused');
    should(isKnownToken(await store.loadRecord('acc'), 'refused')).be.true();
    should((await store.load('acc'))?.refreshToken).equal('r2');
    should(readFileSync(store.pathOf('acc'), 'utf8')).not.match(/pasted|refused|"r1"/);
    tmp.cleanup();
  });
});
