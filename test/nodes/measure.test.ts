// Over 300 lines: one node's core behaviours over one flow, simulator and clock; backfill, auto and
// local time have files of their own.
import fs from 'fs';
// econetatmo-measure inside Node-RED against the simulator, on a virtual clock: one request
// per read, buckets as the cloud holds them, changes only, revisions, all mode, overrides,
// range reads, bad input, the timer, close.
import path from 'path';
import should from 'should';
import helper from 'node-red-node-test-helper';
import { startSimulator, type Simulator, type SimBucket, type SimulatorOptions } from '../../src/simulator';
import type { MeasurePayload, MeasurePoint } from '../../src/contract/measure-payload';
import { recentWindow } from '../../src/netatmo/measure-plan';
import type { Scale } from '../../src/contract/measure-types';
import {
  ACCOUNT_ID,
  accountCredentials,
  accountNode,
  collect,
  countRequests,
  expectedTotal,
  FOUR_TYPES,
  GETMEASURE,
  measureFlow,
  measureNode,
  nextMessage,
  NO_LIMITS,
  readSettled,
  sendAndWait,
  settle,
  VirtualClock,
  type FlowNode,
} from './measure-support';
import { currentUserDir, nodeRedSettings, removeTempUserDirs, useTempUserDir } from '../support/node-red-settings';
import { eventually } from '../support/poll';
import { HOSTILE_LINE_NAMES } from '../support/hostile-lines';

const T0 = Date.UTC(2025, 2, 12, 10, 7);
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

function flow(sim: Simulator, props: Record<string, unknown>): FlowNode[] {
  return measureFlow(sim, { types: FOUR_TYPES.join(','), ...props });
}

/** Sends a message and waits for its done(): resolves with what came out meanwhile, or the error. */
const input = sendAndWait;

function truth(sim: Simulator, moduleId: string, types: string[], scale: Scale, from: number, to: number): SimBucket[] {
  return sim.buckets({ moduleId, types, scale, from, to });
}

function checkAgainst(points: MeasurePoint[], expected: SimBucket[]): void {
  const byStart = new Map(expected.map((b) => [b.start, b]));
  for (const p of points) {
    const b = byStart.get(p.start);
    should.exist(b, `bucket ${new Date(p.start).toISOString()} is not in the cloud`);
    should(p.end).equal((b as SimBucket).end);
    should(p.values).deepEqual((b as SimBucket).values);
    should(p.total).equal(expectedTotal(p.values));
  }
  const starts = points.map((p) => p.start);
  should(starts).deepEqual([...starts].sort((a, b) => a - b));
}

