// econetatmo-export into Home Assistant, with real parts: the measure node against the simulator,
// the export node, and node-red-contrib-home-assistant-websocket's own server and API nodes
// talking to a stand-in Home Assistant that applies the recorder's rules (test/support/ha-standin.ts).
// After a backfill, live reads with revisions, a restart, a lost state file and a backfill of
// older hours, the Energy dashboard's consumption of every hour and day (the difference of
// consecutive sums) equals the simulator's, and no hour is negative.
import '../support/node-red-line';
import fs from 'fs';
import path from 'path';
import should from 'should';
import helper from 'node-red-node-test-helper';
import type { Simulator } from '../../src/simulator';
import type { VirtualClock } from '../support/virtual-clock';
import type { HaStandIn } from '../support/ha-standin';
import { accountCredentials, accountFlowNode, accountNode, exportNode, measureNode, measureNodeOf, type FlowNode } from '../nodes/measure-support';
import type { MeasurePayload } from '../../src/contract/measure-payload';
import { haApiNode, haConnected, haCredentials, haNodes, haServerNode, quietOn, startHaRig, statisticIdOf, type HaRig } from './ha-support';
import { checkHaCostRows, checkHaRows, DAY, FOUR_TYPES, HOUR } from './truth';
import { ledgerFile } from '../../src/export/ledger-store';

const T0 = Date.UTC(2025, 2, 12, 10, 7);

function placed(nodes: FlowNode[]): FlowNode[] {
  // Nodes with a position are flow nodes (not config nodes) to Node-RED.
  return [{ id: 'f1', type: 'tab' }, ...nodes.map((n, i) => ({ z: 'f1', x: 100 + i * 10, y: 100, ...n }))];
}

