// econetatmo-export into a real InfluxDB 1.x (Debian's influxd, started by the test) through
// node-red-contrib-influxdb's own `influxdb batch` node: a backfilled month, then live reads with
// revisions and a restart in between. InfluxQL then proves one point per bucket, no duplicates,
// every value equal to the simulator's, and hourly and daily sums equal to its totals. One line's
// backfill comes as msg.parts pages.
import '../support/node-red-line';
import should from 'should';
import helper from 'node-red-node-test-helper';
import { startSimulator, type Simulator } from '../../src/simulator';
import { nodeRedSettings, removeTempUserDirs, useTempUserDir } from '../support/node-red-settings';
import { VirtualClock } from '../support/virtual-clock';
import { influxdAvailable, startInfluxd, type Influxd } from '../support/influxd';
import { accountCredentials, accountFlowNode, accountNode, exportNode, measureNode, measureNodeOf, type FlowNode } from '../nodes/measure-support';
import type { MeasurePayload } from '../../src/contract/measure-payload';
import { bucketCostMilli, byDay, SIM_OFF_PEAK, SIM_PEAK, DAY, FOUR_TYPES, HOUR, truthBuckets, truthHours } from './truth';
import { fromWallClock } from '../../src/lib/local-calendar';

const influxNodes = require('node-red-contrib-influxdb/influxdb.js');

const T0 = Date.UTC(2025, 2, 12, 10, 7);
const NO_LIMITS = [{ windowMs: 10_000, max: 10_000 }];
const DB = 'econetatmo';

