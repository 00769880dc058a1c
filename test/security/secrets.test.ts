// Secrets appear nowhere. A REAL Node-RED process (adminAuth on, console logging at `trace`) runs
// accounts with pasted tokens, a connect through the consent page, a paste through the editor
// route, a token rotation and a dead refresh token (reauth), with sync and measure nodes feeding a
// debug node that shows the complete message (sidebar and console). Then the client secret and
// every access and refresh token seen (pasted, issued by the simulator, read from the token files
// while the test ran and from the credentials file at the end) are searched for in: the process
// output, everything the editor's websocket carried (debug messages, statuses, notifications),
// the exported flows, the credentials answer, every answer of our admin routes and the callback
// page, and the editor files of our nodes. The token files are 0600 in a 0700 directory.
// Over 300 lines: one scenario in one real Node-RED process, so that every place a secret could
// leak is searched after the same run.
import fs from 'fs';
import path from 'path';
import should from 'should';
import { eventually } from '../support/poll';
import { startSimulator, type Simulator } from '../../src/simulator';
import { REPO_ROOT, startNodeRed, type FlowNode, type NodeRedProcess } from '../support/node-red-process';
import { parseTokenFile } from '../../src/netatmo/token-store';
import { consent } from '../nodes/account-harness';

const CLIENT_ID = 'leak-test-client';
const CLIENT_SECRET = 'Cl1ent-S3cret-must-never-show-7f3a9c';
const DEAD_REFRESH = 'dead-refresh-token-5b8e1d7c2a994f60';
const MEASURE_LINE_INDEX = 3;

/** The part of `ws` (a dependency of Node-RED) this test uses. */
interface Socket {
  on(event: 'open' | 'close', fn: () => void): void;
  on(event: 'message', fn: (data: unknown) => void): void;
  on(event: 'error', fn: (err: Error) => void): void;
  send(text: string): void;
  close(): void;
}
type SocketClass = new (url: string) => Socket;

function loadWs(): SocketClass {
  const nodeRedDir = path.join(REPO_ROOT, 'node_modules', 'node-red');
  return require(require.resolve('ws', { paths: [nodeRedDir, REPO_ROOT] })) as SocketClass;
}

