// A slow token answer must not cost the refresh token: Netatmo rotates as soon as it has the
// request, so a client that gives up and retries with the old token gets invalid_grant and the
// user must authorise again. Token requests wait longer than API requests (4×).
import should from 'should';
import { NetatmoAccount, TOKEN_TIMEOUT_FACTOR } from '../../../src/netatmo/account';
import { json, startScripted, type ScriptedServer } from '../../support/scripted-server';
import { tempDir } from '../../support/temp-dir';

const NEW = { access_token: 'new-access|1', refresh_token: 'new-refresh|1', expires_in: 10800, scope: ['read_magellan'] };
const API_TIMEOUT_MS = 150;

describe('token requests wait longer than API requests', () => {
  let server: ScriptedServer;
  let tmp: { dir: string; cleanup: () => void };
  let tokenDelayMs = 0;
  const used = new Set<string>();

  beforeEach(async () => {
    tmp = tempDir('econetatmo-token-timeout-');
    used.clear();
    server = await startScripted((req) => (_r, res) => {
      if (req.path === '/oauth2/token') {
        const refresh = new URLSearchParams(req.body).get('refresh_token') ?? '';
        // Rotation: the first use kills the token, whether or not the answer reaches the client.
        if (used.has(refresh)) return json(res, 400, { error: 'invalid_grant' });
        used.add(refresh);
        setTimeout(() => json(res, 200, NEW), tokenDelayMs);
        return;
      }
      json(res, 200, { body: { homes: [] }, status: 'ok' });
    });
  });
  afterEach(async () => {
    await server.close();
    tmp.cleanup();
  });

  function account(): NetatmoAccount {
    return new NetatmoAccount({
      apiUrl: server.url,
      clientId: 'id',
      clientSecret: 'secret',
      tokenDir: tmp.dir,
      accountId: 'acc',
      timeoutMs: API_TIMEOUT_MS,
      backoffBaseMs: 5,
      initialTokens: { accessToken: 'old-access|1', refreshToken: 'old-refresh|1', expiresAt: 1 },
    });
  }

  it('keeps the rotated pair when the token answer is slower than an API request may be', async () => {
    tokenDelayMs = 2 * API_TIMEOUT_MS; // within the token timeout (4×), beyond the API's
    const a = account();
    await a.start();
    should(await a.getLines()).eql([]);
    should(server.requests.filter((r) => r.path === '/oauth2/token')).have.length(1);
    should(server.requests.find((r) => r.path === '/api/homesdata')?.headers.authorization).equal('Bearer new-access|1');
    await a.close();
  });

  it('still gives up on a token answer slower than its own timeout', async () => {
    tokenDelayMs = (TOKEN_TIMEOUT_FACTOR + 2) * API_TIMEOUT_MS;
    const a = account();
    await a.start();
    await should(a.getLines()).be.rejected();
    await a.close();
  });
});
