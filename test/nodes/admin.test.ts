// The admin routes of econetatmo-account and the OAuth flow through the editor, inside
// Node-RED (node-red-node-test-helper) against the simulator's consent page and token endpoint.
// Over 300 lines: the account's routes (state, lines, diagnostics, connect, paste) share one
// Node-RED harness and the no-secret check on every answer.
import fs from 'fs';
import path from 'path';
import { createHmac } from 'crypto';
import { diagnosticsKeyFile } from '../../src/account/diagnostics-key';
import { DIAGNOSTIC_REQUESTS } from '../../src/account/diagnostics';
import should from 'should';
import { VirtualClock } from '../support/virtual-clock';
import { nodeRedSettings } from '../support/node-red-settings';
import {
  accountFlow,
  accountNode,
  callbackPath,
  CLIENT_ID,
  CLIENT_SECRET,
  consent,
  eventually,
  getAccount,
  helper,
  readTokenFile,
  REDIRECT_URI,
  useSimulatorAndUserDir,
  tokenFile,
} from './account-harness';

const ID = 'acc1';

interface Answer {
  status: number;
  body: unknown;
  text: string;
  headers: Record<string, string>;
}
async function get(path: string): Promise<Answer> {
  return (await helper.request().get(path)) as Answer;
}
async function post(path: string, body: Record<string, unknown>): Promise<Answer> {
  return (await helper.request().post(path).send(body).set('Content-Type', 'application/json')) as Answer;
}

/** Answers and pages must never carry a secret: search the raw text for each. */
function shouldHoldNoSecret(text: string, secrets: string[]): void {
  for (const secret of secrets) text.includes(secret).should.be.false(`leaked ${secret.slice(0, 6)}…`);
  text.should.not.match(/access_?token|refresh_?token|client_?secret/i);
}