describe('econetatmo-measure node', function () {
  let sim: Simulator;
  let clock: VirtualClock;
  let line: { moduleId: string; deviceId: string; name: string };

  async function startSim(opts: SimulatorOptions = {}): Promise<void> {
    if (sim) await sim.close();
    sim = await startSimulator({ port: 0, now: () => clock.now(), rateLimits: NO_LIMITS, lineNames: HOSTILE_LINE_NAMES, ...opts });
    line = sim.lines()[0];
  }

  beforeEach(async function () {
    // A fresh token store each time: the virtual clock restarts at T0, so an older test's
    // pair on disk would look newer than the one entered.
    useTempUserDir();
    clock = new VirtualClock({ start: T0 });
    nodeRedSettings({ clock });
    await startSim();
  });
  afterEach(async function () {
    await helper.unload();
    await sim.close();
  });
  after(function () {
    removeTempUserDirs();
  });

  async function load(props: Record<string, unknown>, credentials = accountCredentials(sim)): Promise<void> {
    await helper.load([accountNode, measureNode], flow(sim, { moduleId: line.moduleId, ...props }), credentials);
  }

  it("reads every type in one request; buckets are the cloud's; a second read with nothing new sends nothing", async function () {
    await load({});
    sim.resetStats();
    const first = await input({ payload: 'go', keep: 42 });
    should.not.exist(first.error);
    should(countRequests(sim, GETMEASURE)).equal(1);
    should(first.sent).have.length(1);
    const p = first.sent[0];
    should(first.msgs[0].topic).equal(line.name);
    should(first.msgs[0].keep).equal(42);
    should(p.moduleId).equal(line.moduleId);
    should(p.deviceId).equal(line.deviceId);
    should(p.name).equal(line.name);
    should(p.scale).equal('30min');
    should(p.unit).equal('Wh');
    should(p.types).deepEqual(FOUR_TYPES);
    should(p.revised).deepEqual([]);
    const w = recentWindow('30min', T0);
    const expected = truth(sim, line.moduleId, FOUR_TYPES, '30min', w.dateBegin, T0);
    should(expected.length).be.above(0);
    should(p.points.map((x) => x.start)).deepEqual(expected.map((b) => b.start));
    checkAgainst(p.points, expected);
    for (const x of p.points) {
      should(x.end - x.start).equal(30 * MIN);
      should(x.start % (30 * MIN)).equal(0);
    }

    const second = await input({ payload: 'again' });
    should.not.exist(second.error);
    should(second.sent).have.length(0);
    should(countRequests(sim, GETMEASURE)).equal(2);
  });

  it('sends a revised bucket as revised after the next upload, with the new ones', async function () {
    await startSim({ revisionRate: 1 });
    await load({});
    const first = (await input({})).sent[0];
    const firstByStart = new Map(first.points.map((x) => [x.start, x]));
    clock.advanceSync(4 * HOUR);
    const second = await input({});
    should(second.sent).have.length(1);
    const p = second.sent[0];
    should(p.revised.length).be.above(0);
    const w = recentWindow('30min', clock.now());
    checkAgainst(p.points, truth(sim, line.moduleId, FOUR_TYPES, '30min', w.dateBegin, clock.now()));
    for (const x of p.points) {
      const before = firstByStart.get(x.start);
      if (p.revised.includes(x.start)) {
        should.exist(before);
        should(x.values).not.deepEqual((before as MeasurePoint).values);
      } else if (before) {
        should.fail(before, x, `bucket ${x.start} was emitted before unchanged and came again as new`);
      }
    }
    // Nothing new since: nothing sent.
    should((await input({})).sent).have.length(0);
  });

  it('emit all: every input gets the whole window, changed or not', async function () {
    await load({ emit: 'all' });
    const first = (await input({})).sent[0];
    // Nothing changed, but a message asked: it gets the window (and nothing is called revised).
    const again = (await input({})).sent;
    should(again).have.length(1);
    should(again[0].points).deepEqual(first.points);
    should(again[0].revised).deepEqual([]);
    clock.advanceSync(4 * HOUR);
    const second = await input({});
    should(second.sent).have.length(1);
    const now = clock.now();
    const w = recentWindow('30min', now);
    const expected = truth(sim, line.moduleId, FOUR_TYPES, '30min', w.dateBegin, now);
    should(second.sent[0].points.map((x) => x.start)).deepEqual(expected.map((b) => b.start));
    checkAgainst(second.sent[0].points, expected);
    should(second.sent[0].points.length).be.above(0);
    should(first.points.length).be.above(0);
  });

  describe('bad input: a clear error, no request, nothing sent', function () {
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['unknown scale', { scale: '2min' }, 'badScale'],
      ['unknown type (string)', { types: 'sum_energy_elec,bogus' }, 'badType'],
      ['unknown type (array)', { types: ['sum_energy_elec', 7] }, 'badType'],
      ['types not a list', { types: 12 }, 'badTypes'],
      ['malformed dateBegin', { dateBegin: 'yesterday' }, 'badDate'],
      ['impossible date', { dateBegin: '2025-02-30T00:00:00Z' }, 'badDate'],
      ['invalid Date', { dateBegin: new Date('nope') }, 'badDate'],
      ['reversed dates', { dateBegin: new Date(T0 - DAY).toISOString(), dateEnd: new Date(T0 - 2 * DAY).toISOString() }, 'reversedDates'],
      ['dateBegin in the future', { dateBegin: T0 + HOUR }, 'beginInFuture'],
      ['dateEnd alone', { dateEnd: T0 - HOUR }, 'endWithoutBegin'],
      ['moduleId not a line', { moduleId: '00:04:74:12:36:42' }, 'badModule'],
      ['line index out of range', { moduleId: '00:04:74:12:36:42#9' }, 'badModule'],
      ['deviceId of another device', { deviceId: '70:ee:50:00:00:01' }, 'badDevice'],
    ];
    for (const [title, msg, key] of cases) {
      it(title, async function () {
        await load({});
        sim.resetStats();
        const result = await input({ payload: 'x', ...msg });
        should.exist(result.error);
        should((result.error as { message: string }).message).containEql(key);
        should(result.sent).have.length(0);
        should(countRequests(sim, GETMEASURE)).equal(0);
        should(countRequests(sim, '/api/homesdata')).equal(0);
      });
    }

    it("an unknown scale in the node's settings: red status, errors on input, no request", async function () {
      await load({ scale: '2min', interval: 10 });
      sim.resetStats();
      const status = helper.getNode('m1').status as unknown as { args: Array<[{ fill: string; text: string }]> };
      should(status.args[0][0].fill).equal('red');
      should(status.args[0][0].text).containEql('badScale');
      clock.advanceSync(30 * MIN);
      const result = await input({});
      should((result.error as { message: string }).message).containEql('badScale');
      should(countRequests(sim, GETMEASURE)).equal(0);
    });
  });

  it('overrides: another line, types, scale; the line name as topic (kept as plain text)', async function () {
    await load({});
    const hostile = sim.lines()[4];
    sim.resetStats();
    const r = await input({ moduleId: hostile.moduleId, types: ['sum_energy_elec$1', 'sum_energy_price'], scale: '1hour' });
    should.not.exist(r.error);
    should(countRequests(sim, GETMEASURE)).equal(1);
    const p = r.sent[0];
    should(r.msgs[0].topic).equal('<img src=x onerror=alert(1)>');
    should(p.moduleId).equal(hostile.moduleId);
    should(p.deviceId).equal(hostile.deviceId);
    should(p.types).deepEqual(['sum_energy_elec$1', 'sum_energy_price']);
    should(p.scale).equal('1hour');
    const w = recentWindow('1hour', T0);
    const expected = truth(sim, hostile.moduleId, p.types, '1hour', w.dateBegin, T0);
    should(p.points.map((x) => x.start)).deepEqual(expected.map((b) => b.start));
    checkAgainst(p.points, expected);
    for (const x of p.points) should(x.end - x.start).equal(HOUR);

    const s = await input({ types: 'sum_energy_elec, sum_energy_elec$0', deviceId: line.deviceId });
    should(s.sent[0].types).deepEqual(['sum_energy_elec', 'sum_energy_elec$0']);
    should(s.sent[0].moduleId).equal(line.moduleId);
  });

  it('a range read pages (30 days at 30min = 2 requests), shows progress, sends every bucket', async function () {
    await load({});
    sim.resetStats();
    const begin = Math.floor((T0 - 31 * DAY) / (30 * MIN)) * 30 * MIN;
    const end = begin + 30 * DAY;
    const m1 = helper.getNode('m1');
    const texts: string[] = [];
    m1.on('call:status', (call: { args: Array<{ text?: string }> }) => texts.push(String(call.args[0]?.text)));
    const r = await input({ dateBegin: new Date(begin).toISOString(), dateEnd: new Date(end) });
    should.not.exist(r.error);
    should(countRequests(sim, GETMEASURE)).equal(2);
    const p = r.sent[0];
    const expected = truth(sim, line.moduleId, FOUR_TYPES, '30min', begin, end);
    // 1440 slots; the cloud misses a few (the counter was offline), the pages stay 2.
    should(expected.length).be.within(1300, 1440);
    should(p.points.map((x) => x.start)).deepEqual(expected.map((b) => b.start));
    checkAgainst(p.points, expected);
    should(texts.some((t) => t.includes('readingPages') && t.includes('total=2'))).be.true();

    // The range did not disturb the tracker: the recent window is still new to it.
    const recent = await input({});
    should(recent.sent).have.length(1);
    should(recent.sent[0].revised).deepEqual([]);
  });

  it('a range over the recent window is emitted whole, and the next window read repeats none of it', async function () {
    await load({});
    const r = await input({ dateBegin: T0 - DAY });
    should(r.sent[0].points.length).be.above(40);
    should(r.sent[0].points[0].start).equal(Math.floor((T0 - DAY) / (30 * MIN)) * 30 * MIN);
    should((await input({})).sent).have.length(0);
    // A second range read sends everything again: ranges answer the question asked.
    should((await input({ dateBegin: T0 - DAY })).sent).have.length(1);
  });

  it('reads one at a time: a second input waits for the first (it then finds nothing new)', async function () {
    await load({});
    sim.resetStats();
    const out = collect(helper.getNode('out'));
    await Promise.all([input({ n: 1 }), input({ n: 2 })]);
    should(countRequests(sim, GETMEASURE)).equal(2);
    // Had they run side by side, both would have sent the whole window.
    should(out.map((m) => m.n)).deepEqual([1]);
  });

  it('the timer reads shortly after start, then every interval, on the node clock', async function () {
    await load({ interval: 10 });
    sim.resetStats();
    const m1 = helper.getNode('m1');
    const out = collect(helper.getNode('out'));
    let settled = readSettled(m1);
    clock.advanceSync(2000);
    should((await settled).fill).equal('green');
    await settle();
    should(countRequests(sim, GETMEASURE)).equal(1);
    should(out).have.length(1);
    should(out[0].topic).equal(line.name);
    should((out[0].payload as MeasurePayload).points.length).be.above(0);
    settled = readSettled(m1);
    clock.advanceSync(10 * MIN);
    await settled;
    should(countRequests(sim, GETMEASURE)).equal(2);
    // Nine minutes on, with every request those minutes started answered: still two.
    await clock.runFor(9 * MIN);
    should(countRequests(sim, GETMEASURE)).equal(2);
  });

  it('emit all on the timer: the window when something changed, nothing when not', async function () {
    await load({ interval: 10, emit: 'all' });
    const m1 = helper.getNode('m1');
    const out = collect(helper.getNode('out'));
    let settled = readSettled(m1);
    clock.advanceSync(2000);
    await settled;
    await settle();
    should(out).have.length(1);
    // What the cloud serves for the window now, and ten minutes later: the second timer read
    // must send the window exactly when that changed.
    const served = (): Map<number, string> => {
      const w = recentWindow('30min', clock.now());
      return new Map(truth(sim, line.moduleId, FOUR_TYPES, '30min', w.dateBegin, clock.now()).map((b) => [b.start, JSON.stringify(b.values)]));
    };
    const before = served();
    settled = readSettled(m1);
    clock.advanceSync(10 * MIN);
    await settled;
    await settle();
    // A bucket new to the window, or one whose values moved (a bucket leaving the window is no news).
    const changed = [...served()].some(([start, values]) => before.get(start) !== values);
    should(out).have.length(changed ? 2 : 1);
  });

  it('a failed timer read goes to node.error (Catch gets it); reauth shows "authorise again"', async function () {
    const creds = accountCredentials(sim);
    creds[ACCOUNT_ID].accessToken = 'bogus|access';
    creds[ACCOUNT_ID].refreshToken = 'bogus|refresh';
    await load({ interval: 10 }, creds);
    const m1 = helper.getNode('m1');
    const caught = nextMessage(helper.getNode('caught'));
    const settled = readSettled(m1);
    clock.advanceSync(2000);
    const status = await settled;
    should(status.fill).equal('red');
    should(status.text).equal('econetatmo-measure.status.reauth');
    const msg = await caught;
    should((msg.error as { source: { id: string } }).source.id).equal('m1');
    should(JSON.stringify(msg)).not.containEql('bogus');
  });

  it('close aborts the read in flight and clears the timer: no request after close', async function () {
    await load({ interval: 10 });
    sim.setFaults({ timeoutRate: 1 });
    helper.getNode('m1').receive({});
    await eventually('the read reaches the simulator', () => countRequests(sim, GETMEASURE) > 0 || (sim.stats().faultsInjected ?? 0) > 0);
    await helper.unload();
    const after = countRequests(sim, GETMEASURE);
    sim.setFaults({ timeoutRate: 0 });
    should(clock.pending()).equal(0);
    // Two hours on, with every request those hours started answered (runFor waits for them):
    // none reached the simulator.
    await clock.runFor(2 * HOUR);
    should(countRequests(sim, GETMEASURE)).equal(after);
  });

  it('redeploying twenty times leaves no timer behind', async function () {
    for (let i = 0; i < 20; i += 1) {
      await load({ interval: 10 });
      await helper.unload();
    }
    should(clock.pending()).equal(0);
  });

  it('remembers what it sent across a restart (a file of its own under the user dir), and forgets it when deleted', async function () {
    await load({});
    const first = await input({});
    should(first.sent.length).equal(1);
    should(first.sent[0].points.length).be.above(0);
    const file = path.join(currentUserDir(), 'econetatmo', 'measure', 'm1.json');
    const stored = JSON.parse(fs.readFileSync(file, 'utf8')) as { econetatmoTrackers: Record<string, unknown> };
    should(Object.keys(stored.econetatmoTrackers)).deepEqual([`${line.moduleId}|30min|${FOUR_TYPES.join(',')}`]);
    should(fs.statSync(file).mode & 0o777).equal(0o600);
    // Node-RED restarts (the default context lives in memory): nothing is sent again as new.
    await helper.unload();
    await load({});
    const again = await input({});
    should(again.sent).deepEqual([]);
    // Deleted: its memory goes with it.
    await helper.setFlows([], 'full');
    should(fs.existsSync(file)).be.false();
  });
});
