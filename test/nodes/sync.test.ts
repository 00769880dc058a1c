// econetatmo-sync inside Node-RED against the simulator: the lines, both modes, errors.
import path from 'path';
import should from 'should';
import helper from 'node-red-node-test-helper';
import { startSimulator, type Simulator } from '../../src/simulator';
import { accountCredentials, accountFlowNode, ACCOUNT_ID, collect, nextMessage, statusWhere, VirtualClock, type FlowNode } from './measure-support';
import { nodeRedSettings, removeTempUserDirs, useTempUserDir } from '../support/node-red-settings';
import { HOSTILE_LINE_NAMES } from '../support/hostile-lines';

const accountNode = require(path.resolve(__dirname, '../../../nodes/econetatmo-account.js'));
const syncNode = require(path.resolve(__dirname, '../../../nodes/econetatmo-sync.js'));

const ROLES = ['circuit', 'circuit', 'circuit', 'circuit', 'circuit', 'total', 'gas', 'hot_water', 'cold_water'];
const SOURCES = ['electricity', 'electricity', 'electricity', 'electricity', 'electricity', 'electricity', 'gas', 'hot_water', 'cold_water'];

function flow(sim: Simulator, mode: string, meters?: string): FlowNode[] {
  return [
    accountFlowNode(sim),
    { id: 's1', type: 'econetatmo-sync', account: ACCOUNT_ID, mode, ...(meters !== undefined ? { meters } : {}), wires: [['out']] },
    { id: 'out', type: 'helper' },
    { id: 'c1', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper' },
  ];
}

describe('econetatmo-sync node', function () {
  let sim: Simulator;

  before(async function () {
    useTempUserDir();
    sim = await startSimulator({ port: 0, lineNames: HOSTILE_LINE_NAMES });
  });
  after(async function () {
    await sim.close();
    removeTempUserDirs();
  });
  afterEach(async function () {
    await helper.unload();
  });

  it("mode all: one message with exactly the simulator's lines, in order, with every contract field", async function () {
    await helper.load([accountNode, syncNode], flow(sim, 'all'), accountCredentials(sim));
    const out = helper.getNode('out');
    const got = nextMessage(out);
    helper.getNode('s1').receive({ payload: 'go', topic: 'keep-me', extra: { a: 1 } });
    const msg = await got;
    const expected = sim.lines();
    should(expected.length).equal(9);
    should(msg.topic).equal('keep-me');
    should(msg.extra).deepEqual({ a: 1 });
    const lines = msg.payload as Array<Record<string, unknown>>;
    should(lines).be.an.Array().with.length(expected.length);
    lines.forEach((line, i) => {
      const truth = expected[i];
      should(Object.keys(line).sort()).deepEqual(
        [
          'homeId',
          'homeName',
          'timezone',
          'deviceId',
          'moduleId',
          'model',
          'index',
          'name',
          'role',
          'consumptionType',
          'sourceType',
          'roomId',
          'roomName',
        ].sort(),
      );
      should(line.model).equal('NLE');
      should(line.moduleId).equal(truth.moduleId);
      should(line.deviceId).equal(truth.deviceId);
      should(line.moduleId).equal(`${truth.deviceId}#${truth.index}`);
      should(line.homeId).equal(truth.homeId);
      should(line.homeName).equal(truth.homeName);
      should(line.timezone).equal(truth.timezone);
      should(line.index).equal(truth.index);
      should(line.name).equal(truth.name);
      should(line.role).equal(ROLES[truth.index]);
      should(line.consumptionType).equal(truth.index <= 5 ? 'electrical' : 'fluid');
      should(line.sourceType).equal(SOURCES[truth.index]);
    });
    // The hostile name stays a plain string: no escaping, no stripping.
    should(lines.map((l) => l.name)).containEql('<img src=x onerror=alert(1)>');
  });

  /** The sync node's answer to one input. */
  async function linesOf(meters: string | undefined): Promise<Array<Record<string, unknown>>> {
    await helper.load([accountNode, syncNode], flow(sim, 'all', meters), accountCredentials(sim));
    const got = nextMessage(helper.getNode('out'));
    helper.getNode('s1').receive({ payload: 'go' });
    const lines = (await got).payload as Array<Record<string, unknown>>;
    await helper.unload();
    return lines;
  }

  it("meters all: the ecocounter's lines, then every module of the range that measures, each with its gateway and model", async function () {
    const lines = await linesOf('all');
    const eco = sim.lines();
    const range = sim.modules();
    should(range.length).be.above(10);
    should(lines.slice(0, eco.length).map((l) => l.moduleId)).eql(eco.map((l) => l.moduleId));
    should(lines.map((l) => l.moduleId).sort()).eql([...eco.map((l) => l.moduleId), ...range.map((m) => m.moduleId)].sort());
    for (const truth of range) {
      const line = lines.find((l) => l.moduleId === truth.moduleId) as Record<string, unknown>;
      should(line).match({
        homeId: truth.homeId,
        deviceId: truth.deviceId,
        model: truth.model,
        role: truth.role,
        index: truth.index,
        name: truth.name,
        consumptionType: 'electrical',
        sourceType: 'electricity',
      });
    }
    // Home order; within a home, the ecocounter first, then meters, phases and appliances.
    const rank = (l: Record<string, unknown>): number => (l.model === 'NLE' ? 0 : ['meter', 'phase', 'appliance'].indexOf(l.role as string) + 1);
    const homes = [...new Set(lines.map((l) => l.homeId))];
    for (let i = 1; i < lines.length; i++) {
      const [a, b] = [lines[i - 1], lines[i]];
      const order = homes.indexOf(a.homeId as string) - homes.indexOf(b.homeId as string) || rank(a) - rank(b);
      should(order <= 0).be.true(`${String(a.moduleId)} before ${String(b.moduleId)}`);
    }
    // The shutters and remotes of the range measure nothing: not lines.
    should(lines.some((l) => l.model === 'NLV' || l.model === 'NLT' || l.model === 'NLG')).be.false();
  });

  it('a node without `meters` (made before) and `meters: ecocounter` send exactly the lines they always did', async function () {
    const old = await linesOf(undefined);
    const ecocounter = await linesOf('ecocounter');
    should(old).eql(ecocounter);
    should(old.map((l) => l.moduleId)).eql(sim.lines().map((l) => l.moduleId));
  });

  it('mode each: one message per line, topic = the line name, other properties kept', async function () {
    await helper.load([accountNode, syncNode], flow(sim, 'each'), accountCredentials(sim));
    const out = helper.getNode('out');
    const got = collect(out);
    const nine = new Promise<void>((resolve) => out.on('input', () => got.length === 9 && resolve()));
    helper.getNode('s1').receive({ payload: 1, extra: 'x' });
    await nine;
    const expected = sim.lines();
    should(got.map((m) => m.topic)).deepEqual(expected.map((l) => l.name));
    should(got.map((m) => (m.payload as { moduleId: string }).moduleId)).deepEqual(expected.map((l) => l.moduleId));
    got.forEach((m) => should(m.extra).equal('x'));
    // Each message is its own copy.
    should(new Set(got.map((m) => m.payload)).size).equal(9);
    const status = helper.getNode('s1').status as unknown as { args: Array<[{ fill: string; text: string }]> };
    const last = status.args[status.args.length - 1][0];
    should(last.fill).equal('green');
  });

  it('an API failure goes to done(err): a Catch node gets it once, nothing is sent', async function () {
    const creds = accountCredentials(sim);
    creds[ACCOUNT_ID].accessToken = 'bogus|access';
    creds[ACCOUNT_ID].refreshToken = 'bogus|refresh';
    // A fresh user dir: with a working pair on disk, bogus credentials would be refused at start
    // and the working pair kept (the account's one rule), so nothing would fail.
    useTempUserDir();
    // The nodes' timers on a clock that only moves when told: once the process is idle, nothing
    // more can come of this input.
    const clock = new VirtualClock();
    nodeRedSettings({ clock });
    await helper.load([accountNode, syncNode], flow(sim, 'all'), creds);
    const out = helper.getNode('out');
    const sent = collect(out);
    const caught = helper.getNode('caught');
    const errors = collect(caught);
    const s1 = helper.getNode('s1');
    const red = statusWhere(s1, (s) => s.fill === 'red');
    const got = nextMessage(caught);
    s1.receive({ payload: 'go' });
    const msg = await got;
    const err = msg.error as { message: string; source: { id: string } };
    should(err.source.id).equal('s1');
    should(err.message).be.a.String().and.not.be.empty();
    should(err.message).not.containEql('bogus');
    // The text as it is: Node-RED puts the class name ("Error: ", "NetatmoError: ") in front of
    // an Error object's message.
    should(err.message).not.match(/^\w*Error: /);
    const status = await red;
    should(status.text).not.containEql('bogus');
    await clock.settle();
    should(errors.length).equal(1);
    should(sent.length).equal(0);
  });
});
