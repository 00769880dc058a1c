// The account node inside a REAL Node-RED process with adminAuth on: the package loads from the
// user dir, its admin routes need the admin token (the OAuth callback alone stays open), the
// editor files and both locales are served, and the whole connect flow works end to end.
import fs from 'fs';
import path from 'path';
import should from 'should';
import { startSimulator, type Simulator } from '../../src/simulator';
import { startNodeRed, type NodeRedProcess } from '../support/node-red-process';
import { consent } from './account-harness';
import { parseTokenFile } from '../../src/netatmo/token-store';

const ID = 'acc1';
const CLIENT_ID = 'real-process-client';
const CLIENT_SECRET = 'real-process-secret-do-not-leak';

describe('econetatmo-account in a real Node-RED with adminAuth', function () {
  this.timeout(60000);
  let sim: Simulator;
  let nr: NodeRedProcess;

  before(async function () {
    sim = await startSimulator({ port: 0, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
    nr = await startNodeRed({
      adminAuth: { username: 'admin', password: 'admin-password-for-tests' },
      flows: [
        { id: 'tab1', type: 'tab', label: 'Flow 1' },
        { id: ID, type: 'econetatmo-account', name: 'Home', apiUrl: sim.url },
      ],
      credentials: { [ID]: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET } },
    });
  });
  after(async function () {
    if (nr !== undefined) await nr.stop();
    if (sim !== undefined) await sim.close();
  });

  const anonymous = (method: string, urlPath: string, body?: unknown): Promise<Response> =>
    fetch(nr.url + urlPath, {
      method,
      body: body === undefined ? undefined : JSON.stringify(body),
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      redirect: 'manual',
    });

  it('loads the node type, its editor and both locales', async function () {
    const sets = await nr.admin('GET', '/nodes', undefined, { Accept: 'application/json' });
    sets.status.should.equal(200);
    const set = (sets.body as Array<{ types: string[]; enabled: boolean; err?: string }>).find((s) => s.types.includes('econetatmo-account'));
    should.exist(set);
    set!.enabled.should.be.true();
    should.not.exist(set!.err);
    const html = await nr.admin('GET', '/nodes', undefined, { Accept: 'text/html' });
    html.text.should.containEql("RED.nodes.registerType('econetatmo-account'");
    html.text.should.containEql('data-help-name="econetatmo-account"');
    const fr = await nr.admin('GET', '/locales/node-red-contrib-econetatmo/econetatmo-account?lng=fr');
    fr.text.should.containEql('Se connecter à Netatmo');
    const en = await nr.admin('GET', '/locales/node-red-contrib-econetatmo/econetatmo-account?lng=en-US');
    en.text.should.containEql('Connect to Netatmo');
    (await nr.admin('GET', '/icons/node-red-contrib-econetatmo/econetatmo.svg')).status.should.equal(200);
  });

  it('refuses the admin routes without the admin token', async function () {
    (await anonymous('GET', `/econetatmo/accounts/${ID}/state`)).status.should.equal(401);
    (await anonymous('GET', `/econetatmo/accounts/${ID}/lines`)).status.should.equal(401);
    (await anonymous('POST', `/econetatmo/accounts/${ID}/connect`, { clientId: 'x', clientSecret: 'y' })).status.should.equal(401);
    (await anonymous('POST', `/econetatmo/accounts/${ID}/tokens`, { refreshToken: 'r' })).status.should.equal(401);
  });

  it('keeps the OAuth callback open, trusting only the state', async function () {
    const res = await anonymous('GET', `/econetatmo/oauth/callback?code=abc&state=${'a'.repeat(64)}`);
    res.status.should.equal(400);
    (res.headers.get('content-type') ?? '').should.match(/^text\/html/);
    (await res.text()).should.containEql('Connection failed');
  });

  it('connects through the editor routes and the consent page, end to end', async function () {
    let state = await nr.admin('GET', `/econetatmo/accounts/${ID}/state`);
    state.status.should.equal(200);
    (state.body as { status: string }).status.should.equal('not_connected');

    const redirectUri = `${nr.url}/econetatmo/oauth/callback`;
    const start = await nr.admin('POST', `/econetatmo/accounts/${ID}/connect`, { clientId: CLIENT_ID, clientSecret: '__PWRD__', apiUrl: sim.url, redirectUri });
    start.status.should.equal(200, start.text);
    const { authorizeUrl } = start.body as { authorizeUrl: string };
    const back = await consent(authorizeUrl, 'approve');
    back.toString().startsWith(`${redirectUri}?`).should.be.true();

    // The popup has no admin token.
    const page = await anonymous('GET', `${back.pathname}${back.search}`);
    page.status.should.equal(200);
    const text = await page.text();
    text.should.containEql('Connected to Netatmo');
    text.should.containEql(`"targetOrigin":"${nr.url}"`);
    text.should.not.containEql(CLIENT_SECRET);

    state = await nr.admin('GET', `/econetatmo/accounts/${ID}/state`);
    (state.body as { status: string; needsDeploy: boolean }).should.containEql({ status: 'connected', needsDeploy: false });
    const file = path.join(nr.userDir, 'econetatmo', `${ID}.json`);
    // Sealed with Node-RED's credentialSecret: opened with it.
    const content = parseTokenFile(fs.readFileSync(file, 'utf8'), ID, { current: nr.credentialSecret });
    if (content.kind !== 'record') throw new Error(`the token file holds no pair (${content.kind})`);
    const stored = content.record.pair;
    fs.readFileSync(file, 'utf8').should.not.containEql(stored.refreshToken);
    (fs.statSync(file).mode & 0o777).should.equal(0o600);
    for (const secret of [stored.accessToken, stored.refreshToken, CLIENT_SECRET]) {
      state.text.should.not.containEql(secret);
      text.should.not.containEql(secret);
    }

    const lines = await nr.admin('GET', `/econetatmo/accounts/${ID}/lines`);
    lines.status.should.equal(200, lines.text);
    // Every meter of the account for the picker, the ecocounter's lines first.
    const ids = (lines.body as Array<{ moduleId: string }>).map((l) => l.moduleId);
    ids.slice(0, sim.lines().length).should.deepEqual(sim.lines().map((l) => l.moduleId));
    ids.length.should.equal(sim.lines().length + sim.modules().length);
    nr.logs().should.not.containEql(stored.refreshToken);
    nr.logs().should.not.containEql(CLIENT_SECRET);
  });

  it('escapes an error text sent back to the callback', async function () {
    const start = await nr.admin('POST', `/econetatmo/accounts/${ID}/connect`, { redirectUri: `${nr.url}/econetatmo/oauth/callback` });
    const state = new URL((start.body as { authorizeUrl: string }).authorizeUrl).searchParams.get('state')!;
    const res = await anonymous('GET', `/econetatmo/oauth/callback?state=${state}&error=${encodeURIComponent('<script>alert(1)</script>')}`);
    res.status.should.equal(400);
    const text = await res.text();
    text.should.not.containEql('<script>alert(1)');
    text.should.containEql('&#60;script&#62;alert(1)&#60;/script&#62;');
  });
});
