// econetatmo-export as Node-RED runs it, on its own: settings checked at start, each format's
// output, the baseline read's time-out on the node's clock, one node per Home Assistant statistic,
// and a catalogue entry in English and French for every text the node can show.
import fs from 'fs';
import path from 'path';
import should from 'should';
import helper from 'node-red-node-test-helper';
import { nodeRedSettings, currentUserDir, removeTempUserDirs, useTempUserDir } from '../support/node-red-settings';
import { received, settle, VirtualClock, type FlowNode } from './measure-support';
import { ledgerFile } from '../../src/export/ledger-store';

const exportNode = require(path.resolve(__dirname, '../../../nodes/econetatmo-export.js'));

const H0 = Date.UTC(2025, 2, 12, 0);
const HALF = 30 * 60_000;
const ROOT = path.resolve(__dirname, '..', '..', '..');

function measureMsg(points: Array<[number, number]>, name = 'Oven'): Record<string, unknown> {
  return {
    topic: name,
    payload: {
      moduleId: '70:ee:50:a1:b2:c3#4',
      deviceId: '70:ee:50:a1:b2:c3',
      name,
      scale: '30min',
      unit: 'Wh',
      types: ['sum_energy_elec'],
      revised: [],
      points: points.map(([start, wh]) => ({ start, end: start + HALF, values: { sum_energy_elec: wh }, total: wh })),
    },
  };
}

