// Hostile answers of the API, inside Node-RED: the account points at a scripted server on
// 127.0.0.1 that answers /oauth2/token and /api/* with whatever a case chooses (missing fields,
// wrong types, nulls, HTML, truncated or empty bodies, JSON null, 200k rows, 50 MB, deep nesting,
// prototype keys). The sync and measure nodes must each report one clear error (done(err)), turn
// red, emit nothing, let nothing escape as an unhandled rejection or uncaught exception, and
// work again as soon as the answers are good.
// Over 300 lines: most of it is the tables of hostile answers (common, homesdata, getmeasure),
// played through one scripted server and flow.
import fs from 'fs';
import path from 'path';
import type http from 'http';
import should from 'should';
import helper from 'node-red-node-test-helper';
import { nodeRedSettings, removeTempUserDirs, useTempUserDir } from '../support/node-red-settings';
import { json, startScripted, type Recorded, type ScriptedServer } from '../support/scripted-server';
import { assertNotPolluted, ProcessWatch, prototypeSnapshot, roundTrip } from './support';
import { VirtualClock } from '../support/virtual-clock';
import { accountNode, measureNode, measureNodeOf, syncNode } from '../nodes/measure-support';

const DEVICE = '70:ee:50:aa:bb:cc';
const LINE = `${DEVICE}#2`;
const MB = 1024 * 1024;

interface Answer {
  status?: number;
  type?: string;
  body: string | Buffer;
  /** Send the body in chunks without a Content-Length (a stream that never says its size). */
  chunked?: boolean;
}
type Script = (req: Recorded) => Answer;

let issued = 0;

/** A new pair each time, as Netatmo rotates. */
function goodToken(): Answer {
  issued += 1;
  return {
    body: JSON.stringify({
      access_token: `fresh-access|${issued}`,
      refresh_token: `fresh-refresh-${issued}`,
      expires_in: 10800,
      expire_in: 10800,
      scope: ['read_magellan'],
    }),
  };
}

/** Hostile answers of the token endpoint to a refresh. */
function tokenCases(): Array<[string, Answer]> {
  const pair = (extra: Record<string, unknown>): Answer => ({
    body: JSON.stringify({ access_token: 'junk-access|1', refresh_token: 'junk-refresh-1', expires_in: 10800, ...extra }),
  });
  return [
    ['no refresh token', pair({ refresh_token: undefined })],
    ['refresh token null', pair({ refresh_token: null })],
    ['refresh token a number', pair({ refresh_token: 12345 })],
    ['access token an object', pair({ access_token: { t: 'x' } })],
    ['access token empty', pair({ access_token: '' })],
    ['no lifetime', pair({ expires_in: undefined })],
    ['lifetime a string', pair({ expires_in: '10800' })],
    ['lifetime negative', pair({ expires_in: -1 })],
    ['lifetime zero', pair({ expires_in: 0 })],
    ['error field with a 200', { body: '{"error":"invalid_request"}' }],
    ['HTML with a 200', { type: 'text/html', body: '<html>leaky-page-text</html>' }],
    ['truncated JSON', { body: '{"access_token":"junk-access|1","refresh_tok' }],
    ['JSON null', { body: 'null' }],
    ['a 50 MB body', { body: Buffer.from(`{"access_token":"${'a'.repeat(50 * MB)}"}`) }],
  ];
}

function goodHomes(): Answer {
  return {
    body: JSON.stringify({
      body: {
        homes: [
          {
            id: 'home-1',
            name: 'Home',
            rooms: [{ id: 'r1', name: 'Cabinet', type: 'electrical_cabinet' }],
            modules: [
              { id: DEVICE, type: 'NLE', name: 'Ecocounter', room_id: 'r1', modules_bridged: [LINE] },
              { id: LINE, type: 'NLE', name: 'Clim', room_id: 'r1', bridge: DEVICE },
            ],
          },
        ],
      },
      status: 'ok',
    }),
  };
}

/** Two 30-minute buckets from the asked start, stamped at their middles. */
function goodMeasure(req: Recorded): Answer {
  const begin = Number(req.query.get('date_begin'));
  return { body: JSON.stringify({ body: [{ beg_time: begin + 900, step_time: 1800, value: [[120], [80]] }], status: 'ok' }) };
}

