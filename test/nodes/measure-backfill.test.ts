// Long ranges through econetatmo-measure against the simulator: paged at 1024 rows, one
// message or parts that a real Join node rebuilds, resumed after a restart in the middle, and
// a clear word when the cloud keeps less history than asked for.
import should from 'should';
import helper from 'node-red-node-test-helper';
import type { Simulator, SimulatorOptions } from '../../src/simulator';
import { untilOnClock } from '../support/poll';
import { nodeRedSettings } from '../support/node-red-settings';
import type { MeasurePayload, MeasurePoint } from '../../src/contract/measure-payload';
import type { VirtualClock } from '../support/virtual-clock';
import {
  accountCredentials,
  accountNode,
  countRequests,
  GETMEASURE,
  joinNode,
  measureNode,
  measureRangeFlow,
  received,
  startOnClock,
  stopOnClock,
  type FlowNode,
  type StatusObject,
} from './measure-support';

const MIN = 60_000;
const STEP = 30 * MIN;
const DAY = 24 * 60 * MIN;
const T0 = Date.UTC(2025, 2, 12, 10, 7);
const TYPES = ['sum_energy_elec', 'sum_energy_elec$1', 'sum_energy_elec$2'];

/**
 * The test helper does not load the package's catalogues: a status reads either as the English
 * text (`backfill 40 %`) or as its key and parameters (`…status.backfill (percent=40)`).
 */
function percentIn(text: string | undefined): number | null {
  const m = /backfill (\d+) %|status\.backfill \(percent=(\d+)\)/.exec(text ?? '');
  return m ? Number(m[1] ?? m[2]) : null;
}

function flow(sim: Simulator, props: Record<string, unknown> = {}): FlowNode[] {
  return measureRangeFlow(sim, { moduleId: sim.lines()[1].moduleId, interval: 0, scale: '30min', types: TYPES.join(','), ...props });
}

function statuses(id: string): StatusObject[] {
  return (helper.getNode(id).status.args ?? []).map((a) => a[0] as StatusObject);
}

describe('econetatmo-measure backfill (long ranges)', function () {
  this.timeout(60_000);
  let sim: Simulator;
  let clock: VirtualClock;
  let userDir: string;

  async function start(options: Partial<SimulatorOptions> = {}, props: Record<string, unknown> = {}): Promise<void> {
    ({ clock, sim, userDir } = await startOnClock(T0, options, [accountNode, measureNode, joinNode], (s) => flow(s, props)));
  }

  afterEach(() => stopOnClock({ clock, sim }, false));

  function truth(moduleId: string, from: number, to: number): MeasurePoint[] {
    return sim.buckets({ moduleId, types: TYPES, scale: '30min', from, to }).map((b) => ({ ...b, total: null }));
  }

  it('reads a range page by page (1024 rows a request) and sends it as one message, with its progress in the status', async () => {
    await start();
    const out = received('out');
    const dateBegin = T0 - 60 * DAY;
    helper.getNode('m1').receive({ dateBegin, dateEnd: T0 });
    await untilOnClock(clock, () => out.length > 0, 'the message');
    const pages = Math.ceil((60 * DAY) / (1024 * STEP));
    should(countRequests(sim, GETMEASURE)).eql(pages);
    should(out.length).eql(1);
    const payload = out[0].payload as MeasurePayload;
    const expected = truth(sim.lines()[1].moduleId, dateBegin, T0);
    should(payload.points.map((p) => [p.start, p.values])).eql(expected.map((b) => [b.start, b.values]));
    should(payload.historyStart).eql(expected[0].start);
    // No history warning; only the costs' own: these old buckets are priced with today's prices.
    should(payload.warning).match(/^econetatmo-measure\.warnings\.todaysPrices \(/);
    should(out[0].parts).be.undefined();
    const percents = statuses('m1').map((s) => percentIn(s.text));
    should(percents).containEql(0);
    should(percents).containEql(33);
    should(percents).containEql(66);
  });

  it('sends each page with msg.parts when asked, and a Join node in automatic mode rebuilds the whole range', async () => {
    await start({}, { rangeOutput: 'parts' });
    const out = received('out');
    const joined = received('joined');
    const dateBegin = T0 - 50 * DAY;
    helper.getNode('m1').receive({ dateBegin, dateEnd: T0, topic: 'year' });
    await untilOnClock(clock, () => joined.length > 0, 'the joined message');
    const count = Math.ceil((50 * DAY) / (1024 * STEP));
    should(out.length).eql(count);
    out.forEach((m, i) => {
      const parts = m.parts as Record<string, unknown>;
      should(parts).containDeep({ index: i, count, type: 'array' });
      should(parts.id).eql((out[0].parts as Record<string, unknown>).id);
      should(m.topic).eql(sim.lines()[1].name);
    });
    const whole = joined[0].payload as MeasurePayload;
    const expected = truth(sim.lines()[1].moduleId, dateBegin, T0);
    should(whole.points.map((p) => p.start)).eql(expected.map((b) => b.start));
    should(whole.moduleId).eql(sim.lines()[1].moduleId);
    should(joined[0].parts).be.undefined();
    // msg.rangeOutput asks the same of a node set to one message.
  });

  it('resumes after a restart in the middle instead of starting over', async () => {
    await start();
    const days = 200;
    const pages = Math.ceil((days * DAY) / (1024 * STEP));
    const dateBegin = T0 - days * DAY;
    let out = received('out');
    // Node-RED stops (as on a restart) the moment the status says 40 %.
    let stopped: Promise<void> | null = null;
    helper.getNode('m1').on('call:status', (call: { args: unknown[] }) => {
      const percent = percentIn((call.args[0] as StatusObject)?.text);
      if (percent !== null && percent >= 40 && stopped === null) stopped = helper.unload();
    });
    helper.getNode('m1').receive({ dateBegin, dateEnd: T0 });
    await untilOnClock(clock, () => stopped !== null, '40 %');
    await stopped;
    await clock.settle();
    const before = countRequests(sim, GETMEASURE);
    should(before).be.below(pages);
    should(out).have.length(0);
    // The same flow starts again with the same user directory: the node picks the range up.
    nodeRedSettings({ userDir });
    await helper.load([accountNode, measureNode, joinNode], flow(sim), accountCredentials(sim));
    out = received('out');
    await untilOnClock(clock, () => out.length > 0, 'the resumed message');
    const total = countRequests(sim, GETMEASURE);
    // At most the page in flight at the restart is read twice.
    should(total).be.within(pages, pages + 1);
    const payload = out[0].payload as MeasurePayload;
    const expected = truth(sim.lines()[1].moduleId, dateBegin, T0);
    should(payload.points.length).eql(expected.length);
    should(payload.points.map((p) => p.start)).eql(expected.map((b) => b.start));
  });

  it('says so, in the status and the message, when the cloud keeps less history than asked for', async () => {
    await start({ maxHistoryDaysByScale: { '30min': 20 } });
    const out = received('out');
    const dateBegin = T0 - 45 * DAY;
    helper.getNode('m1').receive({ dateBegin, dateEnd: T0 });
    await untilOnClock(clock, () => out.length > 0, 'the message');
    const payload = out[0].payload as MeasurePayload;
    should(payload.points.length).be.above(0);
    should(payload.historyStart).eql(payload.points[0].start);
    should(payload.historyStart as number).be.above(T0 - 21 * DAY);
    should(payload.warning).match(/30min/);
    const last = statuses('m1').pop();
    should(last?.fill).eql('yellow');
    should(last?.text).match(/history|backfillLimited/);
  });
});
