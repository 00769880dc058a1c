// The one rule from ids to file names, and every store finding a file an older rule named:
// the token file (see token-store-sealed.test.ts), a measure node's memory, an export ledger,
// and the backfill files of exactly one node.
import should from 'should';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { adoptLegacyFile, adoptLegacyFileSync, safeFileName } from '../../../src/lib/safe-file-name';
import { FileMemory, legacyMemoryFile, memoryFile } from '../../../src/measure/store';
import { fileLedgerStore, ledgerFile } from '../../../src/export/ledger-store';
import { HourLedger } from '../../../src/export/hour-ledger';
import { BackfillFileStore } from '../../../src/netatmo/backfill-store';
import { tempDir } from '../../support/temp-dir';

describe('safeFileName: one rule from ids to file names', function () {
  it("keeps Node-RED's ids, old and new", function () {
    for (const id of ['a1b2c3d4.e5f6a7', '0123456789abcdef', 'm1', 'acc-1_x']) should(safeFileName(id)).equal(id);
  });

  it('gives any other id a readable part and a digest of the whole: never shared, never a path', function () {
    const names = ['a/b', 'a_b/', 'a:b', '../../etc/passwd', '.hidden', '..', '', 'x'.repeat(65), 'é'].map(safeFileName);
    should(new Set(names).size).equal(names.length);
    should(safeFileName('a/b'))
      .not.equal(safeFileName('a_b'))
      .and.match(/^a_b-[0-9a-f]{16}$/);
    should(safeFileName('econetatmo:kitchen')).match(/^econetatmo_kitchen-[0-9a-f]{16}$/);
    for (const name of names) {
      should(name).match(/^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/);
      should(name.length).be.belowOrEqual(64);
      should(path.basename(name)).equal(name);
    }
    should(safeFileName('a/b')).equal(safeFileName('a/b'));
  });
});

describe('stores find a file under the name an older rule gave it', function () {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => tmp.cleanup());

  it("a measure node's memory: the old digest name of a dotted id is read, then kept under the new name", function () {
    const dir = path.join(tmp.dir, 'measure');
    const id = 'a1b2c3d4.e5f6a7';
    const legacy = legacyMemoryFile(dir, id);
    should(path.basename(legacy)).match(/^[0-9a-f]{32}\.json$/);
    should(memoryFile(dir, id)).equal(path.join(dir, `${id}.json`));
    mkdirSync(dir, { recursive: true });
    writeFileSync(legacy, JSON.stringify({ econetatmoTrackers: { k: { usedAt: 1, state: 'sent' } } }));
    const memory = new FileMemory(memoryFile(dir, id), legacy);
    should(memory.get('econetatmoTrackers')).eql({ k: { usedAt: 1, state: 'sent' } });
    should(existsSync(legacy)).be.false();
    memory.set('econetatmoUploads', [1]);
    should(JSON.parse(readFileSync(memoryFile(dir, id), 'utf8'))).have.keys('econetatmoTrackers', 'econetatmoUploads');
    should(readdirSync(dir)).eql([`${id}.json`]);
  });

  it('an export ledger: `<source>.<object id>.json` is read, then kept under the new name', function () {
    const dir = path.join(tmp.dir, 'export');
    const id = 'econetatmo:kitchen';
    const current = ledgerFile(dir, id);
    should(path.basename(current)).match(/^econetatmo_kitchen-[0-9a-f]{16}\.json$/);
    // What an older version wrote, under the name it gave.
    fileLedgerStore(dir).save(HourLedger.create(id, '00:04:74:12:36:42#3'));
    const old = path.join(dir, 'econetatmo.kitchen.json');
    renameSync(current, old);
    const loaded = fileLedgerStore(dir).load(id);
    should(loaded).be.instanceOf(HourLedger);
    should((loaded as HourLedger).statisticId).equal(id);
    should(existsSync(old)).be.false();
    should(existsSync(current)).be.true();
  });

  it('never moves an old file over a new one (sync and async)', async function () {
    const a = path.join(tmp.dir, 'new.json');
    const b = path.join(tmp.dir, 'old.json');
    writeFileSync(a, 'new');
    writeFileSync(b, 'old');
    adoptLegacyFileSync(a, b);
    await adoptLegacyFile(a, b);
    should(readFileSync(a, 'utf8')).equal('new');
    should(readFileSync(b, 'utf8')).equal('old');
  });

  it('backfill files: one node never lists or removes the files of a node whose id starts the same', function () {
    const dir = path.join(tmp.dir, 'backfill');
    const store = new BackfillFileStore(dir);
    mkdirSync(dir, { recursive: true });
    const other = path.join(dir, 'a-b-0123456789abcdef.json');
    writeFileSync(other, '{}');
    should(store.list('a')).eql([]);
    store.removeNode('a');
    should(existsSync(other)).be.true();
  });
});