const nested = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);

let common: Array<[string, Answer]> | undefined;

/** Answers every endpoint can get (built once: two of them weigh 50 MB). */
function commonCases(): Array<[string, Answer]> {
  return (common ??= [
    ['HTML page with HTTP 200', { type: 'text/html', body: '<html><body><h1>Bad gateway</h1>leaky-page-text</body></html>' }],
    ['HTML page with HTTP 502', { status: 502, type: 'text/html', body: '<html><body>leaky-page-text</body></html>' }],
    ['HTML page labelled as JSON', { body: '<!DOCTYPE html><html>leaky-page-text</html>' }],
    ['truncated JSON', { body: '{"body":{"homes":[{"id":"leaky-page-text","modules":[{"id":' }],
    ['empty body with HTTP 200', { body: '' }],
    ['empty body with HTTP 204', { status: 204, body: '' }],
    ['JSON null', { body: 'null' }],
    ['JSON array', { body: '[]' }],
    ['JSON string', { body: '"ok"' }],
    ['JSON number too large for a double', { body: '1e999' }],
    ['empty object', { body: '{}' }],
    ['status only', { body: '{"status":"ok","time_server":1700000000}' }],
    ['body null', { body: '{"body":null,"status":null}' }],
    ['body a string', { body: '{"body":"leaky-page-text","status":"ok"}' }],
    ['body a number', { body: '{"body":42,"status":"ok"}' }],
    ['body true', { body: '{"body":true}' }],
    ['error field null at HTTP 500', { status: 500, body: '{"error":null}' }],
    ['error object without code at HTTP 400', { status: 400, body: '{"error":{"message":"leaky-page-text"}}' }],
    ['error code as a string', { body: '{"error":{"code":"26","message":"x"}}' }],
    ['error text with markup', { status: 400, body: '{"error":"<script>leaky-page-text</script>"}' }],
    ['binary garbage', { body: Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0x22, 0x00, 0xd8, 0x00]) }],
    ['deeply nested arrays (100k levels)', { body: `{"body":${nested(100_000)},"status":"ok"}` }],
    ['deeply nested arrays at the top (1M levels)', { body: nested(1_000_000) }],
    ['a 50 MB body with its length', { body: Buffer.from(`{"body":{"pad":"${'a'.repeat(50 * MB)}"}}`) }],
    ['a 50 MB body streamed without a length', { chunked: true, body: Buffer.from(`{"body":[${'[0],'.repeat(12 * MB)}[0]]}`) }],
  ]);
}

function homesCases(): Array<[string, Answer]> {
  const many = Array.from({ length: 200_000 }, (_v, i) => i);
  const manyModules = Array.from({ length: 200_000 }, (_v, i) => ({ id: `${DEVICE}#${i % 9}`, type: 'NLE', bridge: DEVICE, name: i === 199_999 ? 42 : 'x' }));
  const body = (b: unknown): Answer => ({ body: JSON.stringify({ body: b, status: 'ok' }) });
  return [
    ['homes missing', body({ user: {} })],
    ['homes null', body({ homes: null })],
    ['homes an object', body({ homes: { id: 'h' } })],
    ['a home null', body({ homes: [null] })],
    ['nulls everywhere', body({ homes: [{ id: null, name: null, rooms: null, modules: null }] })],
    ['home id a number', body({ homes: [{ id: 42, modules: [] }] })],
    ['home name an object', body({ homes: [{ id: 'h', name: { first: 'x' } }] })],
    ['rooms a string', body({ homes: [{ id: 'h', rooms: 'cabinet' }] })],
    ['room without id', body({ homes: [{ id: 'h', rooms: [{ name: 'x' }] }] })],
    ['modules a number', body({ homes: [{ id: 'h', modules: 9 }] })],
    ['module null', body({ homes: [{ id: 'h', modules: [null] }] })],
    ['module type a number', body({ homes: [{ id: 'h', modules: [{ id: LINE, type: 7 }] }] })],
    ['line name an array', body({ homes: [{ id: 'h', modules: [{ id: LINE, type: 'NLE', bridge: DEVICE, name: ['x'] }] }] })],
    ['line room id a number', body({ homes: [{ id: 'h', modules: [{ id: LINE, type: 'NLE', bridge: DEVICE, room_id: 3 }] }] })],
    ['200k rows of numbers as modules', body({ homes: [{ id: 'h', modules: many }] })],
    ['200k lines, the last one broken', body({ homes: [{ id: 'h', modules: manyModules }] })],
    ['deeply nested homes', { body: `{"body":{"homes":${nested(100_000)}},"status":"ok"}` }],
    ['a __proto__ key instead of the home', { body: '{"body":{"homes":[{"__proto__":{"id":"h","polluted":"yes"},"modules":[]}]},"status":"ok"}' }],
    ['a __proto__ key instead of homes', { body: '{"body":{"__proto__":{"homes":[],"polluted":"yes"}},"status":"ok"}' }],
    [
      'constructor.prototype in a module',
      { body: `{"body":{"homes":[{"id":"h","modules":[{"constructor":{"prototype":{"polluted":"yes"}},"id":"${LINE}"}]}]}}` },
    ],
  ];
}