function flow(sim: Simulator, moduleId: string, emit: string, exportProps: Record<string, unknown> = {}): FlowNode[] {
  return [
    accountFlowNode(sim),
    haServerNode(),
    ...placed([
      measureNodeOf('m1', { moduleId, emit, types: FOUR_TYPES.join(',') }, [['x1', 'measured']]),
      { id: 'measured', type: 'helper' },
      {
        id: 'x1',
        type: 'econetatmo-export',
        format: 'homeassistant',
        source: 'econetatmo',
        statisticId: '',
        baselineTimeout: 600,
        ...exportProps,
        wires: [['imp'], ['ask']],
      },
      haApiNode('imp', [['imported']]),
      haApiNode('ask', [['x1']]),
      { id: 'imported', type: 'helper' },
      { id: 'c1', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
      { id: 'caught', type: 'helper' },
    ]),
  ];
}

describe('econetatmo-export → Home Assistant (stand-in) through the real API node', function () {
  this.timeout(120_000);
  let rig: HaRig;
  let sim: Simulator;
  let ha: HaStandIn;
  let clock: VirtualClock;
  let userDir: string;
  let moduleId: string;
  let statisticId: string;
  let emit = 'all';
  const measured: MeasurePayload[] = [];
  const caught: Array<Record<string, unknown>> = [];

  async function load(): Promise<void> {
    const connected = ha.received.length;
    await helper.load([accountNode, measureNode, exportNode, haNodes as never], flow(sim, moduleId, emit), {
      ...accountCredentials(sim),
      ...haCredentials(ha),
    });
    helper.getNode('measured').on('input', (m: Record<string, unknown>) => measured.push(m.payload as MeasurePayload));
    helper.getNode('caught').on('input', (m: Record<string, unknown>) => caught.push(m));
    await haConnected(ha, connected);
  }

  /** Lets the reads, the websocket round trips and the imports finish. */
  function quiet(): Promise<void> {
    return quietOn(clock, () => ha.received.length + measured.length);
  }

  async function read(msg: Record<string, unknown> = { payload: 'read' }): Promise<void> {
    helper.getNode('m1').receive(msg);
    await quiet();
  }

  /** Every hour of the simulator in [from, to) equals what Home Assistant's rows say, and so every day. */
  function checkAgainstTruth(fromTime: number, to: number): { hours: number; days: number } {
    return checkHaRows(ha.rows(statisticId), sim, moduleId, fromTime, to);
  }

  before(async function () {
    rig = await startHaRig(T0, { revisionRate: 0.15 });
    ({ clock, sim, ha, userDir } = rig);
    moduleId = sim.lines()[1].moduleId;
    statisticId = statisticIdOf(moduleId);
  });

  after(async function () {
    await rig.close();
  });

  it('backfills a week, keeps up with live reads and revisions across a restart, a lost state file and older hours', async function () {
    await load();
    // 1. A backfilled week: no ledger yet, so the node first asks Home Assistant (nothing there).
    await read({ dateBegin: T0 - 7 * DAY, dateEnd: T0 });
    should(caught).eql([]);
    should(ha.received).containEql('recorder/statistics_during_period');
    should(ha.metadata(statisticId)).eql({
      source: 'econetatmo',
      statistic_id: statisticId,
      name: sim.lines()[1].name,
      unit_of_measurement: 'kWh',
      unit_class: 'energy',
      has_sum: true,
      mean_type: 0,
    });
    should(ha.imports.commands).be.above(0);
    let checked = checkAgainstTruth(T0 - 7 * DAY, clock.now());
    should(checked.hours).be.above(7 * 24 - 6);

    // 2. Live reads every hour for a day: new buckets, late ones and revisions.
    for (let i = 0; i < 24; i++) {
      await clock.runFor(HOUR);
      await read();
    }
    should(measured.some((p) => p.revised.length > 0)).be.true('the simulator revised some buckets');
    checkAgainstTruth(T0 - 7 * DAY, clock.now());

    // 3. A restart: the ledger on disk carries the sum on.
    await helper.unload();
    const importsBefore = ha.imports.rows;
    await load();
    await read();
    for (let i = 0; i < 6; i++) {
      await clock.runFor(HOUR);
      await read();
    }
    should(ha.imports.rows - importsBefore).be.below(6 * 12 + 40, 'a restart re-sends only what changed');
    checkAgainstTruth(T0 - 7 * DAY, clock.now());

    // 4. The state file is lost: the node asks Home Assistant for its sum and continues from it.
    await helper.unload();
    fs.rmSync(path.join(userDir, 'econetatmo', 'export'), { recursive: true, force: true });
    const asksBefore = ha.received.filter((t) => t === 'recorder/statistics_during_period').length;
    await load();
    for (let i = 0; i < 6; i++) {
      await clock.runFor(HOUR);
      await read();
    }
    // One read for the energy statistic, one for its cost statistic.
    should(ha.received.filter((t) => t === 'recorder/statistics_during_period').length).equal(asksBefore + 2);
    checkAgainstTruth(T0 - 7 * DAY, clock.now());

    // 5. Older hours arrive (a backfill of the week before): every later sum moves up, no hour jumps.
    await read({ dateBegin: T0 - 14 * DAY, dateEnd: T0 - 7 * DAY });
    await clock.runFor(HOUR);
    await read();
    checked = checkAgainstTruth(T0 - 14 * DAY, clock.now());
    should(checked.hours).be.above(14 * 24);
    should(checked.days).be.aboveOrEqual(15);
    // The cost statistic beside it: energy × price hour by hour through the same backfill, revisions, restart and lost state.
    should(ha.metadata(`${statisticId}_cost`)).eql({
      source: 'econetatmo',
      statistic_id: `${statisticId}_cost`,
      name: sim.lines()[1].name,
      unit_of_measurement: 'EUR',
      unit_class: null,
      has_sum: true,
      mean_type: 0,
    });
    should(checkHaCostRows(ha.rows(`${statisticId}_cost`), sim, moduleId, T0 - 14 * DAY, clock.now()).hours).be.above(14 * 24);
    should(caught).eql([]);
    should(ha.errors.filter((e) => e.type.startsWith('recorder/'))).eql([]);
  });

  it('with a measure node sending only changes: backfill, live reads, revisions, a restart and older hours', async function () {
    await helper.unload();
    emit = 'changes';
    moduleId = sim.lines()[2].moduleId;
    statisticId = statisticIdOf(moduleId);
    const start = clock.now();
    await load();
    await read({ dateBegin: start - 7 * DAY, dateEnd: start });
    for (let i = 0; i < 12; i++) {
      await clock.runFor(HOUR);
      await read();
    }
    await helper.unload();
    await load();
    for (let i = 0; i < 12; i++) {
      await clock.runFor(HOUR);
      await read();
    }
    await read({ dateBegin: start - 10 * DAY, dateEnd: start - 7 * DAY });
    checkAgainstTruth(start - 10 * DAY, clock.now());
    should(caught).eql([]);
  });

  it('refuses bad input with one clear error each: nothing sent, the ledger untouched', async function () {
    const file = ledgerFile(path.join(userDir, 'econetatmo', 'export'), statisticId);
    const before = fs.readFileSync(file, 'utf8');
    const importsBefore = ha.imports.commands;
    const good = measured[measured.length - 1];
    const bad: Array<[string, Record<string, unknown>]> = [
      ['not measure output', { payload: { hello: 'world' } }],
      ['a coarse scale', { payload: { ...good, scale: '1day', points: [{ start: T0 - DAY, end: T0, values: {}, total: 5 }] } }],
      ['a name with markup', { payload: { ...good, name: 'Oven <script>' } }],
    ];
    for (const [what, msg] of bad) {
      const n = caught.length;
      helper.getNode('x1').receive(msg);
      await quiet();
      should(caught.length).equal(n + 1, what);
      should(String((caught[n].error as { message?: string }).message)).not.be.empty();
    }
    should(ha.imports.commands).equal(importsBefore);
    should(fs.readFileSync(file, 'utf8')).equal(before);
  });
});
