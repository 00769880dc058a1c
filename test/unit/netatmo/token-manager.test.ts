import should from 'should';
import { eventually } from '../../support/poll';
import path from 'node:path';
import { TokenManager, type Refresher } from '../../../src/netatmo/token-manager';
import { TokenStore } from '../../../src/netatmo/token-store';
import { NetatmoError, isNetatmoError } from '../../../src/netatmo/errors';
import type { TokenPair } from '../../../src/netatmo/types';
import { VirtualClock, flush } from '../../support/virtual-clock';
import { tempDir } from '../../support/temp-dir';

const H = 3_600_000;

class FakeRefresher implements Refresher {
  calls: string[] = [];
  pending: Array<{ resolve: (p: TokenPair) => void; reject: (e: unknown) => void }> = [];
  constructor(private readonly clock: VirtualClock) {}
  refresh(refreshToken: string): Promise<TokenPair> {
    this.calls.push(refreshToken);
    return new Promise((resolve, reject) => this.pending.push({ resolve, reject }));
  }
  /** Wait until `n` refreshes are pending (a refresh first reads the store from disk). */
  async waitPending(n = 1): Promise<void> {
    await eventually(`${n} refreshes pending`, () => this.pending.length >= n, { everyMs: 1 });
    await flush();
  }
  answer(n: number): TokenPair {
    const now = this.clock.now();
    const pair = { accessToken: `access-${n}`, refreshToken: `refresh-${n}`, issuedAt: now, expiresAt: now + 3 * H };
    this.pending.shift()?.resolve(pair);
    return pair;
  }
}

describe('TokenManager', () => {
  let tmp: ReturnType<typeof tempDir>;
  let clock: VirtualClock;
  let refresher: FakeRefresher;
  let store: TokenStore;
  let manager: TokenManager;
  beforeEach(() => {
    tmp = tempDir();
    clock = new VirtualClock({ start: Date.UTC(2025, 0, 15, 12, 0, 0) });
    refresher = new FakeRefresher(clock);
    store = new TokenStore(path.join(tmp.dir, 'tokens'));
    manager = new TokenManager({ accountId: 'acc1', store, refresher, clock });
  });
  afterEach(() => tmp.cleanup());

  function seed(expiresIn: number): void {
    manager.adoptLoaded({ accessToken: 'access-0', refreshToken: 'refresh-0', issuedAt: clock.now() - H, expiresAt: clock.now() + expiresIn });
  }

  it('is not connected without tokens, connected with a pair', () => {
    should(manager.state()).eql({ status: 'not_connected' });
    seed(2 * H);
    should(manager.state()).eql({ status: 'connected', validUntil: clock.now() + 2 * H });
  });

  it('uses a valid token without refreshing, and refreshes within 5 min of expiry', async () => {
    seed(2 * H);
    should(await manager.accessToken()).equal('access-0');
    await clock.advance(2 * H - 5 * 60_000 + 1);
    const token = manager.accessToken();
    await refresher.waitPending();
    should(refresher.calls).eql(['refresh-0']);
    refresher.answer(1);
    should(await token).equal('access-1');
  });

  it('makes one refresh for any number of concurrent callers, and stores the pair before they get it', async () => {
    seed(-1);
    const events: string[] = [];
    manager.on('tokens', (pair: TokenPair) => events.push(pair.refreshToken));
    const callers = Array.from({ length: 50 }, () => manager.accessToken());
    await refresher.waitPending();
    should(refresher.calls).length(1);
    refresher.answer(1);
    const tokens = await Promise.all(callers);
    should(new Set(tokens)).eql(new Set(['access-1']));
    should(events).eql(['refresh-1']);
    should((await store.load('acc1'))?.refreshToken).equal('refresh-1');
  });

  it('after a rejected token refreshes once, or just hands out the newer token', async () => {
    seed(2 * H);
    const first = manager.refreshAfterRejection('access-0');
    const second = manager.refreshAfterRejection('access-0');
    await refresher.waitPending();
    should(refresher.calls).length(1);
    refresher.answer(1);
    should(await first).equal('access-1');
    should(await second).equal('access-1');
    // a call that started with the old token and fails late: no second refresh
    should(await manager.refreshAfterRejection('access-0')).equal('access-1');
    should(refresher.calls).length(1);
  });

  it('goes to reauth on invalid_grant, and stays there without asking again', async () => {
    seed(-1);
    const states: string[] = [];
    manager.on('state', (s: { status: string }) => states.push(s.status));
    const call = manager.accessToken();
    await refresher.waitPending();
    refresher.pending.shift()?.reject(new NetatmoError('reauth', 'Netatmo refused the refresh token: authorise again'));
    await should(call).be.rejectedWith({ kind: 'reauth' });
    should(manager.state()).eql({ status: 'reauth', reason: 'Netatmo refused the refresh token: authorise again' });
    await should(manager.accessToken()).be.rejectedWith({ kind: 'reauth' });
    should(refresher.calls).length(1);
    should(states).eql(['reauth']);
    await manager.replace({ accessToken: 'a', refreshToken: 'r', issuedAt: clock.now(), expiresAt: clock.now() + H });
    should(manager.state().status).equal('connected');
  });

  it('keeps a transient refresh failure transient and tries again on the next call', async () => {
    seed(-1);
    const call = manager.accessToken();
    await refresher.waitPending();
    refresher.pending.shift()?.reject(new NetatmoError('transient', 'Could not reach Netatmo'));
    await should(call).be.rejectedWith({ kind: 'transient' });
    should(manager.state().status).equal('connected');
    const again = manager.accessToken();
    await refresher.waitPending();
    refresher.answer(2);
    should(await again).equal('access-2');
  });

  it('lets a caller stop waiting for a shared refresh without stopping it', async () => {
    seed(-1);
    const controller = new AbortController();
    const impatient = manager.accessToken(controller.signal);
    const patient = manager.accessToken();
    await refresher.waitPending();
    controller.abort();
    await should(impatient).be.rejectedWith({ kind: 'aborted' });
    refresher.answer(1);
    should(await patient).equal('access-1');
  });

  it('takes a newer pair from disk (another instance rotated) instead of refreshing a dead token', async () => {
    seed(-1);
    const other = { accessToken: 'access-other', refreshToken: 'refresh-other', issuedAt: clock.now(), expiresAt: clock.now() + 3 * H };
    await store.save('acc1', other);
    should(await manager.accessToken()).equal('access-other');
    should(refresher.calls).eql([]);
    // expired on disk as well: refresh with the disk's refresh token, not our dead one
    await store.save('acc1', { ...other, refreshToken: 'refresh-other-2', issuedAt: clock.now() + 1, expiresAt: clock.now() - 1 });
    await clock.advance(4 * H);
    const call = manager.accessToken();
    await refresher.waitPending();
    should(refresher.calls).eql(['refresh-other-2']);
    refresher.answer(3);
    should(await call).equal('access-3');
  });

  it('says not connected when there is no pair', async () => {
    await should(manager.accessToken()).be.rejectedWith({ kind: 'reauth', message: /Not connected/ });
    should(isNetatmoError(new NetatmoError('reauth', 'x'), 'reauth')).be.true();
  });
});