interface Frame {
  topic: string;
  data: unknown;
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Real Node-RED in another process: poll in real time. */
function until(what: string, check: () => boolean): Promise<true> {
  return eventually(what, check, { timeoutMs: 15000, everyMs: 20 });
}

describe('secrets appear nowhere (real Node-RED, trace logging)', function () {
  this.timeout(90000);
  let sim: Simulator;
  let nr: NodeRedProcess;
  let socket: Socket | undefined;
  const frames: string[] = [];
  const parsed: Frame[] = [];
  /** Every text that leaves Node-RED towards a person or a file other than the stores. */
  const haystacks = new Map<string, string>();
  /** Every secret: the client secret and every token seen anywhere. */
  const secrets = new Set<string>([CLIENT_SECRET, DEAD_REFRESH]);
  let collector: NodeJS.Timeout | undefined;
  let line: { moduleId: string; deviceId: string };

  const tokenDir = (): string => path.join(nr.userDir, 'econetatmo');

  function addToken(token: unknown): void {
    if (typeof token !== 'string' || token === '') return;
    secrets.add(token);
    // Access tokens are `<user id>|<secret>`: the secret half alone must not show either.
    const secretHalf = token.split('|')[1];
    if (secretHalf !== undefined && secretHalf.length >= 16) secrets.add(secretHalf);
  }

  /** Reads every token file of the store: each rotation is on disk at once, so polling sees them all. */
  function collectFromStore(): void {
    let names: string[];
    try {
      names = fs.readdirSync(tokenDir());
    } catch {
      return;
    }
    for (const name of names) {
      if (!name.endsWith('.json') || name.startsWith('entered-')) continue;
      try {
        // Sealed with Node-RED's credentialSecret: opened with it.
        const content = parseTokenFile(fs.readFileSync(path.join(tokenDir(), name), 'utf8'), name.replace(/\.json$/, ''), { current: nr.credentialSecret });
        if (content.kind !== 'record') continue;
        addToken(content.record.pair.accessToken);
        addToken(content.record.pair.refreshToken);
      } catch {
        // a file being replaced right now: the next poll reads it
      }
    }
  }

  function debugMessages(): Frame[] {
    return parsed.filter((f) => f.topic === 'debug');
  }

  function statusOf(id: string): Array<{ fill?: string; text?: string }> {
    return parsed.filter((f) => f.topic === `status/${id}`).map((f) => f.data as { fill?: string; text?: string });
  }

  async function inject(id: string): Promise<void> {
    const res = await nr.admin('POST', `/inject/${id}`);
    res.status.should.equal(200, res.text);
  }

  async function record(
    name: string,
    method: string,
    urlPath: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; text: string; body: unknown }> {
    const res = await nr.admin(method, urlPath, body, headers);
    haystacks.set(`${method} ${urlPath} (${name})`, res.text);
    return res;
  }

  before(async function () {
    sim = await startSimulator({ port: 0, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
    const pasted = sim.issueTokens();
    addToken(pasted.accessToken);
    addToken(pasted.refreshToken);
    const first = sim.lines()[MEASURE_LINE_INDEX];
    line = { moduleId: first.moduleId, deviceId: first.deviceId };
    const z = 'tab1';
    const flows: FlowNode[] = [
      { id: z, type: 'tab', label: 'Secrets' },
      { id: 'acc1', type: 'econetatmo-account', name: 'pasted', apiUrl: sim.url },
      { id: 'acc2', type: 'econetatmo-account', name: 'connected', apiUrl: sim.url },
      { id: 'acc3', type: 'econetatmo-account', name: 'dead', apiUrl: sim.url },
      { id: 'i1', type: 'inject', z, props: [{ p: 'payload' }], payload: '', payloadType: 'date', repeat: '', once: false, wires: [['s1']] },
      { id: 's1', type: 'econetatmo-sync', z, account: 'acc1', mode: 'all', wires: [['d1']] },
      { id: 'i2', type: 'inject', z, props: [{ p: 'payload' }], payload: '', payloadType: 'date', repeat: '', once: false, wires: [['m1']] },
      {
        id: 'm1',
        type: 'econetatmo-measure',
        z,
        account: 'acc1',
        moduleId: line.moduleId,
        interval: 0,
        emit: 'all',
        scale: '1hour',
        types: 'sum_energy_elec,sum_energy_elec$0',
        wires: [['d1']],
      },
      { id: 'i3', type: 'inject', z, props: [{ p: 'payload' }], payload: '', payloadType: 'date', repeat: '', once: false, wires: [['s3']] },
      { id: 's3', type: 'econetatmo-sync', z, account: 'acc3', mode: 'each', wires: [['d1']] },
      { id: 'i4', type: 'inject', z, props: [{ p: 'payload' }], payload: '', payloadType: 'date', repeat: '', once: false, wires: [['s2', 'm2']] },
      { id: 's2', type: 'econetatmo-sync', z, account: 'acc2', mode: 'each', wires: [['d1']] },
      {
        id: 'm2',
        type: 'econetatmo-measure',
        z,
        account: 'acc2',
        moduleId: line.moduleId,
        interval: 0,
        emit: 'changes',
        scale: '1day',
        types: 'sum_energy_elec',
        wires: [['d1']],
      },
      { id: 'c1', type: 'catch', z, scope: null, uncaught: false, wires: [['d1']] },
      {
        id: 'd1',
        type: 'debug',
        z,
        active: true,
        tosidebar: true,
        console: true,
        tostatus: true,
        complete: 'true',
        targetType: 'full',
        statusVal: '',
        statusType: 'auto',
      },
    ];
    nr = await startNodeRed({
      adminAuth: { username: 'admin', password: 'admin-password-for-tests' },
      logLevel: 'trace',
      flows,
      credentials: {
        acc1: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, accessToken: pasted.accessToken, refreshToken: pasted.refreshToken },
        acc2: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
        acc3: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, refreshToken: DEAD_REFRESH },
      },
    });
    collector = setInterval(collectFromStore, 15);

    const WebSocket = loadWs();
    const ws = new WebSocket(`${nr.url.replace(/^http/, 'ws')}/comms`);
    socket = ws;
    let authorised = false;
    ws.on('message', (data: unknown) => {
      const text = String(data);
      frames.push(text);
      try {
        const value = JSON.parse(text) as unknown;
        if (typeof value === 'object' && value !== null && (value as { auth?: unknown }).auth === 'ok') authorised = true;
        for (const f of Array.isArray(value) ? value : [value]) {
          if (typeof f === 'object' && f !== null && typeof (f as Frame).topic === 'string') parsed.push(f as Frame);
        }
      } catch {
        // keep the raw text anyway
      }
    });
    ws.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      ws.on('open', resolve);
      ws.on('error', reject);
    });
    ws.send(JSON.stringify({ auth: nr.adminToken() }));
    await until('the comms websocket to accept the admin token', () => authorised);
    ws.send(JSON.stringify({ subscribe: 'debug' }));
    ws.send(JSON.stringify({ subscribe: 'status/#' }));
    ws.send(JSON.stringify({ subscribe: 'notification/#' }));
    await delay(100);
  });

