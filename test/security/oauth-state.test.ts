// The OAuth callback is open (the popup carries no admin token), so its one-time `state` is all
// it trusts. A missing, malformed, unknown, expired or replayed state gets a 400 page and no
// code exchange at all (the simulator's codeGrants stays put), stores nothing and echoes nothing.
import fs from 'fs';
import should from 'should';
import type { Simulator } from '../../src/simulator';
import { VirtualClock } from '../support/virtual-clock';
import { nodeRedSettings, removeTempUserDirs, useTempUserDir } from '../support/node-red-settings';
import { STATE_LIFETIME_MS } from '../../src/account/oauth-states';
import {
  accountFlow,
  accountNode,
  callbackPath,
  CLIENT_ID,
  CLIENT_SECRET,
  consent,
  getAccount,
  helper,
  REDIRECT_URI,
  startSim,
  tokenFile,
} from '../nodes/account-harness';

const ID = 'stateacc1';
const CALLBACK = '/econetatmo/oauth/callback';

interface Answer {
  status: number;
  text: string;
  headers: Record<string, string>;
}

describe('OAuth callback state (security)', function () {
  this.timeout(30000);
  let sim: Simulator;
  let userDir: string;
  let clock: VirtualClock;

  before(async function () {
    sim = await startSim();
  });
  after(async function () {
    await sim.close();
  });
  beforeEach(async function () {
    userDir = useTempUserDir();
    clock = new VirtualClock({ timers: 'real' });
    nodeRedSettings({ clock });
    await helper.load(accountNode, accountFlow(ID, sim.url), { [ID]: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET } });
  });
  afterEach(async function () {
    await helper.unload();
    removeTempUserDirs();
  });

  async function get(path: string): Promise<Answer> {
    return (await helper.request().get(path)) as Answer;
  }

  /** The editor's Connect: the answer carries the consent page's address. */
  async function connect(): Promise<Answer & { body: { authorizeUrl: string } }> {
    return (await helper
      .request()
      .post(`/econetatmo/accounts/${ID}/connect`)
      .send({ redirectUri: REDIRECT_URI })
      .set('Content-Type', 'application/json')) as Answer & {
      body: { authorizeUrl: string };
    };
  }

  async function startConnect(): Promise<URL> {
    const res = await connect();
    res.status.should.equal(200, res.text);
    return consent(res.body.authorizeUrl, 'approve');
  }

  /** A refusal: 400, an HTML page that says why, no exchange, nothing stored, not connected. */
  async function expectRefused(path: string, why: RegExp, label: string): Promise<Answer> {
    const stats = sim.stats();
    const page = await get(path);
    page.status.should.equal(400, `${label}: ${page.status}`);
    page.headers['content-type']!.should.match(/^text\/html/);
    page.headers['cache-control']!.should.equal('no-store');
    page.text.should.match(why, label);
    const after = sim.stats();
    after.codeGrants.should.equal(stats.codeGrants, `${label}: a code was exchanged`);
    after.tokensIssued.should.equal(stats.tokensIssued, label);
    fs.existsSync(tokenFile(userDir, ID)).should.be.false(label);
    getAccount(ID).connectionState().status.should.equal('not_connected');
    return page;
  }

  it('refuses a missing, empty, repeated or malformed state', async function () {
    await expectRefused(`${CALLBACK}?code=abc`, /missingState|no state/, 'no state');
    await expectRefused(`${CALLBACK}?code=abc&state=`, /missingState|no state/, 'empty state');
    await expectRefused(`${CALLBACK}?code=abc&state=a&state=b`, /missingState|no state/, 'state twice');
    await expectRefused(`${CALLBACK}?code=abc&state[x]=1`, /missingState|no state/, 'state as an object');
    await expectRefused(`${CALLBACK}?error=access_denied`, /missingState|no state/, 'a denial without state');
  });

  it('refuses a wrong state, whatever it looks like, and never echoes it', async function () {
    const good = await startConnect();
    const real = good.searchParams.get('state')!;
    const wrong = [
      '0'.repeat(64),
      real.slice(0, -1) + (real.endsWith('0') ? '1' : '0'),
      real.toUpperCase() === real ? real.toLowerCase() : real.toUpperCase(),
      real.slice(0, 32),
      `${real}0`,
      ` ${real}`,
      '__proto__',
      'constructor',
      'hasOwnProperty',
      '<script>alert(1)</script>',
      'x'.repeat(8_000), // longer ones meet Node's own header limit (431) first
    ];
    for (const state of wrong) {
      const page = await expectRefused(
        `${CALLBACK}?code=${good.searchParams.get('code')}&state=${encodeURIComponent(state)}`,
        /state_unknown|Unknown state/,
        `state ${state.slice(0, 20)}`,
      );
      if (state.length > 8) page.text.should.not.containEql(state);
      page.text.should.not.containEql('<script>alert');
    }
    // The good state was not spent by the wrong ones.
    (await get(callbackPath(good))).status.should.equal(200);
  });

  it('refuses an expired state (the node clock moved past its lifetime) without an exchange', async function () {
    const back = await startConnect();
    clock.offset = STATE_LIFETIME_MS + 1;
    await expectRefused(callbackPath(back), /state_expired|expired/, 'expired');
    // Spent: asking again says it is gone, not that it is expired.
    await expectRefused(callbackPath(back), /state_unknown|state_used|Unknown|already used/, 'expired, again');

    // Right at the end of its lifetime it is expired too; a second before, it still works.
    clock.offset = 0;
    const edge = await startConnect();
    clock.offset = STATE_LIFETIME_MS;
    await expectRefused(callbackPath(edge), /state_expired|expired/, 'at the lifetime');
    clock.offset = 0;
    const inTime = await startConnect();
    clock.offset = STATE_LIFETIME_MS - 1000;
    const grants = sim.stats().codeGrants;
    (await get(callbackPath(inTime))).status.should.equal(200);
    sim.stats().codeGrants.should.equal(grants + 1);
  });

  it('refuses a replayed state, even two replays at once, with one exchange in all', async function () {
    const back = await startConnect();
    const grants = sim.stats().codeGrants;
    // Two callbacks racing with the same state: exactly one goes through.
    const [a, b] = await Promise.all([get(callbackPath(back)), get(callbackPath(back))]);
    [a.status, b.status].sort().should.deepEqual([200, 400]);
    sim.stats().codeGrants.should.equal(grants + 1);
    for (let i = 0; i < 3; i++) {
      const page = await get(callbackPath(back));
      page.status.should.equal(400);
      page.text.should.match(/state_used|already used/);
    }
    sim.stats().codeGrants.should.equal(grants + 1);
    // A state used for a denial cannot carry a code afterwards.
    const res = await connect();
    const denied = await consent(res.body.authorizeUrl, 'deny');
    (await get(callbackPath(denied))).status.should.equal(200);
    const replay = await get(`${CALLBACK}?code=abc&state=${denied.searchParams.get('state')}`);
    replay.status.should.equal(400);
    sim.stats().codeGrants.should.equal(grants + 1);
    should(getAccount(ID).connectionState().status).equal('connected');
  });
});
