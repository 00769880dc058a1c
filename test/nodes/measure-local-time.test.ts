// econetatmo-measure inside Node-RED on the home's calendar: the node takes the line's time zone
// from discovery and its `1day`, `1week` and `1month` points run from the home's local
// midnights, Mondays and 1sts (a 25-hour day at the autumn change, a 23-hour one in spring,
// calendar months), in a periodic read, a range read and a backfill; Node-RED's own zone (UTC
// on this machine) never leaks in.
import should from 'should';
import helper from 'node-red-node-test-helper';
import type { Simulator, SimulatorOptions } from '../../src/simulator';
import type { MeasurePayload } from '../../src/contract/measure-payload';
import type { VirtualClock } from '../support/virtual-clock';
import { accountNode, joinNode, measureNode, measureRangeFlow, received, startOnClock, stopOnClock, type FlowNode } from './measure-support';

const H = 3_600_000;
const TYPES = ['sum_energy_elec', 'sum_energy_elec$1', 'sum_energy_elec$2'];
const utc = (y: number, m: number, d: number, h = 0, min = 0): number => Date.UTC(y, m - 1, d, h, min);
/** The Monday after the autumn change of 2026, 08:00 UTC. */
const T0 = utc(2026, 10, 26, 8);

function flow(sim: Simulator, props: Record<string, unknown>): FlowNode[] {
  return measureRangeFlow(sim, { moduleId: sim.lines()[5].moduleId, interval: 0, emit: 'all', scale: '1day', types: TYPES.join(','), ...props });
}

describe("econetatmo-measure on the home's local calendar", function () {
  this.timeout(60_000);
  let sim: Simulator;
  let clock: VirtualClock;

  async function start(options: Partial<SimulatorOptions> = {}, props: Record<string, unknown> = {}): Promise<void> {
    ({ clock, sim } = await startOnClock(T0, { revisionRate: 0, ...options }, [accountNode, measureNode, joinNode], (s) => flow(s, props)));
  }

  afterEach(() => stopOnClock({ clock, sim }, false));

  async function ask(msg: Record<string, unknown>, from: string[] = ['out']): Promise<Array<Record<string, unknown>>> {
    const got = from.map(received);
    const caught = received('caught');
    helper.getNode('m1').receive(msg);
    for (let i = 0; i < 600 && got.some((g) => g.length === 0) && caught.length === 0; i++) await clock.runFor(1000);
    if (caught.length > 0) throw new Error(String((caught[0].error as { message?: string }).message));
    return got.map((g) => g[0]);
  }

  function truth(scale: string, from: number, to: number): Array<{ start: number; end: number; values: Record<string, number | null> }> {
    return sim.buckets({ moduleId: sim.lines()[5].moduleId, types: TYPES, scale, from, to });
  }

  it("a periodic 1day read: Paris days, the 25-hour one included, with the cloud's values", async () => {
    await start();
    const [msg] = await ask({ payload: 'go' });
    const p = msg.payload as MeasurePayload;
    should(p.scale).equal('1day');
    const spans = p.points.map((x) => [x.start, x.end]);
    should(spans).containDeepOrdered([
      [utc(2026, 10, 23, 22), utc(2026, 10, 24, 22)],
      [utc(2026, 10, 24, 22), utc(2026, 10, 25, 23)],
      [utc(2026, 10, 25, 23), utc(2026, 10, 26, 23)],
    ]);
    const day25 = p.points.find((x) => x.start === utc(2026, 10, 24, 22));
    should(day25 && day25.end - day25.start).equal(25 * H);
    const expected = truth('1day', p.points[0].start, T0);
    should(p.points.map((x) => ({ start: x.start, end: x.end, values: x.values }))).eql(expected);
  });

  it('1week and 1month through msg.scale: Mondays and calendar months of Paris', async () => {
    await start();
    const [weeks] = await ask({ scale: '1week' });
    const w = (weeks.payload as MeasurePayload).points;
    should(w[w.length - 1]).match({ start: utc(2026, 10, 25, 23), end: utc(2026, 11, 1, 23) });
    should(w[w.length - 2]).match({ start: utc(2026, 10, 18, 22), end: utc(2026, 10, 25, 23) }); // 169 h
    should(w.map((x) => ({ start: x.start, end: x.end, values: x.values }))).eql(truth('1week', w[0].start, T0));
    const [months] = await ask({ scale: '1month' });
    const m = (months.payload as MeasurePayload).points;
    // The month before and the current one: September (summer time), then October (31 days and an hour).
    should(m.map((x) => [x.start, x.end])).eql([
      [utc(2026, 8, 31, 22), utc(2026, 9, 30, 22)],
      [utc(2026, 9, 30, 22), utc(2026, 10, 31, 23)],
    ]);
    should(m.map((x) => x.values)).eql(truth('1month', m[0].start, T0).map((b) => b.values));
  });

  it('a range read over the spring change and a month end: a 23-hour day, aligned to Paris midnight', async () => {
    await start();
    const [msg] = await ask({ dateBegin: utc(2026, 3, 28, 12), dateEnd: utc(2026, 4, 1, 21) }); // 1 April 23:00 in Paris
    const p = (msg.payload as MeasurePayload).points;
    should(p.map((x) => [x.start, x.end])).eql([
      [utc(2026, 3, 27, 23), utc(2026, 3, 28, 23)],
      [utc(2026, 3, 28, 23), utc(2026, 3, 29, 22)], // 29 March: 23 h
      [utc(2026, 3, 29, 22), utc(2026, 3, 30, 22)],
      [utc(2026, 3, 30, 22), utc(2026, 3, 31, 22)], // 31 March
      [utc(2026, 3, 31, 22), utc(2026, 4, 1, 22)], // 1 April
    ]);
    should(p.map((x) => x.values)).eql(truth('1day', utc(2026, 3, 27, 23), utc(2026, 4, 1, 22)).map((b) => b.values));
  });

  it("a backfill (parts) keeps the home's zone: the joined range is Paris days", async () => {
    await start({}, { rangeOutput: 'parts' });
    const [joined] = await ask({ dateBegin: utc(2026, 3, 20), dateEnd: utc(2026, 4, 5) }, ['joined']);
    const p = (joined.payload as MeasurePayload).points;
    should(p[0].start).equal(utc(2026, 3, 19, 23));
    should(p.find((x) => x.start === utc(2026, 3, 28, 23))?.end).equal(utc(2026, 3, 29, 22));
    should(p.map((x) => x.values)).eql(truth('1day', utc(2026, 3, 19, 23), utc(2026, 4, 5)).map((b) => b.values));
  });

  it("a home in New York: its own days, whatever Node-RED's zone", async () => {
    await start({ timeZone: 'America/New_York' });
    const [msg] = await ask({ dateBegin: utc(2026, 3, 7, 12), dateEnd: utc(2026, 3, 10, 3) });
    const p = (msg.payload as MeasurePayload).points;
    should(p.map((x) => [x.start, x.end])).eql([
      [utc(2026, 3, 7, 5), utc(2026, 3, 8, 5)],
      [utc(2026, 3, 8, 5), utc(2026, 3, 9, 4)], // 8 March: 23 h in New York
      [utc(2026, 3, 9, 4), utc(2026, 3, 10, 4)],
    ]);
  });
});
