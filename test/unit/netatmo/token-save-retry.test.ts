// A rotated pair that the disk refused (full, read-only) is written again on its own, on the
// account's clock, until it lands: a restart before the next refresh (3 h later) would otherwise
// start from the rotated-away token on disk and cost the user a re-authorisation.
import { promises as fsp, readFileSync } from 'node:fs';
import path from 'node:path';
import should from 'should';
import { SAVE_RETRY_FIRST_MS, SAVE_RETRY_MAX_MS, TokenManager, type Refresher } from '../../../src/netatmo/token-manager';
import { TokenStore, tokenHash, type StoreFs } from '../../../src/netatmo/token-store';
import type { TokenPair } from '../../../src/netatmo/types';
import { VirtualClock } from '../../support/virtual-clock';
import { tempDir } from '../../support/temp-dir';
import { fsError, storeFsWith } from '../../support/store-fs';

const H = 3_600_000;
const S = 1000;

/** A disk that refuses new files while `full` holds; `gate` (when set) holds a write until it resolves. */
class FaultyDisk {
  full = false;
  gate: Promise<void> | null = null;
  /** Clock times of the attempts to write a token file. */
  readonly attempts: number[] = [];
  constructor(private readonly clock: VirtualClock) {}
  fs(): StoreFs {
    return storeFsWith((async (file: string, flags: string, mode?: number) => {
      if (flags !== 'wx') return fsp.open(file, flags, mode);
      this.attempts.push(this.clock.now());
      if (this.gate !== null) await this.gate;
      if (this.full) throw fsError('ENOSPC');
      return fsp.open(file, flags, mode);
    }) as StoreFs['open']);
  }
}

describe('a rotated token pair the disk refused', () => {
  let tmp: ReturnType<typeof tempDir>;
  let clock: VirtualClock;
  let disk: FaultyDisk;
  let store: TokenStore;
  let manager: TokenManager;
  let issued: number;
  let file: string;
  const stateLog: string[] = [];

  beforeEach(async () => {
    tmp = tempDir('econetatmo-retry-');
    clock = new VirtualClock({ start: Date.UTC(2026, 0, 10, 12) });
    disk = new FaultyDisk(clock);
    const dir = path.join(tmp.dir, 'tokens');
    store = new TokenStore(dir, disk.fs());
    file = path.join(dir, 'acc.json');
    issued = 0;
    const refresher: Refresher = {
      refresh: () => {
        issued += 1;
        const now = clock.now();
        return Promise.resolve({ accessToken: `access-${issued}`, refreshToken: `refresh-${issued}`, issuedAt: now, expiresAt: now + 3 * H });
      },
    };
    manager = new TokenManager({ accountId: 'acc', store, refresher, clock });
    stateLog.length = 0;
    manager.on('state', () => {
      const s = manager.state();
      stateLog.push(s.status === 'connected' && s.unsaved !== undefined ? `unsaved${s.unsaved.detail}` : s.status);
    });
    const old: TokenPair = { accessToken: 'access-0', refreshToken: 'refresh-0', issuedAt: clock.now() - 3 * H, expiresAt: clock.now() - 1 };
    await store.save('acc', old);
    manager.adoptLoaded(old);
    disk.attempts.length = 0;
    stateLog.length = 0;
  });
  afterEach(async () => {
    await manager.close();
    clock.dispose();
    tmp.cleanup();
  });

  const onDisk = (): { refreshToken: string; retired: string[] } => JSON.parse(readFileSync(file, 'utf8')) as { refreshToken: string; retired: string[] };

  /** A refresh whose write the full disk refuses (the caller is told: memory_only). */
  async function refreshOnFullDisk(): Promise<void> {
    disk.full = true;
    await manager.accessToken().then(
      () => should.fail(false, true, 'the read should say the disk failed'),
      (err: { reason?: string }) => should(err.reason).equal('memory_only'),
    );
  }

  it('is written on its own once the disk is back, without waiting for the next refresh, and the state clears', async () => {
    await refreshOnFullDisk();
    should(onDisk().refreshToken).equal('refresh-0');
    should(manager.state()).eql({ status: 'connected', validUntil: clock.now() + 3 * H, unsaved: { detail: ' (ENOSPC)' } });

    disk.full = false;
    await clock.runFor(SAVE_RETRY_FIRST_MS);
    // A restart now starts from the pair in use, and the rotated-away token can never win.
    should(onDisk().refreshToken).equal('refresh-1');
    should(onDisk().retired).containEql(tokenHash('refresh-0'));
    should(manager.state()).eql({ status: 'connected', validUntil: clock.now() - SAVE_RETRY_FIRST_MS + 3 * H });
    should(stateLog).eql(['unsaved (ENOSPC)', 'connected']);
    should(issued).equal(1);
    should(clock.pending()).equal(0); // no retry left once saved
  });

  it('backs off from 30 s to 5 min while the disk stays full, and stops at close after a last try', async () => {
    await refreshOnFullDisk();
    const failedAt = clock.now();
    disk.attempts.length = 0;
    await clock.runFor(20 * 60_000);
    const gaps = disk.attempts.map((t, i) => (t - (i === 0 ? failedAt : disk.attempts[i - 1])) / S);
    should(gaps).eql([30, 60, 120, 240, 300, 300]);
    should(SAVE_RETRY_MAX_MS).equal(300 * S);
    should(manager.state()).have.property('unsaved');

    disk.full = false;
    await manager.close();
    should(onDisk().refreshToken).equal('refresh-1'); // the last try at close landed
    should(clock.pending()).equal(0);
  });

  it('writes the newest pair, never an older one, and retires every token rotated away meanwhile', async () => {
    await refreshOnFullDisk();
    // Three hours of a full disk: the next refresh cannot write either.
    await clock.runFor(3 * H);
    await refreshOnFullDisk();
    should(issued).equal(2);
    disk.full = false;
    await clock.runFor(SAVE_RETRY_MAX_MS);
    should(onDisk().refreshToken).equal('refresh-2');
    should(onDisk().retired).containDeep([tokenHash('refresh-0'), tokenHash('refresh-1')]);
    should(manager.state()).not.have.property('unsaved');
  });

  it('a retry that lands after a newer pair came keeps retrying until the newer one is on disk', async () => {
    await refreshOnFullDisk();
    disk.full = false;
    let release = (): void => undefined;
    disk.gate = new Promise((resolve) => (release = resolve));
    await clock.advance(SAVE_RETRY_FIRST_MS); // the retry's write of refresh-1 starts and is held
    should(disk.attempts).length(1);
    // Meanwhile a newer pair (proven from pasted tokens, say) that the disk refused too.
    const newer: TokenPair = { accessToken: 'access-9', refreshToken: 'refresh-9', issuedAt: clock.now(), expiresAt: clock.now() + 3 * H };
    manager.adoptUnsaved(newer, 'pasted', Object.assign(new Error('no'), { params: { detail: ' (EACCES)' } }));
    disk.gate = null;
    release();
    await clock.runFor(0);
    should(onDisk().refreshToken).equal('refresh-1'); // the older write landed...
    should(manager.state()).have.property('unsaved'); // ...and does not count for the newer pair
    await clock.runFor(SAVE_RETRY_MAX_MS);
    should(onDisk().refreshToken).equal('refresh-9');
    should(onDisk().retired).containDeep([tokenHash('refresh-0'), tokenHash('refresh-1'), tokenHash('pasted')]);
    should(manager.state()).not.have.property('unsaved');
  });
});
