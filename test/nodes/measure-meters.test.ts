// econetatmo-measure on the Legrand range beside the ecocounter, inside Node-RED against the
// simulator on a virtual clock: an NLPC and a phase of an NLY read with neither device nor types
// set (both from the account's lines), local days, a range, `interval: auto` learning the
// gateway's own upload rhythm (30 min in the simulator, not the ecocounter's 3 h), revisions, the
// export of an NLPC into Home Assistant's hourly rows, and a module the account does not have.
import should from 'should';
import helper from 'node-red-node-test-helper';
import { startSimulator, type Simulator, type SimMeter } from '../../src/simulator';
import { nodeRedSettings, removeTempUserDirs, useTempUserDir } from '../support/node-red-settings';
import { recentWindow } from '../../src/netatmo/measure-plan';
import { startOfDay } from '../../src/lib/local-calendar';
import {
  accountCredentials,
  accountNode,
  countRequests,
  expectedTotal,
  exportNode,
  GETMEASURE,
  measureFlow,
  measureNode,
  NO_LIMITS,
  received,
  sendAndWait,
  sendDelays,
  settle,
  VirtualClock,
  type FlowNode,
} from './measure-support';
import type { MeasurePayload as Payload } from '../../src/contract/measure-payload';

const T0 = Date.UTC(2025, 2, 12, 10, 7);
const MIN = 60_000;
const HOUR = 60 * MIN;
const GRID = ['sum_energy_buy_from_grid', 'sum_energy_buy_from_grid$0', 'sum_energy_buy_from_grid$1', 'sum_energy_buy_from_grid$2'];

/** The total the contract gives a bucket of the buy_from_grid family. */
function gridTotal(values: Record<string, number | null>): number | null {
  return expectedTotal(values, 'sum_energy_buy_from_grid');
}

function flow(sim: Simulator, props: Record<string, unknown>): FlowNode[] {
  const exportTo: FlowNode[] = [
    { id: 'x1', type: 'econetatmo-export', format: 'homeassistant', wires: [['imports'], ['asks']] },
    { id: 'imports', type: 'helper' },
    { id: 'asks', type: 'helper' },
  ];
  // Made as the editor makes a new node: no device, no types (the model's default).
  return measureFlow(sim, { deviceId: '', types: '', ...props }, { wiredTo: ['x1'], extra: exportTo });
}

/** Sends a message to m1 and waits for its done(): what came out meanwhile, or the error. */
const input = sendAndWait<Payload>;