  after(async function () {
    if (collector) clearInterval(collector);
    socket?.close();
    if (nr !== undefined) await nr.stop();
    if (sim !== undefined) await sim.close();
  });

  it('runs the flows: sync and measure with pasted tokens, a rotation, a reauth, a connect and a paste', async function () {
    // Pasted tokens: the lines, then the measures.
    await inject('i1');
    await until('the lines in the debug sidebar', () => debugMessages().length >= 1);
    await inject('i2');
    await until('the measures in the debug sidebar', () => debugMessages().length >= 2);

    // Rotation: the access token dies early, the next read refreshes and gets a new pair.
    const refreshes = sim.stats().refreshGrants;
    sim.expireAccessTokens();
    const statuses = statusOf('m1').length;
    await inject('i2');
    await until('a refresh', () => sim.stats().refreshGrants > refreshes);
    // `emit: all` sends only when something changed: the green status says the read is over.
    await until('the read after the refresh', () =>
      statusOf('m1')
        .slice(statuses)
        .some((s) => s.fill === 'green'),
    );

    // A dead refresh token: the sync node fails with reauth; the Catch node sends the error to debug.
    const beforeDead = debugMessages().length;
    await inject('i3');
    await until('the reauth error in the debug sidebar', () => debugMessages().length > beforeDead);
    await until('the reauth status', () => statusOf('s3').some((s) => s.fill === 'red'));

    // Connect through the editor route, the consent page and the open callback.
    await record('state before connect', 'GET', '/econetatmo/accounts/acc2/state');
    const redirectUri = `${nr.url}/econetatmo/oauth/callback`;
    const start = await record('connect', 'POST', '/econetatmo/accounts/acc2/connect', {
      clientId: CLIENT_ID,
      clientSecret: '__PWRD__',
      apiUrl: sim.url,
      redirectUri,
    });
    start.status.should.equal(200, start.text);
    const back = await consent((start.body as { authorizeUrl: string }).authorizeUrl, 'approve');
    const page = await fetch(`${nr.url}${back.pathname}${back.search}`);
    const pageText = await page.text();
    haystacks.set('callback page', pageText);
    page.status.should.equal(200, pageText);
    await until('the connected pair in the store', () => fs.existsSync(path.join(tokenDir(), 'acc2.json')));
    collectFromStore();
    const beforeConnected = debugMessages().length;
    await inject('i4');
    await until('the lines and measures of the connected account', () => debugMessages().length >= beforeConnected + 10);

    // Paste a fresh pair through the editor route.
    const fresh = sim.issueTokens();
    addToken(fresh.accessToken);
    addToken(fresh.refreshToken);
    const paste = await record('paste', 'POST', '/econetatmo/accounts/acc2/tokens', { accessToken: fresh.accessToken, refreshToken: fresh.refreshToken });
    paste.status.should.equal(200, paste.text);
    const beforePasted = debugMessages().length;
    const measureStatuses = statusOf('m2').length;
    await inject('i4');
    // What the pasted pair reads must be in the haystacks before the next test searches them.
    await until('the lines read with the pasted pair', () => debugMessages().length >= beforePasted + 9);
    await until('the read with the pasted pair', () =>
      statusOf('m2')
        .slice(measureStatuses)
        .some((s) => s.fill === 'green' || s.fill === 'red'),
    );
  });

