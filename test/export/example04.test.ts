// Example 04 as shipped (only pointed at the simulator and the stand-in Home Assistant): its
// inject backfills 30 days, its measure node reads on its own timer, and the baseline loop of the
// example is what answers the export node's first question. Home Assistant ends up holding the
// simulator's consumption for every hour.
import '../support/node-red-line';
import path from 'path';
import should from 'should';
import helper from 'node-red-node-test-helper';
import type { Simulator } from '../../src/simulator';
import type { VirtualClock } from '../support/virtual-clock';
import type { HaStandIn } from '../support/ha-standin';
import { haConnected, haNodes, quietOn, startHaRig, statisticIdOf, type HaRig } from './ha-support';
import { DAY, HOUR, truthBuckets, truthHours } from './truth';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const flows = require(path.join(ROOT, 'scripts', 'demo', 'flows.js')) as {
  ACCOUNT_ID: string;
  loadExamples(): Array<{ file: string; nodes: Array<Record<string, unknown> & { id: string; type: string }> }>;
  retarget<T>(nodes: T[], target: { apiUrl: string; deviceId: string }): T[];
};
const modules = [
  require(path.join(ROOT, 'nodes', 'econetatmo-account.js')),
  require(path.join(ROOT, 'nodes', 'econetatmo-measure.js')),
  require(path.join(ROOT, 'nodes', 'econetatmo-export.js')),
  require('@node-red/nodes/core/common/20-inject.js'),
  haNodes,
];

const T0 = Date.UTC(2025, 2, 12, 10, 7);

describe('example 04 Home Assistant energy, as shipped, against the stand-in', function () {
  this.timeout(120_000);
  let rig: HaRig;
  let sim: Simulator;
  let ha: HaStandIn;
  let clock: VirtualClock;

  before(async function () {
    rig = await startHaRig(T0);
    ({ clock, sim, ha } = rig);
  });
  after(async function () {
    await rig.close();
  });

  it('backfills 30 days and keeps up, through its own baseline loop', async function () {
    const example = flows.loadExamples().find((e) => e.file === '04 Home Assistant energy.json');
    should.exist(example);
    const line = sim.lines()[0];
    const nodes = flows
      .retarget(example!.nodes, { apiUrl: sim.url, deviceId: line.deviceId })
      .filter((n) => n.type !== 'comment' && n.type !== 'global-config')
      .map((n) => (n.type === 'debug' ? { id: n.id, z: n.z, type: 'helper', x: n.x, y: n.y, wires: [] } : n))
      .map((n) => (n.type === 'inject' ? { ...n, once: false } : n));
    const server = nodes.find((n) => n.type === 'server')!;
    const tokens = sim.issueTokens();
    await helper.load(modules as Parameters<typeof helper.load>[0], nodes, {
      [flows.ACCOUNT_ID]: { clientId: sim.clientId, clientSecret: sim.clientSecret, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken },
      [server.id]: { host: ha.url, access_token: ha.token },
    });
    await haConnected(ha, 0);
    const quiet = (): Promise<void> => quietOn(clock, () => ha.received.length);
    // What its inject sends at start (the inject itself would compute the dates on the real clock).
    helper.getNode('econetatmo.ex04.measure').receive({ dateBegin: T0 - 30 * DAY });
    await quiet();
    for (let i = 0; i < 12; i++) {
      // The measure node reads on its own 10-minute timer.
      await clock.runFor(HOUR);
      await quiet();
    }
    should(ha.received).containEql('recorder/statistics_during_period');
    should(ha.errors.filter((e) => e.type.startsWith('recorder/'))).eql([]);
    const id = statisticIdOf(line.moduleId);
    const rows = ha.rows(id);
    const truth = truthHours(truthBuckets(sim, line.moduleId, T0 - 30 * DAY - ((T0 - 30 * DAY) % HOUR), clock.now()));
    should(rows.length).equal(truth.size);
    let prev = 0;
    for (const r of rows) {
      should((r.sum as number) - prev).be.approximately((truth.get(r.start) as number) / 1000, 1e-6);
      prev = r.sum as number;
    }
  });
});
