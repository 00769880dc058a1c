// The account's admin routes in a REAL Node-RED process with adminAuth and two users: an admin
// (`*`) and a read-only user (`read`). Without a token every route is refused; the read-only user
// may read the state and the lines but neither start a connect, paste tokens nor download the
// diagnostics (they spend requests and may rotate the tokens), and a refused call changes nothing; the OAuth callback stays reachable without any token.
import fs from 'fs';
import path from 'path';
import should from 'should';
import { startSimulator, type Simulator } from '../../src/simulator';
import { startNodeRed, type NodeRedProcess } from '../support/node-red-process';
import { consent } from '../nodes/account-harness';

const ID = 'secacc1';
const CLIENT_ID = 'perm-client';
const CLIENT_SECRET = 'perm-secret-never-shown';
const READER = { username: 'reader', password: 'reader-password-for-tests', permissions: 'read' };

interface Answer {
  status: number;
  text: string;
  type: string;
}

describe('admin routes permissions in a real Node-RED (adminAuth: admin + read-only user)', function () {
  this.timeout(60000);
  let sim: Simulator;
  let nr: NodeRedProcess;
  let readerToken: string;

  async function call(method: string, urlPath: string, token?: string, body?: unknown): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (token !== undefined) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(nr.url + urlPath, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), redirect: 'manual' });
    return { status: res.status, text: await res.text(), type: res.headers.get('content-type') ?? '' };
  }

  const routes = (): Array<[string, string, unknown]> => [
    ['GET', `/econetatmo/accounts/${ID}/state`, undefined],
    ['GET', `/econetatmo/accounts/${ID}/lines`, undefined],
    [
      'POST',
      `/econetatmo/accounts/${ID}/connect`,
      { clientId: CLIENT_ID, clientSecret: 'typed-secret', apiUrl: sim.url, redirectUri: `${nr.url}/econetatmo/oauth/callback` },
    ],
    ['POST', `/econetatmo/accounts/${ID}/tokens`, { refreshToken: 'reader-pasted-refresh', accessToken: 'reader-pasted-access' }],
    ['POST', `/econetatmo/accounts/${ID}/diagnostics`, {}],
  ];

  before(async function () {
    sim = await startSimulator({ port: 0, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
    const tokens = sim.issueTokens();
    nr = await startNodeRed({
      adminAuth: { username: 'admin', password: 'admin-password-for-tests', otherUsers: [READER] },
      flows: [
        { id: 'tab1', type: 'tab', label: 'Flow 1' },
        { id: ID, type: 'econetatmo-account', name: 'Home', apiUrl: sim.url },
      ],
      credentials: { [ID]: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken } },
    });
    const login = await call('POST', '/auth/token', undefined, {
      client_id: 'node-red-admin',
      grant_type: 'password',
      scope: 'read',
      username: READER.username,
      password: READER.password,
    });
    login.status.should.equal(200, login.text);
    readerToken = (JSON.parse(login.text) as { access_token: string }).access_token;
  });
  after(async function () {
    if (nr !== undefined) await nr.stop();
    if (sim !== undefined) await sim.close();
  });

  it('refuses every admin route without a token, or with a forged one (401)', async function () {
    for (const [method, urlPath, body] of routes()) {
      (await call(method, urlPath, undefined, body)).status.should.equal(401, `${method} ${urlPath} without a token`);
      (await call(method, urlPath, 'forged-token-0123456789', body)).status.should.equal(401, `${method} ${urlPath} with a forged token`);
    }
  });

  it('lets the read-only user read the state and the lines', async function () {
    const state = await call('GET', `/econetatmo/accounts/${ID}/state`, readerToken);
    state.status.should.equal(200, state.text);
    (JSON.parse(state.text) as { status: string }).status.should.equal('connected');
    const lines = await call('GET', `/econetatmo/accounts/${ID}/lines`, readerToken);
    lines.status.should.equal(200, lines.text);
    // Every meter of the account, the ecocounter's lines first.
    const ids = (JSON.parse(lines.text) as Array<{ moduleId: string }>).map((l) => l.moduleId);
    ids.slice(0, sim.lines().length).should.deepEqual(sim.lines().map((l) => l.moduleId));
    ids.length.should.equal(sim.lines().length + sim.modules().length);
  });

  it('refuses connect, tokens and diagnostics to the read-only user, and the refused calls change nothing', async function () {
    const tokenFile = path.join(nr.userDir, 'econetatmo', `${ID}.json`);
    const fileBefore = fs.existsSync(tokenFile) ? fs.readFileSync(tokenFile, 'utf8') : null;
    const statsBefore = JSON.stringify(sim.stats());
    const refusedWith: number[] = [];
    for (const [method, urlPath, body] of routes().slice(2)) {
      const res = await call(method, urlPath, readerToken, body);
      // Node-RED's own permission check answers 401 to a user who lacks the permission (it does
      // the same for its own routes, see below); 403 would be as good. Never a success.
      should(res.status === 401 || res.status === 403).be.true(`${method} ${urlPath}: ${res.status}`);
      refusedWith.push(res.status);
      res.text.should.not.containEql('authorizeUrl');
    }
    // Node-RED's own write route refuses the same user the same way.
    const deploy = await call('POST', '/flows', readerToken, []);
    should(deploy.status === 401 || deploy.status === 403).be.true(`POST /flows: ${deploy.status}`);
    // Same answer as Node-RED's own route: no special case of ours.
    refusedWith.should.matchEach(deploy.status);
    (fs.existsSync(tokenFile) ? fs.readFileSync(tokenFile, 'utf8') : null)!.should.equal(fileBefore);
    JSON.stringify(sim.stats()).should.equal(statsBefore);
    const state = await call('GET', `/econetatmo/accounts/${ID}/state`, readerToken);
    (JSON.parse(state.text) as { status: string; needsDeploy: boolean }).should.containEql({ status: 'connected', needsDeploy: false });
  });

  it('lets the admin do everything', async function () {
    const res = await call('POST', `/econetatmo/accounts/${ID}/connect`, nr.adminToken(), { redirectUri: `${nr.url}/econetatmo/oauth/callback` });
    res.status.should.equal(200, res.text);
    (JSON.parse(res.text) as { authorizeUrl: string }).authorizeUrl.should.startWith(`${sim.url}/oauth2/authorize?`);
    const diagnostics = await call('POST', `/econetatmo/accounts/${ID}/diagnostics`, nr.adminToken(), {});
    diagnostics.status.should.equal(200, diagnostics.text);
    diagnostics.text.includes(CLIENT_SECRET).should.be.false();
  });

  it('keeps the OAuth callback reachable without a token: refusals are 400 pages, a good state connects', async function () {
    const bad = await call('GET', `/econetatmo/oauth/callback?code=abc&state=${'f'.repeat(64)}`);
    bad.status.should.equal(400);
    bad.type.should.match(/^text\/html/);
    const missing = await call('GET', '/econetatmo/oauth/callback');
    missing.status.should.equal(400);

    const grants = sim.stats().codeGrants;
    const start = await call('POST', `/econetatmo/accounts/${ID}/connect`, nr.adminToken(), { redirectUri: `${nr.url}/econetatmo/oauth/callback` });
    const back = await consent((JSON.parse(start.text) as { authorizeUrl: string }).authorizeUrl, 'approve');
    const page = await call('GET', `${back.pathname}${back.search}`);
    page.status.should.equal(200, page.text);
    page.text.should.containEql('Connected to Netatmo');
    sim.stats().codeGrants.should.equal(grants + 1);
  });
});
