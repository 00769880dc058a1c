// econetatmo-power inside Node-RED against the simulator (its /api/homestatus), on a virtual
// clock: both outputs, what the timer sends, unreachable and no-power modules, bad settings,
// answers the node must skip, and one homestatus per home for every power node of the account.
import path from 'path';
import should from 'should';
import helper from 'node-red-node-test-helper';
import { startSimulator, type Simulator } from '../../src/simulator';
import { nodeRedSettings, removeTempUserDirs, useTempUserDir } from '../support/node-red-settings';
import { VirtualClock } from '../support/virtual-clock';
import type { PowerReading } from '../../src/contract/power';
import { accountCredentials, accountFlowNode, ACCOUNT_ID, collect, countRequests, type FlowNode } from './measure-support';

const accountNode = require(path.resolve(__dirname, '../../../nodes/econetatmo-account.js'));
const powerNode = require(path.resolve(__dirname, '../../../nodes/econetatmo-power.js'));
const exportNode = require(path.resolve(__dirname, '../../../nodes/econetatmo-export.js'));

// Half a minute past a minute: every module has reported the current minute (offsets 0..20 s).
const T0 = Date.UTC(2026, 0, 14, 9, 0, 30);
const HOMESTATUS = '/api/homestatus';
const HOMESDATA = '/api/homesdata';

function powerFlow(sim: Simulator, nodes: Array<Record<string, unknown>>): FlowNode[] {
  const flow: FlowNode[] = [{ id: 't1', type: 'tab' }, accountFlowNode(sim)];
  for (const n of nodes) {
    const id = String(n.id);
    flow.push({ type: 'econetatmo-power', account: ACCOUNT_ID, z: 't1', wires: [[`${id}.out`]], ...n, id });
    flow.push({ id: `${id}.out`, type: 'helper', z: 't1' });
  }
  flow.push({ id: 'c1', type: 'catch', z: 't1', scope: null, uncaught: false, wires: [['caught']] });
  flow.push({ id: 'caught', type: 'helper', z: 't1' });
  return flow;
}

