// A full SD card (ENOSPC) and a read-only state directory (EACCES), on each kind of state write:
// the token pair, a measure node's memory, an export ledger. Each time the previous file stays
// whole, the failure is said with its cause, and the write succeeds once the disk is back.
import { promises as fsp, readFileSync, readdirSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import should from 'should';
import { HaLedgers } from '../../src/export/ha-ledgers';
import { LedgerRegistry } from '../../src/export/ledger-registry';
import { HourLedger } from '../../src/export/hour-ledger';
import { fileLedgerStore, ledgerFile } from '../../src/export/ledger-store';
import { HALF_HOUR } from '../../src/export/types';
import { realPrivateSyncFs, type PrivateSyncFs } from '../../src/lib/private-file';
import { FileMemory, ReportingMemory } from '../../src/measure/store';
import { isNetatmoError, type NetatmoError } from '../../src/netatmo/errors';
import { TokenManager, type Refresher } from '../../src/netatmo/token-manager';
import { TokenStore, type StoreFs } from '../../src/netatmo/token-store';
import type { TokenPair } from '../../src/netatmo/types';
import { VirtualClock } from '../support/virtual-clock';
import { tempDir } from '../support/temp-dir';
import { fsError, storeFsWith } from '../support/store-fs';
import { half, ovenPayload } from './export/oven-payload';

const H = 3_600_000;
const FAULTS = ['ENOSPC', 'EACCES'] as const;
type Fault = (typeof FAULTS)[number] | null;

/** The async writer's fs: a full disk fails the write into the temporary file, a read-only one its creation. */
function asyncFs(fault: () => Fault): StoreFs {
  return storeFsWith((async (file: string, flags: string, mode?: number) => {
    const f = fault();
    if (f === 'EACCES' && flags === 'wx') throw fsError('EACCES');
    const handle = await fsp.open(file, flags, mode);
    if (f !== 'ENOSPC' || flags !== 'wx') return handle;
    return { writeFile: () => Promise.reject(fsError('ENOSPC')), sync: () => handle.sync(), close: () => handle.close() } as unknown as FileHandle;
  }) as StoreFs['open']);
}

function syncFs(fault: () => Fault): PrivateSyncFs {
  return {
    openSync: (file, flags, mode) => {
      if (fault() === 'EACCES') throw fsError('EACCES');
      return realPrivateSyncFs.openSync(file, flags, mode);
    },
    writeSync: (fd, text) => {
      if (fault() === 'ENOSPC') throw fsError('ENOSPC');
      return realPrivateSyncFs.writeSync(fd, text);
    },
    renameSync: realPrivateSyncFs.renameSync,
  };
}

const temporaries = (dir: string): string[] => readdirSync(dir).filter((n) => n.endsWith('.tmp'));

for (const code of FAULTS) {
  describe(`state writes on a disk that answers ${code}`, () => {
    let tmp: ReturnType<typeof tempDir>;
    let fault: Fault;
    beforeEach(() => {
      tmp = tempDir('econetatmo-disk-');
      fault = null;
    });
    afterEach(() => tmp.cleanup());

    it('token pair: the old file stays, the read says why, the new pair is kept and stored once the disk is back', async () => {
      const clock = new VirtualClock({ start: Date.UTC(2026, 0, 10, 12) });
      let issued = 0;
      const refresher: Refresher = {
        refresh: () => {
          issued += 1;
          const now = clock.now();
          return Promise.resolve({ accessToken: `access-${issued}`, refreshToken: `refresh-${issued}`, issuedAt: now, expiresAt: now + 3 * H });
        },
      };
      const dir = path.join(tmp.dir, 'tokens');
      const store = new TokenStore(
        dir,
        asyncFs(() => fault),
      );
      const manager = new TokenManager({ accountId: 'acc', store, refresher, clock });
      const old: TokenPair = { accessToken: 'access-0', refreshToken: 'refresh-0', issuedAt: clock.now() - 3 * H, expiresAt: clock.now() - 1 };
      await store.save('acc', old);
      const before = readFileSync(path.join(dir, 'acc.json'), 'utf8');
      manager.adoptLoaded(old);

      fault = code;
      const err = await manager.accessToken().then(
        () => null,
        (e: unknown) => e as NetatmoError,
      );
      should(isNetatmoError(err, 'api')).be.true();
      should(err?.reason).equal('memory_only');
      should(err?.message).match(new RegExp(`Could not save the Netatmo tokens to disk \\(${code}\\); the new tokens are kept in memory only`));
      should(readFileSync(path.join(dir, 'acc.json'), 'utf8')).equal(before);
      should(temporaries(dir)).eql([]);
      // The rotated pair is not thrown away: the next read uses it without a refresh.
      should(await manager.accessToken()).equal('access-1');
      should(issued).equal(1);

      fault = null;
      clock.advanceSync(3 * H);
      should(await manager.accessToken()).equal('access-2');
      should((await store.load('acc'))?.refreshToken).equal('refresh-2');
      should(temporaries(dir)).eql([]);
    });

    it('measure node memory: the old file stays, the node says why once, and the next write carries what the failed one had', () => {
      const file = path.join(tmp.dir, 'measure', 'node.json');
      const said: string[] = [];
      // What the measure node has: its file memory, and node.warn when the disk refuses it.
      const memory = new ReportingMemory(
        new FileMemory(
          file,
          undefined,
          syncFs(() => fault),
        ),
        (why) => said.push(why),
      );
      memory.set('a', 1);
      const before = readFileSync(file, 'utf8');

      fault = code;
      should(() => memory.set('b', 2)).throw({ code });
      should(() => memory.set('b', 3)).throw({ code });
      should(said).eql([code]); // once per run of failures, not at every read
      should(readFileSync(file, 'utf8')).equal(before);
      should(temporaries(path.dirname(file))).eql([]);
      should(memory.get('b')).equal(3); // kept in memory

      fault = null;
      memory.set('c', 4);
      should(JSON.parse(readFileSync(file, 'utf8'))).eql({ a: 1, b: 3, c: 4 });
      fault = code;
      should(() => memory.set('d', 5)).throw({ code });
      should(said).eql([code, code]); // a new run of failures is said again
    });

    it('export ledger: the old file stays, a warning says why, the rows still go, and the next save has every hour', () => {
      const H0 = Date.UTC(2026, 0, 10, 0);
      const dir = path.join(tmp.dir, 'export');
      const store = fileLedgerStore(
        dir,
        syncFs(() => fault),
      );
      const claims = new LedgerRegistry().claimsFor(dir, 'node-1');
      const ex = new HaLedgers({ source: 'econetatmo', statisticIdOverride: 'oven', store, claims, askBaseline: false });
      ex.handle(ovenPayload([half(H0, 100), half(H0 + HALF_HOUR, 100)]));
      const file = ledgerFile(dir, 'econetatmo:oven');
      const before = readFileSync(file, 'utf8');

      fault = code;
      const out = ex.handle(ovenPayload([half(H0 + H, 300), half(H0 + H + HALF_HOUR, 100)]));
      should(out.warnings).eql([{ key: 'ledgerNotSaved', args: { id: 'econetatmo:oven', code } }]);
      should(out.commands.flatMap((c) => c.stats.map((s) => s.sum))).eql([0.6]);
      should(readFileSync(file, 'utf8')).equal(before);
      should(temporaries(dir)).eql([]);

      fault = null;
      const next = ex.handle(ovenPayload([half(H0 + 2 * H, 50), half(H0 + 2 * H + HALF_HOUR, 50)]));
      should(next.warnings).eql([]);
      should(next.commands.flatMap((c) => c.stats.map((s) => s.sum))).eql([0.7]);
      // A new exporter (a restart) reads every hour back, the one of the failed save included.
      const saved = fileLedgerStore(dir).load('econetatmo:oven');
      if (!(saved instanceof HourLedger)) throw new Error('no ledger on disk');
      should([H0, H0 + H, H0 + 2 * H].map((h) => saved.stateAt(h))).eql([200, 400, 100]);
    });
  });
}
