// `interval: auto` of econetatmo-measure on a virtual clock against the simulator (uploads
// every ~3 h, ±25 min): it polls at the fixed 10 min until it has learnt the uploads, then
// reads just after each one and seldom in between; the other lines of the ecocounter follow
// the one that polls.
import should from 'should';
import helper from 'node-red-node-test-helper';
import type { Simulator } from '../../src/simulator';
import type { VirtualClock } from '../support/virtual-clock';
import {
  accountFlowNode,
  accountNode,
  countRequests,
  GETMEASURE,
  measureNode,
  measureNodeOf,
  sendDelays,
  startOnClock,
  stopOnClock,
  type FlowNode,
} from './measure-support';

const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.UTC(2025, 2, 12, 0, 0);

interface Emission {
  t: number;
  starts: number[];
}

function flow(sim: Simulator, lines: number, interval: unknown): FlowNode[] {
  const nodes: FlowNode[] = [accountFlowNode(sim)];
  for (let i = 0; i < lines; i++) {
    nodes.push(measureNodeOf(`m${i}`, { moduleId: sim.lines()[i].moduleId, interval }, [[`out${i}`]]));
    nodes.push({ id: `out${i}`, type: 'helper' });
  }
  return nodes;
}

describe('econetatmo-measure interval auto', function () {
  this.timeout(120_000);
  let sim: Simulator;
  let clock: VirtualClock;
  let emissions: Emission[][];

  async function start(lines: number): Promise<void> {
    ({ clock, sim } = await startOnClock(T0, { seed: 7 }, [accountNode, measureNode], (s) => flow(s, lines, 'auto')));
    emissions = [];
    for (let i = 0; i < lines; i++) {
      const list: Emission[] = [];
      emissions.push(list);
      helper.getNode(`out${i}`).on('input', (m: Record<string, unknown>) => {
        const points = (m.payload as { points: Array<{ start: number }> }).points;
        list.push({ t: clock.now(), starts: points.map((p) => p.start) });
      });
    }
  }

  afterEach(() => stopOnClock({ clock, sim }));

  /** When each bucket was first emitted by node i. */
  function firstEmission(i: number): Map<number, number> {
    const first = new Map<number, number>();
    for (const e of emissions[i]) for (const s of e.starts) if (!first.has(s)) first.set(s, e.t);
    return first;
  }

  it('falls back to reading every 10 min while it has not learnt the uploads', async () => {
    await start(1);
    await clock.runFor(100 * MIN);
    // A read 2 s after the start, then one every 10 min: 0:02, 10:02 … 90:02.
    should(countRequests(sim, GETMEASURE)).eql(10);
    should(emissions[0].length).be.above(0);
  });

  it('learns when the ecocounter uploads, then reads just after each upload and seldom in between', async () => {
    await start(1);
    await clock.runFor(15 * HOUR); // learning
    sim.resetStats();
    const from = clock.now();
    await clock.runFor(12 * HOUR);
    const to = clock.now();
    const requests = countRequests(sim, GETMEASURE);
    if (process.env.ECONETATMO_DEBUG) console.log('auto, 12 h:', requests, 'requests');
    // Fixed 10 min would take 72 requests.
    should(requests).be.below(36);
    const moduleId = sim.lines()[0].moduleId;
    const delays = sendDelays(sim, moduleId, ['sum_energy_elec'], firstEmission(0), from, to, 6 * HOUR);
    should(delays.length).be.above(20);
    should(delays[Math.floor(delays.length / 2)]).be.belowOrEqual(10 * MIN);
    should(delays[delays.length - 1]).be.belowOrEqual(60 * MIN);
  });

  it('lets one line poll for the ecocounter; the others read a few seconds after it sees an upload', async () => {
    await start(3);
    await clock.runFor(15 * HOUR);
    sim.resetStats();
    const from = clock.now();
    await clock.runFor(9 * HOUR);
    // Three lines polling every 10 min would take 162 requests.
    should(countRequests(sim, GETMEASURE)).be.below(60);
    const a = firstEmission(0);
    const lines = sim.lines();
    let compared = 0;
    for (const i of [1, 2]) {
      for (const [start, t] of firstEmission(i)) {
        const scoutT = a.get(start);
        if (scoutT === undefined || sim.availableAt(lines[i].moduleId, start) < from) continue;
        compared += 1;
        should(Math.abs(t - scoutT)).be.belowOrEqual(MIN);
      }
    }
    should(compared).be.above(10);
  });
});