describe('econetatmo-power node', function () {
  this.timeout(60_000);
  let sim: Simulator;
  let clock: VirtualClock;

  after(() => removeTempUserDirs());

  beforeEach(async () => {
    useTempUserDir(); // a fresh token file for each simulator
    clock = new VirtualClock({ start: T0 });
    nodeRedSettings({ clock });
    sim = await startSimulator({ now: clock.now, seed: 3, flakyModules: false });
  });

  async function start(nodes: Array<Record<string, unknown>>): Promise<void> {
    await helper.load([accountNode, powerNode, exportNode], powerFlow(sim, nodes), accountCredentials(sim));
  }

  afterEach(async () => {
    await helper.unload();
    await clock.settle();
    clock.dispose();
    await sim.close();
  });

  const meter = (model: string, home = 0) => {
    const homes = [...new Set(sim.modules().map((m) => m.homeId))];
    const found = sim.modules().find((m) => m.model === model && m.homeId === homes[home]);
    if (!found) throw new Error(`no ${model}`);
    return found;
  };

  /** The truth for module `id` now: the simulator's power and reachability. */
  function truth(id: string): { power: number | null; reachable: boolean } {
    return { power: sim.powerAt(id, clock.now()), reachable: sim.reachableAt(id, clock.now()) };
  }

  function statusOf(id: string): { fill?: string; text?: string } {
    const calls = (helper.getNode(id).status as unknown as { args: Array<[{ fill?: string; text?: string }]> }).args;
    return calls[calls.length - 1]?.[0] ?? {};
  }

  it('each: one message per chosen module, payload = W, topic = its name, msg.power = the reading', async function () {
    const nlpc = meter('NLPC');
    const plug = meter('NLP');
    await start([{ id: 'p1', modules: [nlpc.moduleId, plug.moduleId], interval: 0, output: 'each' }]);
    const out = collect(helper.getNode('p1.out'));
    helper.getNode('p1').receive({ payload: 'go', extra: 'kept' });
    await clock.settle();
    should(out.map((m) => m.topic)).eql([nlpc.name, plug.name]);
    for (const [msg, module] of [
      [out[0], nlpc],
      [out[1], plug],
    ] as const) {
      const reading = msg.power as PowerReading;
      should(Object.keys(reading).sort()).eql(['deviceId', 'homeId', 'lastSeen', 'model', 'moduleId', 'name', 'power', 'reachable', 'role']);
      should(reading).match({
        homeId: module.homeId,
        deviceId: module.deviceId,
        moduleId: module.moduleId,
        name: module.name,
        model: module.model,
        role: module.role,
      });
      should(reading.power).equal(truth(module.moduleId).power);
      should(msg.payload).equal(reading.power);
      should(typeof reading.power).equal('number');
      should(reading.reachable).be.true();
      should(reading.lastSeen).be.within(T0 - 30_000, T0);
      should(msg.extra).equal('kept');
    }
    should(countRequests(sim, HOMESTATUS)).equal(1); // both in the first home
    should(statusOf('p1')).match({ fill: 'green', text: /watts=\d+/ });
  });

  it('all, no module chosen: one message with every module of the account that reports power', async function () {
    await start([{ id: 'p1', modules: [], interval: 0, output: 'all' }]);
    const out = collect(helper.getNode('p1.out'));
    helper.getNode('p1').receive({});
    await clock.settle();
    should(out.length).equal(1);
    const readings = out[0].payload as PowerReading[];
    // Every line that reports power, each power once: a three-phase meter, not its phases too.
    const expected = sim.modules().filter((m) => m.role !== 'phase');
    should(readings.map((r) => r.moduleId).sort()).eql(expected.map((m) => m.moduleId).sort());
    for (const r of readings) should(r.power).equal(truth(r.moduleId).power);
    for (const r of readings) should(r.role).equal(expected.find((m) => m.moduleId === r.moduleId)?.role);
    should(countRequests(sim, HOMESTATUS)).equal(2); // one per home
    // Summing the array counts each NLY once: its reading is the sum of its phases.
    const nly = meter('NLY');
    const phases = sim.modules().filter((m) => m.role === 'phase' && m.moduleId.startsWith(`${nly.moduleId}#`));
    should(phases.length).equal(3);
    const phaseSum = phases.reduce((a, ph) => a + (truth(ph.moduleId).power ?? 0), 0);
    should(readings.find((r) => r.moduleId === nly.moduleId)?.power).be.approximately(phaseSum, 0.5);
    const total = readings.reduce((a, r) => a + (r.power ?? 0), 0);
    const truthOnce = sim
      .modules()
      .filter((m) => m.role !== 'phase')
      .reduce((a, m) => a + (truth(m.moduleId).power ?? 0), 0);
    should(total).be.approximately(truthOnce, 0.5);
  });

  it("every module: the status gives the meters' power, not meters + the appliances behind them", async function () {
    await start([{ id: 'p1', modules: [], interval: 0, output: 'all' }]);
    helper.getNode('p1').receive({});
    await clock.settle();
    const meters = sim.modules().filter((m) => m.role === 'meter');
    should(meters.length).be.above(3);
    const metersWatts = meters.reduce((a, m) => a + (truth(m.moduleId).power ?? 0), 0);
    const appliancesWatts = sim
      .modules()
      .filter((m) => m.role === 'appliance')
      .reduce((a, m) => a + (truth(m.moduleId).power ?? 0), 0);
    should(appliancesWatts).be.above(0); // or the test could not tell the two apart
    // The test runtime shows the key and its parameters.
    should(statusOf('p1').text)
      .match(/status\.meters/)
      .and.containEql(`watts=${Math.round(metersWatts)},`);
  });

  it("phases chosen by id are sent, marked role phase; the status counts them in their meter's power, not twice", async function () {
    const nly = meter('NLY');
    const phases = sim.modules().filter((m) => m.role === 'phase' && m.moduleId.startsWith(`${nly.moduleId}#`));
    await start([{ id: 'p1', modules: [nly.moduleId, ...phases.map((m) => m.moduleId)], interval: 0, output: 'all' }]);
    const out = collect(helper.getNode('p1.out'));
    helper.getNode('p1').receive({});
    await clock.settle();
    const readings = out[0].payload as PowerReading[];
    should(readings.map((r) => [r.moduleId, r.role])).eql([[nly.moduleId, 'meter'], ...phases.map((m) => [m.moduleId, 'phase'])]);
    for (const r of readings) should(r.power).equal(truth(r.moduleId).power);
    // The test runtime shows the key and its parameters: the sum is the meter's alone.
    const meterWatts = Math.round(truth(nly.moduleId).power ?? 0);
    should(statusOf('p1').text).containEql(`watts=${meterWatts},`);
  });

  it('on the timer only what changed; an input sends everything', async function () {
    const nlpc = meter('NLPC');
    const plug = meter('NLP');
    await start([{ id: 'p1', modules: `${nlpc.moduleId}, ${plug.moduleId}`, interval: 10 }]);
    const out = collect(helper.getNode('p1.out'));
    await clock.settle();
    should(out.length).equal(2); // the first read: everything is new
    // Ten seconds later the same minute's reports: a read, and nothing to send.
    await clock.runFor(10_000);
    should(countRequests(sim, HOMESTATUS)).equal(2);
    should(out.length).equal(2);
    helper.getNode('p1').receive({});
    await clock.settle();
    should(out.length).equal(4);
    // The next minutes: each module reports again (its lastSeen moves), so each is sent again.
    await clock.advanceTo(T0 + 60_000);
    const sent = out.slice(4).map((m) => (m.power as PowerReading).moduleId);
    should(sent.sort()).eql([nlpc.moduleId, plug.moduleId].sort());
    for (const m of out.slice(4)) should((m.power as PowerReading).lastSeen).be.above(T0);
  });

  it('unreachable: sent once with reachable false and power null, then not again while unchanged', async function () {
    const plug = meter('NLP');
    await start([{ id: 'p1', modules: [plug.moduleId], interval: 10 }]);
    const out = collect(helper.getNode('p1.out'));
    await clock.settle();
    sim.setReachable(plug.moduleId, false);
    await clock.runFor(60_000);
    const off = out.filter((m) => (m.power as PowerReading).reachable === false);
    should(off.length).equal(1);
    should(off[0]).match({ payload: null, power: { power: null, reachable: false } });
    should(statusOf('p1')).match({ fill: 'yellow' });
    should(statusOf('p1').text).match(/unreachable|injoignable/);
  });

  it('a module that reports no power (an ecocounter line): no error, nothing sent, the status says so', async function () {
    await start([{ id: 'p1', modules: [sim.lines()[5].moduleId], interval: 0 }]);
    const out = collect(helper.getNode('p1.out'));
    const caught = collect(helper.getNode('caught'));
    helper.getNode('p1').receive({});
    await clock.settle();
    should(out).eql([]);
    should(caught).eql([]);
    should(statusOf('p1')).match({ fill: 'grey' });
    should(statusOf('p1').text).containEql(sim.lines()[5].name);
  });

  it('a modules entry that is not on the account: one clear error, no homestatus request', async function () {
    await start([{ id: 'p1', modules: ['aa:bb:cc:dd:ee:ff'], interval: 0 }]);
    const caught = collect(helper.getNode('caught'));
    helper.getNode('p1').receive({});
    await clock.settle();
    should(caught.length).equal(1);
    should((caught[0].error as { message: string }).message).match(/aa:bb:cc:dd:ee:ff/);
    should(countRequests(sim, HOMESTATUS)).equal(0);
    should(statusOf('p1')).match({ fill: 'red' });
  });

  it('an interval under 10 s: one error at deploy, nothing read', async function () {
    await start([{ id: 'p1', modules: [], interval: 5 }]);
    await clock.settle();
    const caught = collect(helper.getNode('caught'));
    const errors = (helper.getNode('p1').error as unknown as { args: unknown[][] }).args;
    should(errors.length).equal(1);
    should(String(errors[0][0])).match(/10/);
    await clock.runFor(120_000);
    should(caught).eql([]); // not said again
    should(countRequests(sim, HOMESTATUS) + countRequests(sim, HOMESDATA)).equal(0);
    should(statusOf('p1')).match({ fill: 'red' });
  });

  it('an answer with a broken module: that one skipped with a warning, the others sent', async function () {
    const nlpc = meter('NLPC');
    const plug = meter('NLP');
    await start([{ id: 'p1', modules: [nlpc.moduleId, plug.moduleId], interval: 0 }]);
    sim.rewriteAnswers(HOMESTATUS, (body) => {
      const modules = (body as { home: { modules: Array<Record<string, unknown>> } }).home.modules;
      for (const m of modules) if (m.id === plug.moduleId) m.power = 'lots';
      return body;
    });
    const out = collect(helper.getNode('p1.out'));
    helper.getNode('p1').receive({});
    await clock.settle();
    helper.getNode('p1').receive({});
    await clock.settle();
    should(out.map((m) => m.topic)).eql([nlpc.name, nlpc.name]);
    const warnings = (helper.getNode('p1').warn as unknown as { args: unknown[][] }).args.map((a) => String(a[0]));
    should(warnings.length).equal(1); // once, not at every read
    should(warnings[0]).containEql(plug.moduleId);
  });

  it('an answer for another home: its modules skipped with a warning, nothing sent for them', async function () {
    const nlpc = meter('NLPC');
    await start([{ id: 'p1', modules: [nlpc.moduleId], interval: 0 }]);
    sim.rewriteAnswers(HOMESTATUS, (body) => ({ home: { ...(body as { home: object }).home, id: 'ffffffffffffffffffffffff' } }));
    const out = collect(helper.getNode('p1.out'));
    helper.getNode('p1').receive({});
    await clock.settle();
    should(out).eql([]);
    const warnings = (helper.getNode('p1').warn as unknown as { args: unknown[][] }).args.map((a) => String(a[0]));
    should(warnings.length).equal(1);
    should(warnings[0]).containEql('ffffffffffffffffffffffff');
  });

  it('two power nodes of the account share one homestatus per home per read', async function () {
    const nlpc = meter('NLPC');
    const other = meter('NLPC', 1);
    await start([
      { id: 'p1', modules: [nlpc.moduleId], interval: 60 },
      { id: 'p2', modules: [], interval: 60, output: 'all' },
      { id: 'p3', modules: [other.moduleId, nlpc.moduleId], interval: 60 },
    ]);
    await clock.settle();
    await clock.runFor(5 * 60_000);
    // The start, then five whole minutes: six reads of each of the two homes, for three nodes.
    should(countRequests(sim, HOMESTATUS)).equal(12);
    should(countRequests(sim, HOMESDATA)).equal(1);
    const p1 = collect(helper.getNode('p1.out'));
    helper.getNode('p1').receive({});
    helper.getNode('p3').receive({});
    await clock.settle();
    should(countRequests(sim, HOMESTATUS)).equal(14); // two inputs at once: one request per home, not three
    should(p1.length).equal(1);
  });

  it("the editor's picker lists the account's modules that report power, by home, and no ecocounter line", async function () {
    await start([{ id: 'p1', modules: [], interval: 0 }]);
    const res = (await helper.request().get(`/econetatmo/accounts/${ACCOUNT_ID}/power-modules`)) as { status: number; body: PowerReading[] };
    should(res.status).equal(200);
    should(res.body.map((m) => m.moduleId).sort()).eql(
      sim
        .modules()
        .map((m) => m.moduleId)
        .sort(),
    );
    for (const m of res.body) should(m).have.properties('homeId', 'name', 'model');
    const bad = (await helper.request().get('/econetatmo/accounts/nosuchnode/power-modules')) as { status: number };
    should(bad.status).equal(404);
  });

  it('the export node (influxdb) turns power messages into econetatmo_power points at lastSeen', async function () {
    const nlpc = meter('NLPC');
    const flow = powerFlow(sim, [{ id: 'p1', modules: [nlpc.moduleId], interval: 0, wires: [['x1']] }]);
    flow.push({ id: 'x1', type: 'econetatmo-export', z: 't1', format: 'influxdb', wires: [['points']] }, { id: 'points', type: 'helper', z: 't1' });
    await helper.load([accountNode, powerNode, exportNode], flow, accountCredentials(sim));
    const points = collect(helper.getNode('points'));
    helper.getNode('p1').receive({});
    await clock.settle();
    should(points.length).equal(1);
    const [point] = points[0].payload as Array<{ measurement: string; tags: Record<string, string>; fields: Record<string, number>; timestamp: Date }>;
    should(point.measurement).equal('econetatmo_power');
    should(point.tags).eql({ moduleId: nlpc.moduleId, deviceId: nlpc.deviceId, line: nlpc.name });
    should(point.fields).eql({ power: truth(nlpc.moduleId).power });
    should(point.timestamp.getTime()).be.within(T0 - 30_000, T0);
  });
});