function flow(props: Record<string, unknown>): FlowNode[] {
  return [
    { id: 'x1', type: 'econetatmo-export', ...props, wires: [['out1'], ['out2']] },
    { id: 'out1', type: 'helper' },
    { id: 'out2', type: 'helper' },
    { id: 'c1', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper' },
  ];
}

describe('econetatmo-export node', function () {
  let clock: VirtualClock;
  beforeEach(function () {
    useTempUserDir();
    clock = new VirtualClock({ start: H0 + 10 * 3_600_000 });
    nodeRedSettings({ clock });
  });
  afterEach(async function () {
    await helper.unload();
    nodeRedSettings({ clock: undefined });
  });
  after(removeTempUserDirs);

  it('refuses every message when its statistic id is not one Home Assistant allows, and says so in its status', async function () {
    await helper.load(exportNode, flow({ format: 'homeassistant', statisticId: 'Kitchen-Oven' }));
    const x1 = helper.getNode('x1');
    const caught = received('caught');
    const out = received('out1');
    x1.receive(measureMsg([[H0, 5]]));
    await settle();
    should(caught).have.length(1);
    should(String((caught[0].error as { message: string }).message)).match(/badStatisticId|Kitchen-Oven/);
    should(out).have.length(0);
    const statuses = (x1 as unknown as { status: { args: unknown[][] } }).status.args.map((a) => a[0] as { fill?: string });
    should(statuses[statuses.length - 1].fill).equal('red');
  });

  it('asks Home Assistant first, and after its time-out warns and starts the sum from 0', async function () {
    await helper.load(exportNode, flow({ format: 'homeassistant', baselineTimeout: 30 }));
    const x1 = helper.getNode('x1');
    const imports = received('out1');
    const asks = received('out2');
    const warnings: string[] = [];
    x1.on('call:warn', (call: { args: unknown[] }) => warnings.push(String(call.args[0])));
    x1.receive(
      measureMsg([
        [H0, 100],
        [H0 + HALF, 50],
      ]),
    );
    await settle();
    should(imports).have.length(0);
    should(asks).have.length(1);
    should(asks[0].payload).containDeep({ type: 'recorder/statistics_during_period', statistic_ids: ['econetatmo:70ee50a1b2c3_4'] });
    should(asks[0].econetatmoBaseline).eql({ statisticId: 'econetatmo:70ee50a1b2c3_4', from: H0 });
    clock.advanceSync(29_000);
    await settle();
    should(imports).have.length(0);
    clock.advanceSync(2_000);
    await settle();
    should(warnings.join()).match(/baselineTimeout|econetatmo:70ee50a1b2c3_4/);
    should(imports).have.length(1);
    should(imports[0].payload).containDeep({ type: 'recorder/import_statistics', stats: [{ start: '2025-03-12T00:00:00+00:00', state: 0.15, sum: 0.15 }] });
    // A late answer changes nothing.
    x1.receive({ payload: {}, econetatmoBaseline: asks[0].econetatmoBaseline });
    await settle();
    should(imports).have.length(1);
  });

  it("continues from Home Assistant's sum when the answer comes back in", async function () {
    await helper.load(exportNode, flow({ format: 'homeassistant' }));
    const x1 = helper.getNode('x1');
    const imports = received('out1');
    const asks = received('out2');
    x1.receive(
      measureMsg([
        [H0, 100],
        [H0 + HALF, 50],
      ]),
    );
    await settle();
    const id = 'econetatmo:70ee50a1b2c3_4';
    x1.receive({ payload: { [id]: [{ start: H0 - 3_600_000, end: H0, state: 1, sum: 1234.5 }] }, econetatmoBaseline: asks[0].econetatmoBaseline });
    await settle();
    should(imports).have.length(1);
    should((imports[0].payload as { stats: unknown[] }).stats).eql([{ start: '2025-03-12T00:00:00+00:00', state: 0.15, sum: 1234.65 }]);
    should(imports[0].topic).equal(id);
    const file = ledgerFile(path.join(currentUserDir(), 'econetatmo', 'export'), id);
    should(fs.existsSync(file)).be.true();
    should(fs.statSync(file).mode & 0o777).equal(0o600);
  });

  it('refuses a second node on the same statistic, naming the first, until the first one closes', async function () {
    const ha = (id: string, props: Record<string, unknown>): FlowNode => ({
      id,
      type: 'econetatmo-export',
      format: 'homeassistant',
      baselineTimeout: 0,
      ...props,
      wires: [[`${id}out`], []],
    });
    const catcher: FlowNode[] = [
      { id: 'c1', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
      { id: 'caught', type: 'helper' },
    ];
    await helper.load(exportNode, [
      ha('x1', { name: 'kitchen' }),
      ha('x2', {}),
      // The same line into another statistic is another ledger: no conflict.
      ha('x3', { statisticId: 'oven_bis' }),
      ...['x1out', 'x2out', 'x3out'].map((id) => ({ id, type: 'helper' })),
      ...catcher,
    ]);
    const [x1, x2, x3] = ['x1', 'x2', 'x3'].map((id) => helper.getNode(id));
    const [out1, out2, out3, caught] = ['x1out', 'x2out', 'x3out', 'caught'].map((id) => received(id));
    x1.receive(
      measureMsg([
        [H0, 100],
        [H0 + HALF, 50],
      ]),
    );
    x2.receive(measureMsg([[H0, 999]]));
    x3.receive(measureMsg([[H0, 100]]));
    x1.receive(measureMsg([[H0 + 2 * HALF, 10]]));
    x2.receive(measureMsg([[H0 + 2 * HALF, 999]]));
    await settle();
    should(out1.map((m) => (m.payload as { stats: unknown[] }).stats)).eql([
      [{ start: '2025-03-12T00:00:00+00:00', state: 0.15, sum: 0.15 }],
      [{ start: '2025-03-12T01:00:00+00:00', state: 0.01, sum: 0.16 }],
    ]);
    should(out3).have.length(1);
    should(out2).have.length(0);
    should(caught).have.length(2);
    for (const c of caught) {
      const error = c.error as { message: string; source: { id: string } };
      should(error.source.id).equal('x2');
      should(error.message).match(/statisticInUse|already exported/);
      should(error.message).containEql('econetatmo:70ee50a1b2c3_4');
      should(error.message).containEql('kitchen');
    }
    const statuses = (x2 as unknown as { status: { args: unknown[][] } }).status.args.map((a) => a[0] as { fill?: string });
    should(statuses[statuses.length - 1].fill).equal('red');

    // Redeployed without x1: x1 let go when it closed, and x2 carries its sum on.
    await helper.unload();
    await helper.load(exportNode, [ha('x2', {}), { id: 'x2out', type: 'helper' }, ...catcher]);
    const again = received('x2out');
    const caughtAgain = received('caught');
    helper.getNode('x2').receive(measureMsg([[H0 + 4 * HALF, 20]]));
    await settle();
    should(caughtAgain).eql([]);
    should(again.map((m) => (m.payload as { stats: unknown[] }).stats)).eql([[{ start: '2025-03-12T02:00:00+00:00', state: 0.02, sum: 0.18 }]]);
  });

  it('draws the whole chart for a ui-chart (format dashboard)', async function () {
    await helper.load(exportNode, flow({ format: 'dashboard', chart: 'buckets', span: 48 }));
    const out = received('out1');
    helper.getNode('x1').receive(
      measureMsg([
        [H0, 1],
        [H0 + HALF, 2],
      ]),
    );
    helper.getNode('x1').receive(measureMsg([[H0 + HALF, 3]]));
    await settle();
    should(out).have.length(2);
    should(out[1].action).equal('replace');
    should(out[1].payload).eql([
      { x: H0, y: 1, series: 'Oven' },
      { x: H0 + HALF, y: 3, series: 'Oven' },
    ]);
  });

  it('sends points for the influxdb batch node (format influxdb), in seconds', async function () {
    await helper.load(exportNode, flow({ format: 'influxdb', measurement: 'energy' }));
    const out = received('out1');
    helper.getNode('x1').receive(measureMsg([[H0, 7]]));
    await settle();
    should(out[0].precision).equal('s');
    should(out[0].payload).eql([
      {
        measurement: 'energy',
        tags: { moduleId: '70:ee:50:a1:b2:c3#4', deviceId: '70:ee:50:a1:b2:c3', line: 'Oven', scale: '30min' },
        fields: { sum_energy_elec: 7, total: 7 },
        timestamp: new Date(H0),
      },
    ]);
  });

  it('says in its status "up to" the newest bucket, on the home\'s clock, for the chart and InfluxDB alike', async function () {
    // The helper's spy on status is shared by the nodes: the last call made on this one.
    const statusOf = (id: string): string => {
      const node = helper.getNode(id);
      const spy = node as unknown as { status: { args: Array<[{ text?: string }]>; thisValues: unknown[] } };
      const mine = spy.status.args.filter((_, i) => spy.status.thisValues[i] === node);
      return String(mine[mine.length - 1][0].text);
    };
    await helper.load(exportNode, [
      { id: 'x1', type: 'econetatmo-export', format: 'dashboard', chart: 'buckets', span: 48, wires: [[], []] },
      { id: 'x2', type: 'econetatmo-export', format: 'influxdb', measurement: 'energy', wires: [[], []] },
    ]);
    const msg = measureMsg([
      [H0, 1],
      [H0 + HALF, 2],
    ]);
    (msg.payload as Record<string, unknown>).timezone = 'Asia/Tokyo'; // H0 + 30 min is 09:30 there
    for (const id of ['x1', 'x2']) helper.getNode(id).receive(JSON.parse(JSON.stringify(msg)) as Record<string, unknown>);
    await settle();
    // Under the test helper the catalogue is absent: the key is said with its parameters.
    should(statusOf('x1')).equal('econetatmo-export.status.chart (points=2, time=09:30)');
    should(statusOf('x2')).equal('econetatmo-export.status.influxSent (points=2, time=09:30)');
    for (const lang of ['en-US', 'fr']) {
      const cat = JSON.parse(fs.readFileSync(path.join(ROOT, 'nodes', 'locales', lang, 'econetatmo-export.json'), 'utf8'))['econetatmo-export'];
      // One way to say it: "… · up to <time>" in every format.
      const upTo = lang === 'fr' ? "· jusqu'à __" : '· up to __';
      for (const key of ['haSent', 'influxSent', 'chart']) should(cat.status[key]).containEql(upTo);
    }
  });

  it('has every text it can show in English and in French', function () {
    const sources = ['src/nodes/export/export.ts', ...fs.readdirSync(path.join(ROOT, 'src', 'export')).map((f) => `src/export/${f}`)]
      .map((f) => fs.readFileSync(path.join(ROOT, f), 'utf8'))
      .join('\n');
    const keys = new Set<string>();
    for (const m of sources.matchAll(/new ExportProblem\('([A-Za-z]+)'/g)) keys.add(`errors.${m[1]}`);
    for (const m of sources.matchAll(/key: '([A-Za-z]+)'/g)) keys.add(`warnings.${m[1]}`);
    for (const m of sources.matchAll(/t\('((?:status|errors)\.[A-Za-z]+)'/g)) keys.add(m[1]);
    should(keys.size).be.above(12);
    for (const lang of ['en-US', 'fr']) {
      const cat = JSON.parse(fs.readFileSync(path.join(ROOT, 'nodes', 'locales', lang, 'econetatmo-export.json'), 'utf8'))['econetatmo-export'];
      for (const key of keys) {
        const [group, name] = key.split('.');
        should(typeof cat[group]?.[name]).equal('string', `${lang}: ${key}`);
      }
      const en = JSON.parse(fs.readFileSync(path.join(ROOT, 'nodes', 'locales', 'en-US', 'econetatmo-export.json'), 'utf8'))['econetatmo-export'];
      for (const group of Object.keys(en)) {
        if (typeof en[group] === 'object') should(Object.keys(cat[group])).eql(Object.keys(en[group]), `${lang}: ${group}`);
      }
    }
  });
});