describe('econetatmo-measure on every Legrand meter', function () {
  this.timeout(120_000);
  let sim: Simulator;
  let clock: VirtualClock;
  let nlpc: SimMeter;
  let phase: SimMeter;

  beforeEach(async function () {
    useTempUserDir();
    clock = new VirtualClock({ start: T0 });
    nodeRedSettings({ clock });
    sim = await startSimulator({ port: 0, now: () => clock.now(), rateLimits: NO_LIMITS, seed: 11 });
    nlpc = sim.modules().find((m) => m.model === 'NLPC') as SimMeter;
    phase = sim.modules().find((m) => m.model === 'NLY' && m.role === 'phase') as SimMeter;
  });
  afterEach(async function () {
    await helper.unload();
    await clock.settle();
    clock.dispose();
    await sim.close();
  });
  after(removeTempUserDirs);

  async function load(module: SimMeter, props: Record<string, unknown> = {}): Promise<void> {
    await helper.load([accountNode, measureNode, exportNode], flow(sim, { moduleId: module.moduleId, ...props }), accountCredentials(sim));
  }

  for (const which of ['an NLPC', 'a phase of an NLY'] as const) {
    it(`reads ${which} from its gateway, in the buy_from_grid family, one request, the cloud's buckets`, async function () {
      const module = which === 'an NLPC' ? nlpc : phase;
      await load(module);
      const { sent, error } = await input({ payload: 'go' });
      should.not.exist(error);
      should(countRequests(sim, GETMEASURE)).equal(1);
      should(sent).have.length(1);
      const p = sent[0];
      should(p).match({ moduleId: module.moduleId, deviceId: module.deviceId, name: module.name, types: GRID, unit: 'Wh', timezone: module.timezone });
      should(module.deviceId).not.equal(module.moduleId.split('#')[0]);
      const w = recentWindow('30min', T0);
      const cloud = sim.buckets({ moduleId: module.moduleId, types: GRID, scale: '30min', from: w.dateBegin, to: T0 });
      should(cloud.length).be.above(10);
      should(p.points.map((x) => x.start)).eql(cloud.map((b) => b.start));
      p.points.forEach((x, i) => {
        should(x.values).eql(cloud[i].values);
        should(x.total).equal(gridTotal(x.values));
      });
      // The home's contract puts the energy in the tariff columns: the total comes from them.
      should(p.points.some((x) => x.values.sum_energy_buy_from_grid === null && typeof x.total === 'number' && x.total > 0)).be.true();
    });
  }

  it("reads an NLPC's days in its home's zone: local midnights, the cloud's values", async function () {
    await load(nlpc, { scale: '1day' });
    const { sent, error } = await input({});
    should.not.exist(error);
    const p = sent[0];
    should(p.timezone).equal(nlpc.timezone);
    should(p.points.length).be.above(1);
    for (const x of p.points) {
      should(x.start).equal(startOfDay(nlpc.timezone, x.start));
      should(x.end).equal(startOfDay(nlpc.timezone, x.end));
    }
    const cloud = sim.buckets({ moduleId: nlpc.moduleId, types: GRID, scale: '1day', from: p.points[0].start, to: T0 });
    should(p.points.map((x) => x.values)).eql(cloud.map((b) => b.values));
  });

  for (const which of ['an NLPC', 'a phase of an NLY'] as const) {
    it(`a range of ${which}: every bucket, once, in pages for a Join node, and not again by the next read`, async function () {
      const module = which === 'an NLPC' ? nlpc : phase;
      await load(module);
      const dateBegin = T0 - 3 * 24 * HOUR;
      const { sent, error } = await input({ dateBegin, rangeOutput: 'parts' });
      should.not.exist(error);
      const points = sent.flatMap((p) => p.points);
      const cloud = sim.buckets({ moduleId: module.moduleId, types: GRID, scale: '30min', from: dateBegin, to: T0 });
      should(points.map((x) => x.start)).eql(cloud.map((b) => b.start));
      should(points.every((x) => x.total === gridTotal(x.values))).be.true();
      const again = await input({});
      should.not.exist(again.error);
      should(again.sent).have.length(0);
    });

    it(`interval auto on ${which} learns its gateway's own rhythm: each new bucket is sent minutes after the cloud has it`, async function () {
      const module = which === 'an NLPC' ? nlpc : phase;
      await load(module, { interval: 'auto' });
      const first = new Map<number, number>();
      helper.getNode('out').on('input', (m: Record<string, unknown>) => {
        for (const x of (m.payload as Payload).points) if (!first.has(x.start)) first.set(x.start, clock.now());
      });
      await clock.runFor(4 * HOUR); // learning
      sim.resetStats();
      const from = clock.now();
      await clock.runFor(6 * HOUR);
      const to = clock.now();
      const delays = sendDelays(sim, module.moduleId, GRID, first, from, to, 2 * HOUR);
      should(delays.length).be.above(8);
      // A 3-hour rhythm would leave most buckets waiting for the hourly safety read; a 10-minute
      // poll would average 5 minutes. Learnt, the reads follow the half-hourly uploads.
      should(delays[Math.floor(delays.length / 2)]).be.belowOrEqual(6 * MIN);
      should(delays[delays.length - 1]).be.belowOrEqual(15 * MIN);
      if (process.env.ECONETATMO_DEBUG) {
        const minutes = delays.map((d) => Math.round(d / MIN)).join(' ');
        console.log(`auto on ${which}, 6 h: ${countRequests(sim, GETMEASURE)} requests, delays (min) ${minutes}`);
      }
    });
  }

  it("follows an NLPC's revisions: what was sent last for each bucket is what the cloud serves now", async function () {
    // A cloud that revises a fifth of the range's buckets after serving them.
    await sim.close();
    sim = await startSimulator({ port: 0, now: () => clock.now(), rateLimits: NO_LIMITS, seed: 11, meterRevisionRate: 0.2 });
    await load(nlpc, { interval: 10 });
    const last = new Map<number, Record<string, number | null>>();
    let revised = 0;
    helper.getNode('out').on('input', (m: Record<string, unknown>) => {
      const p = m.payload as Payload;
      revised += p.revised.length;
      for (const x of p.points) last.set(x.start, x.values);
    });
    await clock.runFor(24 * HOUR);
    const now = clock.now();
    const w = recentWindow('30min', now);
    const cloud = sim.buckets({ moduleId: nlpc.moduleId, types: GRID, scale: '30min', from: w.dateBegin, to: now });
    should(cloud.length).be.above(10);
    for (const b of cloud) should(last.get(b.start)).eql(b.values, new Date(b.start).toISOString());
    should(revised).be.above(0);
  });

  it("exports an NLPC into Home Assistant's hourly rows under a statistic of its own id", async function () {
    await load(nlpc);
    const asks = received('asks');
    const imports = received('imports');
    const { error, sent } = await input({});
    should.not.exist(error);
    // The energy statistic, and its cost statistic (the home has prices).
    should(asks).have.length(2);
    const statisticId = `econetatmo:${nlpc.moduleId.replace(/:/g, '')}`;
    should(asks[0].econetatmoBaseline).match({ statisticId });
    should(asks[1].econetatmoBaseline).match({ statisticId: `${statisticId}_cost` });
    // Home Assistant has no row of it yet.
    helper.getNode('x1').receive({ payload: {}, econetatmoBaseline: asks[0].econetatmoBaseline });
    await settle();
    should(imports).have.length(1);
    const command = imports[0].payload as { metadata: { statistic_id: string; name: string }; stats: Array<{ start: string; state: number; sum: number }> };
    should(command.metadata).match({ statistic_id: statisticId, name: nlpc.name });
    // Each hour is the sum of its two half-hours, in kWh, and the sum runs on.
    const byHour = new Map<number, number>();
    for (const x of sent[0].points) byHour.set(Math.floor(x.start / HOUR) * HOUR, (byHour.get(Math.floor(x.start / HOUR) * HOUR) ?? 0) + (x.total ?? 0));
    let sum = 0;
    for (const row of command.stats) {
      const wh = byHour.get(Date.parse(row.start)) as number;
      should(row.state).be.approximately(wh / 1000, 0.0005);
      sum += row.state;
      should(row.sum).be.approximately(sum, 0.0005);
    }
    should(command.stats.length).be.above(5);
  });

  it('a module the account does not have, without its device: one clear error, no measure request', async function () {
    await load(nlpc);
    sim.resetStats();
    const { sent, error } = await input({ moduleId: '00:04:74:00:01:ff:ff:ff' });
    should(error?.message).match(/unknownModule|not a module of this account/);
    should(sent).have.length(0);
    should(countRequests(sim, GETMEASURE)).equal(0);
    // With its gateway given, it is asked (and the cloud says what it thinks of it).
    const asked = await input({ moduleId: nlpc.moduleId, deviceId: nlpc.deviceId, types: ['sum_energy_buy_from_grid$0'] });
    should.not.exist(asked.error);
    should(countRequests(sim, GETMEASURE)).equal(1);
  });
});