function flow(sim: Simulator, influx: Influxd, moduleIds: string[]): FlowNode[] {
  const nodes: FlowNode[] = [
    accountFlowNode(sim),
    {
      id: 'db1',
      type: 'influxdb',
      hostname: influx.host,
      port: String(influx.port),
      protocol: 'http',
      database: DB,
      name: 'test',
      usetls: false,
      influxdbVersion: '1.x',
    },
    { id: 'x1', type: 'econetatmo-export', format: 'influxdb', measurement: 'energy', wires: [['ib']] },
    { id: 'ib', type: 'influxdb batch', influxdb: 'db1', precision: '', retentionPolicy: '' },
    { id: 'c1', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper' },
    { id: 'k1', type: 'complete', scope: ['ib'], uncaught: false, wires: [['written']] },
    { id: 'written', type: 'helper' },
    { id: 'measured', type: 'helper' },
  ];
  moduleIds.forEach((moduleId, i) =>
    // The second line sends its backfill as msg.parts pages.
    nodes.push(measureNodeOf(`m${i}`, { moduleId, types: FOUR_TYPES.join(','), rangeOutput: i === 1 ? 'parts' : 'message' }, [['x1', 'measured']])),
  );
  return nodes;
}

describe('econetatmo-export → InfluxDB 1.x (real influxd) through the influxdb batch node', function () {
  this.timeout(180_000);
  let sim: Simulator;
  let influx: Influxd;
  let clock: VirtualClock;
  let moduleIds: string[];
  const measured: MeasurePayload[] = [];
  const caught: Array<Record<string, unknown>> = [];
  let writes = 0;
  let pages = 0;

  before(async function () {
    if (!influxdAvailable()) {
      // scripts/ensure-influxdb.js (run by `npm test`) installs it; where it could not, say so.
      this.skip();
    }
    influx = await startInfluxd();
    await influx.exec(`CREATE DATABASE ${DB}`);
    clock = new VirtualClock({ start: T0 });
    nodeRedSettings({ clock });
    sim = await startSimulator({ now: clock.now, rateLimits: NO_LIMITS, revisionRate: 0.15 });
    useTempUserDir();
    moduleIds = [sim.lines()[1].moduleId, sim.lines()[2].moduleId];
  });

  after(async function () {
    await helper.unload();
    if (clock) clock.dispose();
    nodeRedSettings({ clock: undefined });
    if (sim) await sim.close();
    if (influx) await influx.stop();
    removeTempUserDirs();
  });

  async function load(): Promise<void> {
    await helper.load([accountNode, measureNode, exportNode, influxNodes], flow(sim, influx, moduleIds), {
      ...accountCredentials(sim),
      db1: { username: '', password: '' },
    });
    helper.getNode('measured').on('input', (m: Record<string, unknown>) => {
      measured.push(m.payload as MeasurePayload);
      if (m.parts !== undefined) pages++;
    });
    helper.getNode('caught').on('input', (m: Record<string, unknown>) => caught.push(m));
    helper.getNode('written').on('input', () => writes++);
  }

  async function quiet(): Promise<void> {
    let last = -1;
    let stable = 0;
    for (let i = 0; i < 600 && stable < 6; i++) {
      await clock.runFor(100);
      await new Promise((r) => setTimeout(r, 15));
      const n = writes + measured.length + caught.length;
      stable = n === last ? stable + 1 : 0;
      last = n;
    }
  }

  async function readAll(msg: Record<string, unknown> = { payload: 'read' }): Promise<void> {
    moduleIds.forEach((_, i) => helper.getNode(`m${i}`).receive({ ...msg }));
    await quiet();
  }

  it("holds every bucket once, with the cloud's values, after a backfill, revisions and a restart", async function () {
    await load();
    await readAll({ dateBegin: T0 - 30 * DAY, dateEnd: T0 });
    for (let i = 0; i < 12; i++) {
      await clock.runFor(HOUR);
      await readAll();
    }
    await helper.unload();
    await load();
    for (let i = 0; i < 12; i++) {
      await clock.runFor(HOUR);
      await readAll();
    }
    should(caught).eql([]);
    should(measured.some((p) => p.revised.length > 0)).be.true('the simulator revised some buckets');
    should(pages).be.above(1);
    const from = T0 - 30 * DAY - ((T0 - 30 * DAY) % HOUR);
    const to = clock.now();
    for (const moduleId of moduleIds) {
      const truth = truthBuckets(sim, moduleId, from, to);
      const where = `"moduleId" = '${moduleId}' AND time >= ${from}ms AND time < ${to}ms`;
      // One point per bucket: as many points as buckets, at exactly their starts.
      const all = await influx.query(DB, `SELECT * FROM energy WHERE ${where}`);
      should(all).have.length(1);
      const cols = all[0].columns;
      const rows = all[0].values.map((v) => Object.fromEntries(cols.map((c, i) => [c, v[i]])));
      should(rows.map((r) => r.time)).eql(truth.map((b) => b.start));
      rows.forEach((r, i) => {
        const b = truth[i];
        should(r.total).equal(b.total);
        for (const t of FOUR_TYPES) should(r[t] ?? null).equal(b.values[t], `${t} at ${new Date(b.start).toISOString()}`);
        should(r.scale).equal('30min');
        should(r.line).equal(sim.lines().find((l) => l.moduleId === moduleId)?.name);
      });
      const count = await influx.query(DB, `SELECT count("total") FROM energy WHERE ${where}`);
      should(count[0].values[0][1]).equal(truth.length);
      // Hourly and daily sums, as Grafana would ask for them.
      const hours = truthHours(truth);
      const hourly = await influx.query(DB, `SELECT sum("total") FROM energy WHERE ${where} GROUP BY time(1h) fill(none)`);
      should(new Map(hourly[0].values.map((v) => [v[0] as number, v[1] as number]))).eql(hours);
      const days = byDay(hours);
      const daily = await influx.query(DB, `SELECT sum("total") FROM energy WHERE ${where} GROUP BY time(1d) fill(none)`);
      should(new Map(daily[0].values.map((v) => [v[0] as number, v[1] as number]))).eql(days);
      // The cost of a month (the README's query): the sum of the simulator's energy × price over the home's month.
      const monthStart = fromWallClock('Europe/Paris', Date.UTC(2025, 2, 1));
      const monthEnd = fromWallClock('Europe/Paris', Date.UTC(2025, 3, 1));
      const month = await influx.query(
        DB,
        `SELECT sum("cost") FROM energy WHERE "moduleId" = '${moduleId}' AND time >= ${monthStart}ms AND time < ${monthEnd}ms`,
      );
      const monthTruth = truth.filter((b) => b.start >= monthStart && b.start < monthEnd);
      // Each point's cost is kept to the millionth: the month is the exact sum to well under a cent.
      const expected = monthTruth.reduce(
        (sum, b) => sum + ((b.values['sum_energy_elec$1'] ?? 0) * SIM_PEAK + (b.values['sum_energy_elec$2'] ?? 0) * SIM_OFF_PEAK) / 1000,
        0,
      );
      should(monthTruth.length).be.above(11 * 48);
      should(month[0].values[0][1] as number).be.approximately(expected, monthTruth.length * 1e-6);
      rows.forEach((r, i) => should(Math.round((r.cost as number) * 1000)).equal(bucketCostMilli(truth[i].values)));
    }
    // Low cardinality: one series per line.
    const series = await influx.query(DB, 'SHOW SERIES FROM energy');
    should(series[0].values).have.length(moduleIds.length);
  });
});
