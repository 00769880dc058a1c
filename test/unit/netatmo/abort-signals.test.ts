// Signals combined per request (the account's, a node's, the request timeout) must leave nothing
// behind on the long-lived ones: Node 20's AbortSignal.any keeps a WeakRef per derived signal on
// every source, forever, and a month of reads grew the heap by megabytes that way (40 reads stay
// under the rate budget's 10-second window).
import { getEventListeners } from 'node:events';
import should from 'should';
import { withAnySignal } from '../../../src/netatmo/abort';
import { NetatmoAccount } from '../../../src/netatmo/account';
import { TokenStore } from '../../../src/netatmo/token-store';
import { json, startScripted, type ScriptedServer } from '../../support/scripted-server';
import { tempDir } from '../../support/temp-dir';

/** What a source signal still holds for its derived signals: abort listeners + Node's dependants. */
function heldBy(signal: AbortSignal): number {
  const key = Object.getOwnPropertySymbols(signal).find((s) => s.description === 'kDependantSignals');
  const dependants = key === undefined ? undefined : (signal as unknown as Record<symbol, { size?: number } | undefined>)[key];
  return getEventListeners(signal, 'abort').length + (dependants?.size ?? 0);
}

describe('withAnySignal', () => {
  it('leaves nothing on a long-lived source after many runs', async () => {
    const source = new AbortController().signal;
    for (let i = 0; i < 5000; i++) {
      await withAnySignal([source, new AbortController().signal], (s) => Promise.resolve(s?.aborted));
    }
    should(heldBy(source)).equal(0);
  });

  it('unhooks after a failure too', async () => {
    const source = new AbortController().signal;
    await should(withAnySignal([source, AbortSignal.timeout(60_000)], () => Promise.reject(new Error('boom')))).be.rejectedWith('boom');
    should(heldBy(source)).equal(0);
  });

  it('aborts when any source aborts, with its reason', async () => {
    const a = new AbortController();
    const b = new AbortController();
    const seen = await withAnySignal([a.signal, b.signal], async (s) => {
      b.abort('closing');
      await Promise.resolve();
      return { aborted: s?.aborted, reason: s?.reason as unknown };
    });
    should(seen).eql({ aborted: true, reason: 'closing' });
    should(a.signal.aborted).be.false();
  });

  it('starts aborted when a source already is', async () => {
    const done = new AbortController();
    done.abort('gone');
    const reason = await withAnySignal([new AbortController().signal, done.signal], (s) => Promise.resolve(s?.aborted ? (s.reason as unknown) : null));
    should(reason).equal('gone');
  });

  it('hands a lone signal (or none) through as it is', async () => {
    const only = new AbortController().signal;
    should(await withAnySignal([undefined, only], (s) => Promise.resolve(s))).equal(only);
    should(await withAnySignal([undefined], (s) => Promise.resolve(s))).be.undefined();
  });
});

describe('NetatmoAccount reads and a caller signal that lives as long as the node', () => {
  let server: ScriptedServer;
  let tmp: { dir: string; cleanup: () => void };

  beforeEach(async () => {
    tmp = tempDir('econetatmo-signals-');
    server = await startScripted(() => (_r, res) => json(res, 200, { body: { homes: [] }, status: 'ok' }));
  });
  afterEach(async () => {
    await server.close();
    tmp.cleanup();
  });

  it('keep nothing on that signal, read after read', async () => {
    await new TokenStore(tmp.dir).save('acc', { accessToken: 'a|1', refreshToken: 'r|1', issuedAt: Date.now(), expiresAt: Date.now() + 3_600_000 });
    const account = new NetatmoAccount({ apiUrl: server.url, clientId: 'id', clientSecret: 'secret', tokenDir: tmp.dir, accountId: 'acc' });
    const node = new AbortController();
    try {
      for (let i = 0; i < 40; i++) await account.getLines({ signal: node.signal });
      should(heldBy(node.signal)).equal(0);
      should(server.requests.filter((r) => r.path === '/api/homesdata')).have.length(40);
    } finally {
      await account.close();
    }
  });
});