function measureCases(): Array<[string, Answer]> {
  const body = (b: unknown): Answer => ({ body: JSON.stringify({ body: b, status: 'ok' }) });
  const t = Math.floor(Date.now() / 1000) - 6 * 3600;
  const rows = Array.from({ length: 200_000 }, () => [1]);
  const keyed: Record<string, number[]> = {};
  for (let i = 0; i < 200_000; i++) keyed[String(t + i * 1800)] = [1];
  return [
    ['nulls everywhere', body([{ beg_time: null, step_time: null, value: null }])],
    ['a series null', body([null])],
    ['a series a string', body(['leaky-page-text'])],
    ['beg_time missing', body([{ step_time: 1800, value: [[1]] }])],
    ['beg_time a string', body([{ beg_time: String(t), step_time: 1800, value: [[1]] }])],
    ['step_time missing on several rows', body([{ beg_time: t, value: [[1], [2]] }])],
    ['step_time negative', body([{ beg_time: t, step_time: -1800, value: [[1], [2]] }])],
    ['value an object', body([{ beg_time: t, step_time: 1800, value: { 0: [1] } }])],
    ['a row null', body([{ beg_time: t, step_time: 1800, value: [null] }])],
    ['a row too long', body([{ beg_time: t, step_time: 1800, value: [[1, 2, 3]] }])],
    ['a row empty', body([{ beg_time: t, step_time: 1800, value: [[]] }])],
    ['a value a string', body([{ beg_time: t, step_time: 1800, value: [['120']] }])],
    ['a value an object', body([{ beg_time: t, step_time: 1800, value: [[{ v: 1 }]] }])],
    ['a value beyond a double', { body: `{"body":[{"beg_time":${t},"step_time":1800,"value":[[1e999]]}],"status":"ok"}` }],
    ['a keyed time not a number', body({ yesterday: [1] })],
    ['a keyed row a number', body({ [String(t)]: 1 })],
    ['200k rows in one series', body([{ beg_time: t, step_time: 1800, value: rows }])],
    ['200k keyed rows', body(keyed)],
    ['200k series of one row', body(Array.from({ length: 200_000 }, (_v, i) => ({ beg_time: t + i * 1800, value: [[1]] })))],
    ['deeply nested rows', { body: `{"body":[{"beg_time":${t},"step_time":1800,"value":${nested(100_000)}}],"status":"ok"}` }],
    ['a __proto__ key as a time', { body: '{"body":{"__proto__":[1],"polluted":[2]},"status":"ok"}' }],
    ['constructor.prototype as a time', { body: '{"body":{"constructor":{"prototype":{"polluted":"yes"}}},"status":"ok"}' }],
  ];
}

