// The token file sealed with Node-RED's credentialSecret: a plain file is sealed at its first
// read, the pair survives a restart, a wrong or missing secret is a clear error that leaves the
// file as it was (a new pair moves it aside, never over it), and the secret Node-RED generated
// still opens what it sealed once the user sets their own. Also: the file name rule's migration.
import should from 'should';
import { existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { TokenStore, parseTokenFile } from '../../../src/netatmo/token-store';
import { safeFileName } from '../../../src/lib/safe-file-name';
import { tokenSecrets } from '../../../src/nodes/account/token-secrets';
import type { TokenPair } from '../../../src/netatmo/types';
import { NetatmoError } from '../../../src/netatmo/errors';
import { tempDir } from '../../support/temp-dir';

const SECRET = 'the-user-credential-secret';
const GENERATED = 'a'.repeat(64);
const ID = 'a1b2c3d4.e5f6a7';

function pair(n: number): TokenPair {
  return { accessToken: `access-${n}-secret`, refreshToken: `refresh-${n}-secret`, issuedAt: 1000 * n, expiresAt: 1000 * n + 10_800_000 };
}

function plainText(p: TokenPair, retired: string[] = []): string {
  return `${JSON.stringify({ version: 1, ...p, retired })}\n`;
}

async function failure(p: Promise<unknown>): Promise<NetatmoError> {
  try {
    await p;
  } catch (err) {
    should(err).be.instanceOf(NetatmoError);
    return err as NetatmoError;
  }
  throw new Error('expected a failure');
}

describe('TokenStore sealed with the credentialSecret', () => {
  let tmp: ReturnType<typeof tempDir>;
  let dir: string;
  let file: string;
  beforeEach(() => {
    tmp = tempDir();
    dir = path.join(tmp.dir, 'econetatmo');
    file = path.join(dir, `${ID}.json`);
  });
  afterEach(() => tmp.cleanup());

  it('writes no token in clear, and the pair survives a restart (a new store, same secret)', async () => {
    await new TokenStore(dir, undefined, { current: SECRET }).save(ID, pair(1));
    const text = readFileSync(file, 'utf8');
    should(text).not.match(/access-1|refresh-1|accessToken/);
    should(JSON.parse(text)).have.property('sealed');
    should(await new TokenStore(dir, undefined, { current: SECRET }).load(ID)).eql(pair(1));
  });

  it('seals a plain file at its first read, keeping the pair and the retired tokens', async () => {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const retired = ['0'.repeat(64)];
    writeFileSync(file, plainText(pair(3), retired), { mode: 0o600 });
    const store = new TokenStore(dir, undefined, { current: SECRET });
    should(await store.loadRecord(ID)).eql({ pair: pair(3), retired });
    const text = readFileSync(file, 'utf8');
    should(text).not.containEql('refresh-3');
    should(parseTokenFile(text, ID, { current: SECRET })).eql({ kind: 'record', record: { pair: pair(3), retired }, sealedWith: 'current' });
    should(readdirSync(dir)).eql([`${ID}.json`]);
  });

  it('a wrong secret: a clear error, the file untouched; a new pair moves it aside, never over it', async () => {
    await new TokenStore(dir, undefined, { current: SECRET }).save(ID, pair(1));
    const before = readFileSync(file);
    const wrong = new TokenStore(dir, undefined, { current: 'another-secret' });
    const err = await failure(wrong.load(ID));
    should(err).match({ kind: 'api', reason: 'store_locked' });
    should(err.message).match(/Cannot decrypt the token file: credentialSecret changed\?/);
    should(readFileSync(file).equals(before)).be.true();
    // Refusing a token adds nothing to a file it cannot open.
    await wrong.retire(ID, 'refused');
    should(readFileSync(file).equals(before)).be.true();
    // The user connected again: the new pair is written, the old file kept beside it.
    await wrong.save(ID, pair(2));
    should(await wrong.load(ID)).eql(pair(2));
    const aside = readdirSync(dir).filter((n) => n.startsWith(`${ID}.json.locked-`));
    should(aside).have.length(1);
    should(readFileSync(path.join(dir, aside[0]!)).equals(before)).be.true();
    should(parseTokenFile(before.toString('utf8'), ID, { current: SECRET })).match({ kind: 'record', record: { pair: pair(1) } });
    // Deleting the account forgets both.
    await wrong.remove(ID);
    should(readdirSync(dir)).eql([]);
  });

  it('no secret at all for a sealed file: says so, the file untouched', async () => {
    await new TokenStore(dir, undefined, { current: SECRET }).save(ID, pair(1));
    const before = readFileSync(file);
    const err = await failure(new TokenStore(dir).load(ID));
    should(err).match({ reason: 'store_no_secret' });
    should(err.message).match(/no credentialSecret/);
    should(readFileSync(file).equals(before)).be.true();
  });

  it("opens with Node-RED's generated secret after the user set their own, and seals again with the user's", async () => {
    await new TokenStore(dir, undefined, { current: GENERATED }).save(ID, pair(1));
    const store = new TokenStore(dir, undefined, { current: SECRET, previous: [GENERATED] });
    should(await store.load(ID)).eql(pair(1));
    should(parseTokenFile(readFileSync(file, 'utf8'), ID, { current: SECRET })).match({ kind: 'record', sealedWith: 'current' });
    // Encryption turned off (credentialSecret: false) with the generated one still known: plain again.
    await new TokenStore(dir, undefined, { current: GENERATED }).save(ID, pair(2));
    should(await new TokenStore(dir, undefined, { previous: [GENERATED] }).load(ID)).eql(pair(2));
    should(JSON.parse(readFileSync(file, 'utf8'))).match({ refreshToken: 'refresh-2-secret' });
  });

  it("a sealed file copied over another account's does not open there", async () => {
    await new TokenStore(dir, undefined, { current: SECRET }).save(ID, pair(1));
    const text = readFileSync(file, 'utf8');
    should(parseTokenFile(text, 'other0123456789', { current: SECRET })).eql({ kind: 'locked' });
  });
});

describe("tokenSecrets: Node-RED's choice of key", () => {
  const settings = (credentialSecret: unknown, generated: unknown) => ({
    credentialSecret,
    get: (key: string) => {
      if (key !== '_credentialSecret') throw new Error(`unexpected ${key}`);
      if (generated instanceof Error) throw generated;
      return generated;
    },
  });

  it("the user's secret first, the generated one to open older files", () => {
    should(tokenSecrets(settings(SECRET, GENERATED))).eql({ current: SECRET, previous: [GENERATED] });
    should(tokenSecrets(settings(SECRET, undefined))).eql({ current: SECRET, previous: [] });
  });

  it('the generated secret when the user set none; none when Node-RED encrypts nothing', () => {
    should(tokenSecrets(settings(undefined, GENERATED))).eql({ current: GENERATED });
    should(tokenSecrets(settings(false, GENERATED))).eql({ previous: [GENERATED] });
    should(tokenSecrets(settings(false, undefined))).eql({ previous: [] });
    should(tokenSecrets(settings(undefined, new Error('settings not available')))).eql({});
    should(tokenSecrets({})).eql({});
    should(tokenSecrets(undefined)).eql({});
  });
});

describe('TokenStore file names (one rule, safeFileName)', () => {
  it('keeps Node-RED ids, digests anything else, and finds a file under its old name', async () => {
    const tmp = tempDir();
    const dir = path.join(tmp.dir, 'econetatmo');
    const store = new TokenStore(dir);
    should(store.pathOf(ID)).equal(path.join(dir, `${ID}.json`));
    should(store.pathOf('0123456789abcdef')).equal(path.join(dir, '0123456789abcdef.json'));
    const odd = 'acc/1';
    should(path.basename(store.pathOf(odd)))
      .equal(`${safeFileName(odd)}.json`)
      .and.match(/^acc_1-[0-9a-f]{16}\.json$/);
    // Before, `acc/1` was written as `acc_1.json` (which `acc_1` shared).
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(path.join(dir, 'acc_1.json'), plainText(pair(7)), { mode: 0o600 });
    should(await store.load(odd)).eql(pair(7));
    should(existsSync(path.join(dir, 'acc_1.json'))).be.false();
    should(existsSync(store.pathOf(odd))).be.true();
    // A file already under the new name wins over an old one.
    writeFileSync(path.join(dir, 'acc_1.json'), plainText(pair(8)), { mode: 0o600 });
    should(await store.load(odd)).eql(pair(7));
    tmp.cleanup();
  });
});