  it('keeps every secret out of logs, websocket, flows, credentials, admin answers and editor files', async function () {
    // The rest of what our routes and Node-RED answer.
    for (const id of ['acc1', 'acc2', 'acc3']) {
      await record('state', 'GET', `/econetatmo/accounts/${id}/state`);
      const creds = await record('credentials', 'GET', `/credentials/econetatmo-account/${id}`);
      creds.status.should.equal(200);
      const body = creds.body as Record<string, unknown>;
      // Password credentials come back as has_* flags only.
      for (const key of ['clientSecret', 'accessToken', 'refreshToken']) should(body[key]).be.undefined();
      body.has_clientSecret!.should.be.true();
    }
    (await record('lines', 'GET', '/econetatmo/accounts/acc1/lines')).status.should.equal(200);
    (await record('diagnostics', 'POST', '/econetatmo/accounts/acc1/diagnostics', {})).status.should.equal(200);
    (await record('lines of the dead account', 'GET', '/econetatmo/accounts/acc3/lines')).status.should.equal(409);
    const flows = await record('flows', 'GET', '/flows', undefined, { 'Node-RED-API-Version': 'v2' });
    flows.status.should.equal(200);
    (await record('flows v1', 'GET', '/flows')).text.should.containEql('econetatmo-account');
    (await record('editor html', 'GET', '/nodes', undefined, { Accept: 'text/html' })).text.should.containEql("registerType('econetatmo-measure'");
    await record('node list', 'GET', '/nodes', undefined, { Accept: 'application/json' });
    for (const type of ['econetatmo-account', 'econetatmo-sync', 'econetatmo-measure']) {
      await record('catalogue', 'GET', `/locales/node-red-contrib-econetatmo/${type}?lng=en-US`);
    }
    await record('settings', 'GET', '/settings');
    collectFromStore();
    const stored = nr.readCredentials();
    for (const creds of Object.values(stored)) {
      addToken(creds.accessToken);
      addToken(creds.refreshToken);
    }

    haystacks.set('process output (trace)', nr.logs());
    haystacks.set('websocket frames', frames.join('\n'));
    haystacks.set(
      'status texts',
      parsed
        .filter((f) => f.topic.startsWith('status/'))
        .map((f) => JSON.stringify(f.data))
        .join('\n'),
    );

    // Nothing vacuous: the haystacks hold what they should.
    nr.logs().should.match(/\[trace\]/);
    nr.logs().should.match(/\[debug:d1\]/);
    should(debugMessages().length).be.above(12);
    frames.join('\n').should.match(/authorise again|refused the refresh token/);
    statusOf('m1').length.should.be.above(0);
    // Pasted pair, the connected pair, at least one rotation, the fresh paste, the dead one.
    [...secrets].filter((s) => !s.includes('|') && s !== CLIENT_SECRET).length.should.be.aboveOrEqual(4);

    const leaks: string[] = [];
    for (const [where, text] of haystacks) {
      for (const secret of secrets) {
        for (const form of new Set([secret, encodeURIComponent(secret)])) {
          if (text.includes(form)) leaks.push(`${where} holds ${secret.slice(0, 8)}… (${secret.length} chars)`);
        }
      }
    }
    if (process.env.ECONETATMO_DUMP_HAYSTACKS) {
      fs.writeFileSync(process.env.ECONETATMO_DUMP_HAYSTACKS, JSON.stringify({ secrets: [...secrets], haystacks: Object.fromEntries(haystacks) }, null, 1));
    }
    should(leaks).deepEqual([], leaks.join('\n'));
    process.stdout.write(
      `      (${secrets.size} secrets searched in ${haystacks.size} places; ${frames.length} websocket frames, ${Math.round(nr.logs().length / 1024)} KB of trace log)\n`,
    );
  });

  it('writes the token files 0600 in a 0700 directory', function () {
    (fs.statSync(tokenDir()).mode & 0o777).should.equal(0o700);
    const files = fs.readdirSync(tokenDir()).filter((n) => n.endsWith('.json'));
    files.should.containEql('acc1.json');
    files.should.containEql('acc2.json');
    for (const name of files) (fs.statSync(path.join(tokenDir(), name)).mode & 0o777).should.equal(0o600, name);
    // Sealed (Node-RED has a credentialSecret here): no token of any kind in clear on disk.
    for (const name of ['acc1.json', 'acc2.json']) {
      const text = fs.readFileSync(path.join(tokenDir(), name), 'utf8');
      should((JSON.parse(text) as { sealed?: unknown }).sealed).be.an.Object();
      for (const secret of secrets) text.includes(secret).should.be.false(`${name} holds a secret in clear`);
    }
  });
});