/** What an error text must never be or contain: a crash, a parser's words, or the answer's own text. */
const UNCLEAR = /undefined|TypeError|RangeError|Cannot read|\[object|Unexpected token|JSON at position|maxContentLength|leaky-page-text|<html|<script/i;

describe('hostile API answers to the sync and measure nodes', function () {
  this.timeout(60000);
  let server: ScriptedServer;
  let userDir: string;
  let homes: Script = goodHomes;
  let measure: Script = goodMeasure;
  let token: Script = goodToken;
  const watch = new ProcessWatch();
  let protoBefore: Record<string, string[]>;
  let cases = 0;
  const quietSockets = new WeakSet<object>();

  function count(p: string): number {
    return server.requests.filter((r) => r.path === p).length;
  }

  before(async function () {
    server = await startScripted((req) => (_r: Recorded, res: http.ServerResponse) => {
      // The client hangs up on floods: that is expected, not a failure of the server.
      res.on('error', () => undefined);
      const socket = res.socket;
      if (socket && !quietSockets.has(socket)) {
        quietSockets.add(socket);
        socket.on('error', () => undefined);
      }
      const script = req.path === '/oauth2/token' ? token : req.path === '/api/homesdata' ? homes : req.path === '/api/getmeasure' ? measure : null;
      if (script === null) {
        json(res, 404, { error: { code: 404, message: 'no such path' } });
        return;
      }
      const answer = script(req);
      const headers: Record<string, string> = { 'Content-Type': answer.type ?? 'application/json' };
      if (answer.chunked) {
        res.writeHead(answer.status ?? 200, headers);
        const body = Buffer.isBuffer(answer.body) ? answer.body : Buffer.from(answer.body);
        let at = 0;
        const next = (): void => {
          while (at < body.length && !res.destroyed) {
            const chunk = body.subarray(at, at + MB);
            at += chunk.length;
            if (!res.write(chunk)) {
              res.once('drain', next);
              return;
            }
          }
          if (!res.destroyed) res.end();
        };
        next();
        return;
      }
      res.writeHead(answer.status ?? 200, headers);
      res.end(answer.body);
    });
    userDir = useTempUserDir();
    // Retries and rate-budget pauses take no real time, yet the client sees them pass.
    nodeRedSettings({ requestTimeoutMs: 10_000, clock: new VirtualClock({ timers: 'skip' }) });
    protoBefore = prototypeSnapshot();
    watch.start();
    await helper.load(
      [accountNode, syncNode, measureNode],
      [
        { id: 'acc', type: 'econetatmo-account', name: 'scripted', apiUrl: server.url },
        { id: 's1', type: 'econetatmo-sync', account: 'acc', mode: 'all', wires: [['out']] },
        measureNodeOf('m1', { account: 'acc', moduleId: LINE, types: 'sum_energy_elec' }, [['out']]),
        { id: 'out', type: 'helper' },
        { id: 'c1', type: 'catch', scope: ['s1', 'm1'], uncaught: false, wires: [['caught']] },
        { id: 'caught', type: 'helper' },
        { id: 'k1', type: 'complete', scope: ['s1', 'm1'], uncaught: false, wires: [['completed']] },
        { id: 'completed', type: 'helper' },
      ],
      { acc: { clientId: 'scripted-client', clientSecret: 'scripted-secret', accessToken: 'pasted-access|1', refreshToken: 'pasted-refresh-1' } },
    );
  });
  after(async function () {
    watch.stop();
    await helper.unload();
    await server.close();
    removeTempUserDirs();
    common = undefined;
    process.stdout.write(`      (${cases} hostile answers)\n`);
  });

  function lastStatus(id: string): { fill?: string; text?: string } | undefined {
    const args = helper.getNode(id).status.args ?? [];
    return args.length > 0 ? (args[args.length - 1]?.[0] as { fill?: string; text?: string }) : undefined;
  }

  async function expectFailure(node: 's1' | 'm1', apiPath: string, name: string): Promise<void> {
    const before = count(apiPath);
    const outcome = await roundTrip(node, {});
    should(outcome.caught.length).equal(1, `${name}: caught ${outcome.caught.length} times`);
    should(outcome.completed).equal(0, `${name}: also completed`);
    should(outcome.sent).be.empty();
    const text = outcome.caught[0].message;
    should(text)
      .be.a.String()
      .and.match(/Netatmo/, `${name}: "${text}"`);
    should(text.length).be.below(300);
    text.should.not.match(UNCLEAR, `${name}: unclear error "${text}"`);
    should(lastStatus(node)?.fill).equal('red', name);
    (lastStatus(node)?.text ?? '').should.not.match(UNCLEAR);
    const asked = count(apiPath) - before;
    // Asked at least once; retried only a bounded number of times.
    should(asked).be.within(1, 5, `${name}: ${asked} requests`);
    should(watch.unhandled.length + watch.uncaught.length).equal(0, `${name}: ${watch.describe()}`);
    assertNotPolluted(protoBefore);
    cases += 1;
  }

  async function expectSyncWorks(): Promise<void> {
    homes = goodHomes;
    const outcome = await roundTrip('s1', {});
    should(outcome.caught).be.empty();
    should(outcome.completed).equal(1);
    should(outcome.sent).have.length(1);
    should((outcome.sent[0].payload as Array<{ moduleId: string }>).map((l) => l.moduleId)).deepEqual([LINE]);
    should(lastStatus('s1')?.fill).equal('green');
  }

  async function expectMeasureWorks(): Promise<void> {
    homes = goodHomes;
    measure = goodMeasure;
    const outcome = await roundTrip('m1', {});
    should(outcome.caught).be.empty();
    should(outcome.completed).equal(1);
    should(lastStatus('m1')?.fill).equal('green');
  }

  it('works with good answers first', async function () {
    await expectSyncWorks();
    await expectMeasureWorks();
  });

  it('sync: one clear error per hostile homesdata answer, red, nothing sent', async function () {
    for (const [name, answer] of [...commonCases(), ...homesCases()]) {
      homes = () => answer;
      await expectFailure('s1', '/api/homesdata', `homesdata ${name}`);
    }
    await expectSyncWorks();
  });

  it('measure: one clear error per hostile getmeasure answer, red, nothing sent', async function () {
    for (const [name, answer] of [...commonCases(), ...measureCases()]) {
      measure = () => answer;
      await expectFailure('m1', '/api/getmeasure', `getmeasure ${name}`);
    }
    await expectMeasureWorks();
  });

  it('token endpoint: a refresh answered with junk fails clearly and keeps the stored pair', async function () {
    const file = path.join(userDir, 'econetatmo', 'acc.json');
    // Every homesdata says the access token expired: each read asks for a refresh.
    homes = () => ({ status: 403, body: '{"error":{"code":3,"message":"Access token expired"}}' });
    for (const [name, answer] of tokenCases()) {
      const stored = fs.readFileSync(file, 'utf8');
      token = () => answer;
      const before = count('/oauth2/token');
      await expectFailure('s1', '/api/homesdata', `token ${name}`);
      should(count('/oauth2/token') - before).be.within(1, 5, name);
      // The junk never replaces the good pair on disk.
      fs.readFileSync(file, 'utf8').should.equal(stored, name);
      fs.readFileSync(file, 'utf8').should.not.match(/junk-/);
    }
    token = goodToken;
    await expectSyncWorks();
  });

  it('token endpoint: an absurd lifetime (1e308 s) still leaves a pair that reads back after a restart', async function () {
    const file = path.join(userDir, 'econetatmo', 'acc.json');
    homes = (req) =>
      req.headers.authorization === 'Bearer huge-life-access|1' ? goodHomes() : { status: 403, body: '{"error":{"code":3,"message":"Access token expired"}}' };
    token = () => ({ body: JSON.stringify({ access_token: 'huge-life-access|1', refresh_token: 'huge-life-refresh-1', expires_in: 1e308 }) });
    const outcome = await roundTrip('s1', {});
    should(outcome.caught).be.empty();
    const stored = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    stored.refreshToken!.should.equal('huge-life-refresh-1');
    // A lifetime that does not survive JSON would make the store skip this pair at the next start.
    should(typeof stored.expiresAt === 'number' && Number.isFinite(stored.expiresAt)).be.true(`expiresAt ${String(stored.expiresAt)}`);
    token = goodToken;
    homes = goodHomes;
  });

  it('refuses a 50 MB answer after reading at most the cap, without retrying it', async function () {
    homes = () => ({ body: Buffer.alloc(50 * MB, 0x20) });
    const before = count('/api/homesdata');
    const outcome = await roundTrip('s1', {});
    should(outcome.caught).have.length(1);
    outcome.caught[0].message.should.match(/larger than 10 MB/);
    should(count('/api/homesdata') - before).equal(1);
    await expectSyncWorks();
  });

  it('keeps Node-RED running: both nodes read again, nothing escaped, no prototype polluted', async function () {
    await expectSyncWorks();
    await expectMeasureWorks();
    should(watch.unhandled).be.empty();
    should(watch.uncaught).be.empty();
    assertNotPolluted(protoBefore);
  });
});
