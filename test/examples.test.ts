// The example flows (examples/**) and the demo's use of them: every file is a valid flow of
// known node types sharing one account; the dashboard's series code never draws a point twice;
// and examples 01–03 run inside real Node-RED against the simulator.
import './support/node-red-line';
import path from 'path';
import should from 'should';
import helper from 'node-red-node-test-helper';
import { startSimulator, type Simulator } from '../src/simulator';
import { MEASURE_TYPES, SCALES } from '../src/netatmo/types';

type FlowNode = Record<string, unknown> & { id: string; type: string };
interface Example { file: string; nodes: FlowNode[] }
interface FlowsModule {
  ACCOUNT_ID: string;
  EXAMPLE_DEVICE_ID: string;
  loadExamples(): Example[];
  mergeExamples(examples: Example[]): FlowNode[];
  retarget(nodes: FlowNode[], target: { apiUrl: string; deviceId: string }): FlowNode[];
}

/** A message of the example flows: its shape is what the assertions check. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type FlowMessage = Record<string, any>;

const ROOT = path.resolve(__dirname, '..', '..');
const flows = require(path.join(ROOT, 'scripts', 'demo', 'flows.js')) as FlowsModule;
const examples = flows.loadExamples();

const OUR_TYPES = ['econetatmo-account', 'econetatmo-sync', 'econetatmo-measure'];
const CORE_TYPES = ['tab', 'comment', 'inject', 'debug', 'function', 'switch', 'change'];
const DASHBOARD_TYPES = ['ui-base', 'ui-theme', 'ui-page', 'ui-group', 'ui-chart', 'ui-text'];
const MODULE_ID = /^((?:[0-9a-f]{2}:){5}[0-9a-f]{2})#([0-8])$/;

function byFile(name: string): FlowNode[] {
  const found = examples.find((e) => e.file === name);
  if (!found) throw new Error(`no example ${name}`);
  return found.nodes;
}
function ofType(nodes: FlowNode[], type: string): FlowNode[] {
  return nodes.filter((n) => n.type === type);
}
function wiresOf(node: FlowNode): string[] {
  const wires = node.wires;
  if (wires === undefined) return [];
  should(Array.isArray(wires)).be.true(`${node.id}: wires must be an array`);
  return (wires as unknown[]).flatMap((port) => {
    should(Array.isArray(port)).be.true(`${node.id}: each output port is an array`);
    return port as string[];
  });
}

describe('examples', function () {
  it('has the four documented examples', function () {
    should(examples.map((e) => e.file).sort()).eql([
      '01 Discover lines.json',
      '02 Read a line.json',
      '03 Read a past range.json',
      path.join('dashboard', 'Consumption dashboard.json'),
    ]);
  });

  for (const { file, nodes } of examples) {
    describe(file, function () {
      it('uses only known node types, with unique ids and wires to existing nodes', function () {
        const known = [...OUR_TYPES, ...CORE_TYPES, ...DASHBOARD_TYPES];
        const ids = new Set<string>();
        for (const node of nodes) {
          should(known).containEql(node.type);
          should(typeof node.id === 'string' && node.id !== '').be.true();
          should(ids.has(node.id)).be.false(`duplicate id ${node.id}`);
          ids.add(node.id);
        }
        const tabs = ofType(nodes, 'tab');
        should(tabs).have.length(1);
        for (const node of nodes) {
          for (const target of wiresOf(node)) should(ids.has(target)).be.true(`${node.id} wires to missing ${target}`);
          if (node.z !== undefined) should(node.z).equal(tabs[0].id);
        }
      });

      it('shares the one account config node, with no credentials', function () {
        const accounts = ofType(nodes, 'econetatmo-account');
        should(accounts).have.length(1);
        should(accounts[0]).eql({ id: flows.ACCOUNT_ID, type: 'econetatmo-account', name: accounts[0].name, apiUrl: 'https://api.netatmo.com' });
        for (const node of nodes.filter((n) => n.type === 'econetatmo-sync' || n.type === 'econetatmo-measure')) {
          should(node.account).equal(flows.ACCOUNT_ID);
        }
        const text = JSON.stringify(nodes);
        should(text).not.match(/credentials|clientSecret|accessToken|refreshToken/);
      });

      it('explains itself in a comment, in English and French', function () {
        const comments = ofType(nodes, 'comment');
        should(comments.length).be.above(0);
        should(String(comments[0].info)).match(/\nFR : /);
      });

      it('configures its nodes within the contract', function () {
        for (const sync of ofType(nodes, 'econetatmo-sync')) should(['all', 'each']).containEql(sync.mode);
        for (const m of ofType(nodes, 'econetatmo-measure')) {
          const match = MODULE_ID.exec(String(m.moduleId));
          should.exist(match, `${m.id}: moduleId ${String(m.moduleId)}`);
          should(m.deviceId).equal(match![1]);
          for (const type of String(m.types).split(',')) should(MEASURE_TYPES).containEql(type.trim());
          should(SCALES).containEql(m.scale);
          should(Number.isInteger(m.interval) && (m.interval as number) >= 0).be.true();
          should(['changes', 'all']).containEql(m.emit);
        }
      });
    });
  }

  it('merges into one flow for the demo without id collisions, and retargets it', function () {
    const merged = flows.mergeExamples(examples);
    should(ofType(merged, 'econetatmo-account')).have.length(1);
    should(ofType(merged, 'tab')).have.length(examples.length);
    const target = flows.retarget(merged, { apiUrl: 'http://127.0.0.1:9', deviceId: 'aa:bb:cc:dd:ee:ff' });
    should(ofType(target, 'econetatmo-account')[0].apiUrl).equal('http://127.0.0.1:9');
    for (const m of ofType(target, 'econetatmo-measure')) {
      should(String(m.moduleId)).startWith('aa:bb:cc:dd:ee:ff#');
      should(m.deviceId).equal('aa:bb:cc:dd:ee:ff');
    }
    // a copy: the examples themselves are untouched
    should(ofType(merged, 'econetatmo-account')[0].apiUrl).equal('https://api.netatmo.com');
    should(() => flows.mergeExamples([examples[0], { file: 'clash.json', nodes: [{ ...examples[0].nodes[1] }] }])).throw(/already used/);
  });

  describe('the dashboard', function () {
    const nodes = byFile(path.join('dashboard', 'Consumption dashboard.json'));

    it('reads every electrical line every 10 minutes, and the last 2 days once at start', function () {
      const measures = ofType(nodes, 'econetatmo-measure');
      should(measures.map((m) => MODULE_ID.exec(String(m.moduleId))![2]).sort()).eql(['0', '1', '2', '3', '4', '5']);
      for (const m of measures) should(m.interval).equal(10);
      const start = ofType(nodes, 'inject').find((n) => n.once === true);
      should(start).not.be.undefined();
      should(wiresOf(start!).sort()).eql(measures.map((m) => m.id).sort());
      should(JSON.stringify(start!.props)).match(/dateBegin/);
    });

    it('serves at /dashboard, keeps days of data and redraws whole series', function () {
      should(ofType(nodes, 'ui-base')[0].path).equal('/dashboard');
      const charts = ofType(nodes, 'ui-chart');
      should(charts.map((c) => c.chartType).sort()).eql(['bar', 'line']);
      for (const chart of charts) should(chart.action).equal('replace');
      const line = charts.find((c) => c.chartType === 'line')!;
      should(line.xAxisType).equal('time');
      should(Number(line.removeOlder) * Number(line.removeOlderUnit)).be.aboveOrEqual(2 * 86400);
      should(line.removeOlderPoints).equal('');
      const groups = new Set(ofType(nodes, 'ui-group').map((g) => g.id));
      for (const widget of [...charts, ...ofType(nodes, 'ui-text')]) should(groups.has(String(widget.group))).be.true();
    });

    // The function node's code, run as Node-RED runs it: msg in, [series, today, updated] out.
    function seriesFunction(): (msg: Record<string, unknown>) => Array<Record<string, unknown>> | null {
      const fn = ofType(nodes, 'function')[0];
      const store = new Map<string, unknown>();
      const context = { get: (k: string) => store.get(k), set: (k: string, v: unknown) => store.set(k, v) };
      const body = new Function('msg', 'context', String(fn.func)) as (m: unknown, c: unknown) => Array<Record<string, unknown>> | null;
      return (msg) => body(msg, context);
    }
    const HALF_HOUR = 30 * 60 * 1000;
    const at = (slot: number) => new Date().setHours(0, 0, 0, 0) + slot * HALF_HOUR;
    const measureMsg = (index: number, name: string, slots: Array<[number, number | null]>) => ({
      topic: name,
      payload: {
        moduleId: `aa:bb:cc:dd:ee:ff#${index}`, deviceId: 'aa:bb:cc:dd:ee:ff', name, scale: '30min', unit: 'Wh', types: ['sum_energy_elec'],
        points: slots.map(([slot, total]) => ({ start: at(slot), end: at(slot) + HALF_HOUR, values: { sum_energy_elec: total }, total })),
      },
    });

    it('draws each bucket once, with its latest value, whatever the order of reads', function () {
      const run = seriesFunction();
      run(measureMsg(0, 'Cuisine', [[-2, 100], [-1, 110], [0, 120], [1, 130]]));
      run(measureMsg(1, 'Chauffe-eau', [[0, 1000], [1, null]]));
      // a later read: one revised bucket, one bucket filled in, one new
      const out = run(measureMsg(0, 'Cuisine', [[1, 135], [2, 140]]))!;
      should(out).have.length(3);
      should(out[0].action).equal('replace');
      const series = out[0].payload as Array<{ line: string; x: number; y: number }>;
      const keys = series.map((p) => `${p.line}@${p.x}`);
      should(new Set(keys).size).equal(keys.length);
      should(series.filter((p) => p.line === 'Cuisine').map((p) => [p.x, p.y])).eql([
        [at(-2), 100], [at(-1), 110], [at(0), 120], [at(1), 135], [at(2), 140],
      ]);
      should(series.filter((p) => p.line === 'Chauffe-eau').map((p) => p.y)).eql([1000]);
      // yesterday and today, from local midnight: Cuisine slots -2..-1 and 0..2, the water heater slot 0
      should(out[1].payload).eql([
        { day: 'Yesterday', x: 'Cuisine', y: 0.21 }, { day: 'Yesterday', x: 'Chauffe-eau', y: 0 },
        { day: 'Today', x: 'Cuisine', y: 0.395 }, { day: 'Today', x: 'Chauffe-eau', y: 1 },
      ]);
      should(typeof out[2].payload).equal('string');
    });

    it('never passes markup of a line name on to the dashboard', function () {
      const out = seriesFunction()(measureMsg(4, '<img src=x onerror=alert(1)>', [[0, 5]]))!;
      const text = JSON.stringify(out);
      should(text).not.match(/[<>]/);
      should((out[0].payload as Array<{ line: string }>)[0].line).equal('img src=x onerror=alert(1)');
    });

    it('keeps two lines with the same name apart', function () {
      const run = seriesFunction();
      run(measureMsg(0, 'Ligne', [[0, 1]]));
      const out = run(measureMsg(1, 'Ligne', [[0, 2]]))!;
      const lines = new Set((out[0].payload as Array<{ line: string }>).map((p) => p.line));
      should([...lines].sort()).eql(['Ligne (#0)', 'Ligne (#1)']);
    });

    it('ignores anything that is not a measure message', function () {
      should(seriesFunction()({ payload: 'hello' })).be.null();
    });
  });
});

describe('examples 01–03 in Node-RED against the simulator', function () {
  this.timeout(30000);
  let sim: Simulator;

  let nodeModules: unknown[] = [];

  before(async function () {
    // Required here, not at load time, so that a missing build fails these tests only.
    nodeModules = [
      require(path.join(ROOT, 'nodes', 'econetatmo-account.js')),
      require(path.join(ROOT, 'nodes', 'econetatmo-sync.js')),
      require(path.join(ROOT, 'nodes', 'econetatmo-measure.js')),
      require('@node-red/nodes/core/common/20-inject.js'),
      require('@node-red/nodes/core/function/10-function.js'),
      require('@node-red/nodes/core/function/10-switch.js'),
    ];
    sim = await startSimulator({ port: 0 });
  });
  after(async function () {
    await sim?.close();
  });
  afterEach(async function () {
    await helper.unload();
  });

  /** The example as the demo deploys it, with debug nodes turned into helper nodes to listen on. */
  async function load(file: string): Promise<void> {
    const nodes = flows
      .retarget(byFile(file), { apiUrl: sim.url, deviceId: sim.lines()[0].deviceId })
      .filter((n) => n.type !== 'comment')
      .map((n) => (n.type === 'debug' ? { id: n.id, z: n.z, type: 'helper', name: n.name, wires: [] } : n));
    const tokens = sim.issueTokens();
    await helper.load(nodeModules as Parameters<typeof helper.load>[0], nodes, {
      [flows.ACCOUNT_ID]: { clientId: sim.clientId, clientSecret: sim.clientSecret, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken },
    });
  }

  /** Collects `count` messages arriving at a helper node; fails on the first error a node reports. */
  function collect(id: string, count: number): Promise<Array<FlowMessage>> {
    return new Promise((resolve) => {
      const got: Array<FlowMessage> = [];
      helper.getNode(id).on('input', (msg: FlowMessage) => {
        got.push(msg);
        if (got.length === count) resolve(got);
      });
    });
  }

  function press(id: string): void {
    helper.getNode(id).receive({});
  }

  it('01 lists the lines, as one message and one per line', async function () {
    await load('01 Discover lines.json');
    const lines = sim.lines();
    const all = collect('econetatmo.ex01.debug.all', 1);
    press('econetatmo.ex01.inject.all');
    const [msg] = await all;
    should((msg.payload as Array<{ moduleId: string }>).map((l) => l.moduleId)).eql(lines.map((l) => l.moduleId));

    const each = collect('econetatmo.ex01.debug.each', lines.length);
    const electrical = collect('econetatmo.ex01.debug.electrical', lines.filter((l) => l.index <= 5).length);
    press('econetatmo.ex01.inject.each');
    should((await each).map((m) => m.topic)).eql(lines.map((l) => l.name));
    for (const m of await electrical) should(m.payload.index).be.belowOrEqual(5);
  });

  it('02 reads a line on demand (emit all) and on input to the timed node', async function () {
    await load('02 Read a line.json');
    const line = sim.lines()[0];
    const onDemand = collect('econetatmo.ex02.debug.input', 1);
    press('econetatmo.ex02.inject');
    const [msg] = await onDemand;
    should(msg.topic).equal(line.name);
    should(msg.payload.moduleId).equal(line.moduleId);
    should(msg.payload.unit).equal('Wh');
    should(msg.payload.points.length).be.above(0);

    const timed = collect('econetatmo.ex02.debug.timer', 1);
    helper.getNode('econetatmo.ex02.measure.timer').receive({});
    const [first] = await timed;
    should(first.payload.moduleId).equal(line.moduleId);
    should(first.payload.points.length).be.above(0);
  });

  it('03 reads the last 7 days and the last year, and sums them', async function () {
    await load('03 Read a past range.json');
    const week = collect('econetatmo.ex03.debug.points', 1);
    const weekSum = collect('econetatmo.ex03.debug.sum', 1);
    const asked = Date.now();
    press('econetatmo.ex03.inject.week');
    const [points] = await week;
    const buckets = points.payload.points as Array<{ start: number; end: number; total: number | null }>;
    should(points.payload.scale).equal('30min');
    should(buckets[0].start).be.belowOrEqual(asked - 7 * 86400000 + 30 * 60000);
    for (let i = 1; i < buckets.length; i++) should(buckets[i].start).be.above(buckets[i - 1].start);
    const wh = buckets.reduce((s, b) => s + (b.total ?? 0), 0);
    const [sum] = await weekSum;
    should(sum.payload.kWh).equal(Math.round(wh) / 1000);
    should(sum.payload.kWh).be.above(0);

    const year = collect('econetatmo.ex03.debug.points', 1);
    press('econetatmo.ex03.inject.year');
    const [daily] = await year;
    should(daily.payload.scale).equal('1day');
    should(daily.payload.points.length).be.within(360, 368);
  });
});
