// Closing an account (a redeploy, Node-RED stopping) while a token refresh is in flight: the
// cloud may already have rotated, so the answer is the only copy of the new refresh token. The
// refresh must land on disk before close() resolves; reads in flight are aborted.
import fs from 'node:fs';
import path from 'node:path';
import should from 'should';
import { eventually } from '../../support/poll';
import { NetatmoAccount } from '../../../src/netatmo/account';
import { TokenStore } from '../../../src/netatmo/token-store';
import { json, startScripted, type ScriptedServer } from '../../support/scripted-server';
import { tempDir } from '../../support/temp-dir';

const NEW = { access_token: 'new-access|1', refresh_token: 'new-refresh|1', expires_in: 10800, expire_in: 10800, scope: ['read_magellan'] };

describe('NetatmoAccount.close with a refresh in flight', () => {
  let server: ScriptedServer;
  let tmp: { dir: string; cleanup: () => void };
  let rotated = 0;

  beforeEach(async () => {
    tmp = tempDir('econetatmo-close-');
    rotated = 0;
    server = await startScripted((req) => (_r, res) => {
      if (req.path === '/oauth2/token') {
        rotated += 1; // the cloud has rotated: the old refresh token is dead from here on
        setTimeout(() => json(res, 200, NEW), 300);
        return;
      }
      json(res, 200, { body: { homes: [] }, status: 'ok' });
    });
  });
  afterEach(async () => {
    await server.close();
    tmp.cleanup();
  });

  it('lets the refresh land on disk before it resolves, and aborts the read that waited for it', async () => {
    // An expired access token on disk: the first read must refresh.
    await new TokenStore(tmp.dir).save('acc', { accessToken: 'old-access|1', refreshToken: 'old-refresh|1', issuedAt: 1, expiresAt: 1 });
    const account = new NetatmoAccount({
      apiUrl: server.url,
      clientId: 'id',
      clientSecret: 'secret',
      tokenDir: tmp.dir,
      accountId: 'acc',
    });
    await account.start();
    const read = account.getLines().then(
      () => 'read',
      (err: { kind?: string }) => err.kind,
    );
    await eventually('the refresh on the wire', () => rotated > 0);
    await account.close(); // the refresh is on the wire, its answer 300 ms away
    const stored = JSON.parse(fs.readFileSync(path.join(tmp.dir, 'acc.json'), 'utf8')) as { refreshToken: string };
    should(stored.refreshToken).equal('new-refresh|1');
    should(await read).equal('aborted');
    should(server.requests.filter((r) => r.path === '/api/homesdata')).have.length(0);
    // A new instance (the next deploy) carries on from the disk, without a new refresh.
    const next = new NetatmoAccount({ apiUrl: server.url, clientId: 'id', clientSecret: 'secret', tokenDir: tmp.dir, accountId: 'acc' });
    await next.getLines();
    should(rotated).equal(1);
    should(server.requests.find((r) => r.path === '/api/homesdata')?.headers.authorization).equal('Bearer new-access|1');
    await next.close();
  });
});