describe('econetatmo-account admin routes', function () {
  const files = useSimulatorAndUserDir();

  const loadDeployed = (creds: Record<string, string> = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }): Promise<void> =>
    helper.load(accountNode, accountFlow(ID, files.sim.url), { [ID]: { ...creds } });

  async function startConnect(id: string, body: Record<string, unknown> = {}): Promise<{ authorizeUrl: string; redirectUri: string }> {
    const res = await post(`/econetatmo/accounts/${id}/connect`, { redirectUri: REDIRECT_URI, ...body });
    res.status.should.equal(200, res.text);
    return res.body as { authorizeUrl: string; redirectUri: string };
  }

  describe('state', function () {
    it('says not connected, then connected, and never carries a token or the secret', async function () {
      await loadDeployed();
      let res = await get(`/econetatmo/accounts/${ID}/state`);
      res.status.should.equal(200);
      (res.body as object).should.deepEqual({ status: 'not_connected', needsDeploy: false });

      const pasted = files.sim.issueTokens();
      res = await post(`/econetatmo/accounts/${ID}/tokens`, { accessToken: pasted.accessToken, refreshToken: pasted.refreshToken });
      res.status.should.equal(200, res.text);
      (res.body as { status: string }).status.should.equal('connected');
      shouldHoldNoSecret(res.text, [pasted.accessToken, pasted.refreshToken, CLIENT_SECRET]);

      res = await get(`/econetatmo/accounts/${ID}/state`);
      const state = res.body as { status: string; validUntil: number; needsDeploy: boolean };
      state.status.should.equal('connected');
      state.validUntil.should.be.above(Date.now());
      state.needsDeploy.should.be.false();
      shouldHoldNoSecret(res.text, [pasted.accessToken, pasted.refreshToken, CLIENT_SECRET]);
      // The pasted refresh token was proven by a refresh; the new pair is stored and used.
      const working = readTokenFile(files.userDir, ID).refreshToken;
      working.should.not.equal(pasted.refreshToken);
      (await getAccount(ID).account.getLines()).length.should.equal(files.sim.lines().length);

      // Garbage pasted over a working pair: refused with the reason, and nothing is replaced.
      res = await post(`/econetatmo/accounts/${ID}/tokens`, { accessToken: 'garbage-access', refreshToken: 'garbage-refresh' });
      res.status.should.equal(409, res.text);
      (res.body as { error: string }).error.should.be.a.String().and.not.be.empty();
      readTokenFile(files.userDir, ID).refreshToken.should.equal(working);
      res = await get(`/econetatmo/accounts/${ID}/state`);
      (res.body as { status: string }).status.should.equal('connected');
      (await getAccount(ID).account.getLines()).length.should.equal(files.sim.lines().length);
    });

    it('says the account must authorise again once the refresh token is dead', async function () {
      const pasted = files.sim.issueTokens();
      await loadDeployed({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, accessToken: pasted.accessToken, refreshToken: pasted.refreshToken });
      await getAccount(ID).account.getLines();
      // Someone else (another program) rotates our refresh token away.
      const form = new URLSearchParams({
        grant_type: 'refresh_token',
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        refresh_token: readTokenFile(files.userDir, ID).refreshToken,
      });
      (await fetch(`${files.sim.url}/oauth2/token`, { method: 'POST', body: form })).status.should.equal(200);
      files.sim.expireAccessTokens();
      await getAccount(ID)
        .account.getLines()
        .then(
          () => should.fail(null, null, 'expected a failure'),
          () => undefined,
        );
      const res = await get(`/econetatmo/accounts/${ID}/state`);
      const state = res.body as { status: string; reason: string };
      state.status.should.equal('reauth');
      state.reason.should.be.a.String().and.not.be.empty();
      shouldHoldNoSecret(res.text, [pasted.accessToken, pasted.refreshToken, CLIENT_SECRET]);
    });

    it('refuses an id that is not a node id', async function () {
      await loadDeployed();
      (await get('/econetatmo/accounts/..%2F..%2Fetc/state')).status.should.equal(400);
    });
  });

  describe('lines', function () {
    it('lists the lines of a connected account, and explains failures', async function () {
      await loadDeployed();
      let res = await get(`/econetatmo/accounts/${ID}/lines`);
      res.status.should.equal(409); // not connected yet
      (res.body as { error: string }).error.should.be.a.String();

      const pasted = files.sim.issueTokens();
      await post(`/econetatmo/accounts/${ID}/tokens`, { accessToken: pasted.accessToken, refreshToken: pasted.refreshToken });
      res = await get(`/econetatmo/accounts/${ID}/lines`);
      res.status.should.equal(200);
      // The picker's list: the ecocounter's lines first, then every other meter of the account.
      const lines = res.body as Array<{ moduleId: string; name: string; deviceId: string; model: string }>;
      const eco = lines.filter((l) => l.model === 'NLE');
      eco.map((l) => l.moduleId).should.deepEqual(files.sim.lines().map((l) => l.moduleId));
      eco.map((l) => l.name).should.deepEqual(files.sim.lines().map((l) => l.name));
      lines.slice(0, eco.length).should.deepEqual(eco);
      lines
        .map((l) => l.moduleId)
        .sort()
        .should.deepEqual([...files.sim.lines(), ...files.sim.modules()].map((l) => l.moduleId).sort());

      res = await get('/econetatmo/accounts/nosuchnode/lines');
      res.status.should.equal(404);
      (res.body as { error: string }).error.should.be.a.String();
    });

    it('lists the lines of an account connected in the editor but not deployed yet, in one request', async function () {
      await helper.load(accountNode, [], {});
      const NEW = 'undeployed1';
      const { authorizeUrl } = await startConnect(NEW, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, apiUrl: files.sim.url });
      (await get(callbackPath(await consent(authorizeUrl, 'approve')))).status.should.equal(200);
      files.sim.resetStats();
      const res = await get(`/econetatmo/accounts/${NEW}/lines`);
      res.status.should.equal(200, res.text);
      const ids = (res.body as Array<{ moduleId: string }>).map((l) => l.moduleId);
      ids.slice(0, files.sim.lines().length).should.deepEqual(files.sim.lines().map((l) => l.moduleId));
      ids.length.should.equal(files.sim.lines().length + files.sim.modules().length);
      should(files.sim.stats().requests['/api/homesdata']).eql({ '200': 1 });
    });
  });

  describe('diagnostics', function () {
    it('downloads an anonymised file: no secret, no real id, no line name, a bounded number of requests', async function () {
      const pasted = files.sim.issueTokens();
      await loadDeployed({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, accessToken: pasted.accessToken, refreshToken: pasted.refreshToken });
      await eventually('connected', () => getAccount(ID).connectionState().status === 'connected');
      files.sim.resetStats();
      const res = await post(`/econetatmo/accounts/${ID}/diagnostics`, {});
      res.status.should.equal(200, res.text);
      res.headers['content-disposition']!.should.match(/^attachment; filename="econetatmo-diagnostics\.json"/);
      // The requests it cost, counted at the simulator: 1 homesdata + 2 per scale for the ecocounter
      // + 2 for the other meter sampled + 1 homestatus, nothing more.
      const requests = files.sim.stats().requests;
      const count = Object.values(requests).reduce((n, byStatus) => n + Object.values(byStatus).reduce((a, b) => a + b, 0), 0);
      count.should.be.belowOrEqual(DIAGNOSTIC_REQUESTS);
      should(requests['/api/getmeasure']?.['200']).equal(DIAGNOSTIC_REQUESTS - 2);
      should(requests['/api/homestatus']?.['200']).equal(1);

      const text = res.text;
      const stored = readTokenFile(files.userDir, ID);
      shouldHoldNoSecret(text, [pasted.accessToken, pasted.refreshToken, stored.accessToken, stored.refreshToken, CLIENT_SECRET, CLIENT_ID]);
      for (const line of files.sim.lines()) {
        text.includes(line.moduleId).should.be.false(`a real line id is in the file: ${line.moduleId}`);
        text.includes(line.deviceId).should.be.false('a real ecocounter id is in the file');
        text.includes(line.homeId).should.be.false('a real home id is in the file');
        text.includes(JSON.stringify(line.name)).should.be.false(`a line name is in the file: ${line.name}`);
        text.includes(JSON.stringify(line.homeName)).should.be.false('a home name is in the file');
      }
      const file = JSON.parse(text) as {
        homes: Array<{ lines: Array<{ moduleId: string; name: string; role: string; model: string }> }>;
        modules: Array<{ modules: Array<{ id: string; type: string }> }>;
        unknownTypes: Record<string, number>;
        meterSample: { model: string; answers: Array<{ request: { types: string[] }; answer?: { rows: number } }> };
        sample: { answers: Array<{ request: { scale: string; realTime: boolean }; answer?: { rows: number } }> };
        statusSample: { modules: Array<{ id: string; type: string; power?: unknown }> };
        tokenState: { status: string };
        rateBudget: { used: number[] };
        versions: { package: string; nodeRed: string; node: string };
      };
      file.homes[0]!.lines.filter((l) => l.model === 'NLE').length.should.equal(files.sim.lines().length);
      // Every module of the account by type, ids hashed; the range's meter sampled in its own family.
      file.modules.flatMap((h) => h.modules.map((m) => m.type)).should.containDeep(['NLE', 'NLG', 'NLPC', 'NLY', 'NLT', 'NLV']);
      file.modules.every((h) => h.modules.every((m) => /^device-[0-9a-f]{12}(#\d)?$/.test(m.id))).should.be.true();
      file.unknownTypes.should.eql({});
      file.meterSample.model.should.equal('NLPC');
      file.meterSample.answers.map((a) => a.request.types[0]).should.eql(['sum_energy_buy_from_grid', 'sum_energy_buy_from_grid']);
      file.meterSample.answers.every((a) => typeof a.answer?.rows === 'number').should.be.true();
      for (const m of files.sim.modules()) text.includes(m.moduleId.split('#')[0]).should.be.false(`a real module id is in the file: ${m.moduleId}`);
      // One homestatus: what each module reports live, ids hashed.
      file.statusSample.modules.filter((m) => typeof m.power === 'number').length.should.be.above(3);
      file.statusSample.modules.every((m) => /^device-[0-9a-f]{12}(#\d)?$/.test(m.id)).should.be.true();
      file.homes[0]!.lines[0]!.moduleId.should.match(/^device-[0-9a-f]{12}#\d$/);
      file.homes[0]!.lines[0]!.name.should.equal('line 1');
      file.sample.answers.map((a) => `${a.request.scale}/${a.request.realTime}`).should.have.length(12);
      file.sample.answers.every((a) => typeof a.answer?.rows === 'number').should.be.true();
      file.tokenState.status.should.equal('connected');
      file.versions.node.should.equal(process.version);
      file.versions.package.should.match(/^\d+\.\d+\.\d+/);
      // Stable: the same account gives the same hashes.
      const again = JSON.parse((await post(`/econetatmo/accounts/${ID}/diagnostics`, {})).text) as typeof file;
      again.homes[0]!.lines[0]!.moduleId.should.equal(file.homes[0]!.lines[0]!.moduleId);
      // Keyed by the account's own random key (owner-only), not by the client secret.
      const keyFile = diagnosticsKeyFile(path.join(files.userDir, 'econetatmo'), ID);
      const key = fs.readFileSync(keyFile, 'utf8').trim();
      key.should.match(/^[0-9a-f]{64}$/);
      (fs.statSync(keyFile).mode & 0o777).should.equal(0o600);
      const device = files.sim.lines()[0]!.deviceId;
      const hashWith = (k: string): string => `device-${createHmac('sha256', k).update(`device:${device}`).digest('hex').slice(0, 12)}`;
      file.homes[0]!.lines[0]!.moduleId.should.startWith(`${hashWith(key)}#`);
      file.homes[0]!.lines[0]!.moduleId.should.not.startWith(`${hashWith(CLIENT_SECRET)}#`);
    });

    it('is a POST: a GET spends nothing', async function () {
      const pasted = files.sim.issueTokens();
      await loadDeployed({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, accessToken: pasted.accessToken, refreshToken: pasted.refreshToken });
      await eventually('connected', () => getAccount(ID).connectionState().status === 'connected');
      files.sim.resetStats();
      const res = await get(`/econetatmo/accounts/${ID}/diagnostics`);
      res.status.should.equal(404);
      should(files.sim.stats().requests['/api/getmeasure']).be.undefined();
    });

    it('says what to do for an account that is neither deployed nor connected', async function () {
      await helper.load(accountNode, [], {});
      const res = await post('/econetatmo/accounts/nothing1/diagnostics', {});
      res.status.should.equal(404);
      (res.body as { error: string }).error.should.be.a.String();
    });
  });

  describe('connect flow', function () {
    it('connects a deployed account end to end', async function () {
      await loadDeployed();
      // The editor shows the stored secret as a placeholder: the deployed one is used.
      const { authorizeUrl, redirectUri } = await startConnect(ID, { clientId: CLIENT_ID, clientSecret: '__PWRD__', apiUrl: files.sim.url });
      redirectUri.should.equal(REDIRECT_URI);
      const url = new URL(authorizeUrl);
      `${url.origin}${url.pathname}`.should.equal(`${files.sim.url}/oauth2/authorize`);
      url.searchParams.get('client_id')!.should.equal(CLIENT_ID);
      url.searchParams.get('redirect_uri')!.should.equal(REDIRECT_URI);
      url.searchParams.get('scope')!.should.equal('read_magellan');
      url.searchParams.get('state')!.should.match(/^[0-9a-f]{64}$/);
      authorizeUrl.should.not.containEql(CLIENT_SECRET);

      const back = await consent(authorizeUrl, 'approve');
      `${back.origin}${back.pathname}`.should.equal(REDIRECT_URI);
      back.searchParams.get('state')!.should.equal(url.searchParams.get('state'));
      should.exist(back.searchParams.get('code'));

      const page = await get(callbackPath(back));
      page.status.should.equal(200);
      page.headers['content-type']!.should.match(/^text\/html/);
      page.text.should.containEql('econetatmo-connected');
      page.text.should.containEql('"targetOrigin":"http://127.0.0.1:1880"');
      page.text.should.containEql('window.opener.postMessage');

      const node = getAccount(ID);
      node.connectionState().status.should.equal('connected');
      const stored = readTokenFile(files.userDir, ID);
      (fs.statSync(tokenFile(files.userDir, ID)).mode & 0o777).should.equal(0o600);
      shouldHoldNoSecret(page.text, [stored.accessToken, stored.refreshToken, CLIENT_SECRET]);
      (await node.account.getLines()).length.should.equal(files.sim.lines().length);

      const state = await get(`/econetatmo/accounts/${ID}/state`);
      (state.body as { status: string; needsDeploy: boolean }).should.containEql({ status: 'connected', needsDeploy: false });
    });

    it('says in the dialog why a connect failed (a wrong client secret), and the page stays open', async function () {
      await helper.load(accountNode, [], {});
      const NEW = 'wrongsecret1';
      const { authorizeUrl } = await startConnect(NEW, { clientId: CLIENT_ID, clientSecret: 'not-the-secret', apiUrl: files.sim.url });
      const page = await get(callbackPath(await consent(authorizeUrl, 'approve')));
      page.status.should.equal(502);
      page.text.should.containEql('"type":"econetatmo-failed"');
      page.text.should.containEql('"closeSelf":false'); // readable: the window does not close itself
      const sent = /"message":"([^"]+)"/.exec(page.text);
      should.exist(sent, 'the editor is not told what failed');
      const state = (await get(`/econetatmo/accounts/${NEW}/state`)).body as { status: string; problem?: string };
      state.status.should.equal('not_connected');
      should(state.problem).be.a.String().and.not.be.empty();
      shouldHoldNoSecret(page.text, ['not-the-secret', CLIENT_SECRET]);
      // A new attempt clears it.
      await startConnect(NEW, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, apiUrl: files.sim.url });
      should(((await get(`/econetatmo/accounts/${NEW}/state`)).body as { problem?: string }).problem).be.undefined();
    });

    it('connects before the first deploy with the settings the editor sends, and a deploy picks the pair up', async function () {
      await helper.load(accountNode, [], {});
      const NEW = 'fresh1';
      const { authorizeUrl } = await startConnect(NEW, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, apiUrl: files.sim.url });
      const back = await consent(authorizeUrl, 'approve');
      const page = await get(callbackPath(back));
      page.status.should.equal(200, page.text);
      page.text.should.containEql('econetatmo-connected');
      fs.existsSync(tokenFile(files.userDir, NEW)).should.be.true();
      (fs.statSync(tokenFile(files.userDir, NEW)).mode & 0o777).should.equal(0o600);

      let state = (await get(`/econetatmo/accounts/${NEW}/state`)).body as { status: string; needsDeploy: boolean };
      state.should.containEql({ status: 'connected', needsDeploy: true });

      // The user deploys: the credentials hold only the client id and secret.
      await helper.setFlows(accountFlow(NEW, files.sim.url), 'full', { [NEW]: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET } });
      await eventually('deployed node', () => helper.getNode(NEW) !== null && helper.getNode(NEW) !== undefined);
      const node = getAccount(NEW);
      await node.account.start();
      node.connectionState().status.should.equal('connected');
      state = (await get(`/econetatmo/accounts/${NEW}/state`)).body as { status: string; needsDeploy: boolean };
      state.should.containEql({ status: 'connected', needsDeploy: false });
      (await node.account.getLines()).length.should.equal(files.sim.lines().length);
    });

    it('handles access_denied: nothing stored, still not connected', async function () {
      await loadDeployed();
      const { authorizeUrl } = await startConnect(ID);
      const back = await consent(authorizeUrl, 'deny');
      back.searchParams.get('error')!.should.equal('access_denied');
      const page = await get(callbackPath(back));
      page.status.should.equal(200);
      page.text.should.containEql('econetatmo-denied');
      fs.existsSync(tokenFile(files.userDir, ID)).should.be.false();
      getAccount(ID).connectionState().status.should.equal('not_connected');
    });

    it('refuses a missing, unknown, expired or replayed state with a 400 page and does nothing else', async function () {
      // Real time until the test moves it (for the expired state below).
      const clock = new VirtualClock({ timers: 'real' });
      nodeRedSettings({ clock });
      await loadDeployed();
      const grants = (): number => files.sim.stats().codeGrants;
      const before = grants();

      let page = await get('/econetatmo/oauth/callback?code=abc');
      page.status.should.equal(400);
      page.headers['content-type']!.should.match(/^text\/html/);

      page = await get(`/econetatmo/oauth/callback?code=abc&state=${'0'.repeat(64)}`);
      page.status.should.equal(400);

      // Expired: ten minutes later the state is gone, even with a good code.
      const late = await startConnect(ID);
      const lateBack = await consent(late.authorizeUrl, 'approve');
      clock.offset = 10 * 60 * 1000 + 1000;
      page = await get(callbackPath(lateBack));
      page.status.should.equal(400);
      clock.offset = 0;

      // Replayed: the first use connects, the second is refused.
      const ok = await startConnect(ID);
      const okBack = await consent(ok.authorizeUrl, 'approve');
      (await get(callbackPath(okBack))).status.should.equal(200);
      grants().should.equal(before + 1);
      page = await get(callbackPath(okBack));
      page.status.should.equal(400);
      grants().should.equal(before + 1);

      // A state is bound to its attempt: a denied one cannot be reused for a code either.
      const denied = await startConnect(ID);
      const deniedBack = await consent(denied.authorizeUrl, 'deny');
      (await get(callbackPath(deniedBack))).status.should.equal(200);
      page = await get(`/econetatmo/oauth/callback?code=abc&state=${deniedBack.searchParams.get('state')}`);
      page.status.should.equal(400);
      grants().should.equal(before + 1);
    });

    it('answers an error other than access_denied with a 400 page that tells the editor', async function () {
      await loadDeployed();
      const { authorizeUrl } = await startConnect(ID);
      const state = new URL(authorizeUrl).searchParams.get('state')!;
      const page = await get(`/econetatmo/oauth/callback?state=${state}&error=${encodeURIComponent('<script>alert(1)</script>')}`);
      page.status.should.equal(400);
      page.text.should.not.containEql('<script>alert(1)');
      page.text.should.containEql('econetatmo-failed');
      getAccount(ID).connectionState().status.should.equal('not_connected');
    });

    it('checks what the editor sends to start a connect', async function () {
      await helper.load(accountNode, [], {});
      let res = await post('/econetatmo/accounts/x1/connect', { clientSecret: 's', redirectUri: REDIRECT_URI });
      res.status.should.equal(400);
      (res.body as { error: string }).error.should.be.a.String();
      res = await post('/econetatmo/accounts/x1/connect', { clientId: 'c', redirectUri: REDIRECT_URI });
      res.status.should.equal(400); // no secret, none deployed
      res = await post('/econetatmo/accounts/x1/connect', { clientId: 'c', clientSecret: 's', redirectUri: 'http://evil.example/steal' });
      res.status.should.equal(400);
      res = await post('/econetatmo/accounts/x1/connect', { clientId: 'c', clientSecret: 's', redirectUri: 'javascript:alert(1)//econetatmo/oauth/callback' });
      res.status.should.equal(400);
      res = await post('/econetatmo/accounts/x1/connect', { clientId: 'c', clientSecret: 's', apiUrl: 'ftp://x', redirectUri: REDIRECT_URI });
      res.status.should.equal(400);
      // The stored secret never goes to another API URL than the deployed one.
      await helper.unload();
      await loadDeployed();
      res = await post(`/econetatmo/accounts/${ID}/connect`, { clientSecret: '__PWRD__', apiUrl: 'http://127.0.0.1:9', redirectUri: REDIRECT_URI });
      res.status.should.equal(400);
      res = await post(`/econetatmo/accounts/${ID}/tokens`, { refreshToken: 'r', apiUrl: 'http://127.0.0.1:9' });
      res.status.should.equal(400);
      res = await post(`/econetatmo/accounts/${ID}/connect`, { clientSecret: '__PWRD__', redirectUri: REDIRECT_URI });
      res.status.should.equal(200);
      // Without a redirect URI, the admin root's own callback is used.
      res = await post('/econetatmo/accounts/x1/connect', { clientId: 'c', clientSecret: 's', apiUrl: files.sim.url });
      res.status.should.equal(200);
      (res.body as { redirectUri: string }).redirectUri.should.match(/^http:\/\/127\.0\.0\.1:\d+\/econetatmo\/oauth\/callback$/);
      // Behind a proxy (or the Home Assistant add-on) the user's address is used as it is.
      const proxied = 'https://ha.example/nodered/econetatmo/oauth/callback';
      res = await post('/econetatmo/accounts/x1/connect', { clientId: 'c', clientSecret: 's', apiUrl: files.sim.url, redirectUri: proxied });
      res.status.should.equal(200);
      (res.body as { redirectUri: string }).redirectUri.should.equal(proxied);
      new URL((res.body as { authorizeUrl: string }).authorizeUrl).searchParams.get('redirect_uri')!.should.equal(proxied);
      res = await post('/econetatmo/accounts/x1/connect', {
        clientId: 'c',
        clientSecret: 's',
        apiUrl: files.sim.url,
        redirectUri: 'https://ha.example/nodered/econetatmo/oauth/callback?x=1',
      });
      res.status.should.equal(400);
    });
  });

  describe('pasted tokens', function () {
    it('stores tokens pasted before the first deploy and reports the state only', async function () {
      await helper.load(accountNode, [], {});
      const pasted = files.sim.issueTokens();
      let res = await post('/econetatmo/accounts/p1/tokens', {
        refreshToken: pasted.refreshToken,
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        apiUrl: files.sim.url,
      });
      res.status.should.equal(200, res.text);
      (res.body as { status: string; needsDeploy: boolean }).should.containEql({ status: 'connected', needsDeploy: true });
      shouldHoldNoSecret(res.text, [pasted.accessToken, pasted.refreshToken, CLIENT_SECRET]);
      readTokenFile(files.userDir, 'p1').refreshToken.should.not.equal(pasted.refreshToken); // proven: refreshed

      res = await post('/econetatmo/accounts/p1/tokens', { accessToken: 'only-access', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
      res.status.should.equal(400);
    });
  });
});
