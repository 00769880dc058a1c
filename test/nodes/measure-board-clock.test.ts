// econetatmo-measure on a board whose wall clock runs hours ahead of the cloud's, or behind it,
// for days (a Raspberry Pi that booted with a wrong time and has no NTP), against the simulator
// on true time: the node reads the cloud's recent window (its answers tell its time), so every
// bucket reaches the flow with its final value, late revisions included; and a range a message
// asks for is checked and read on the cloud’s clock.
import should from 'should';
import helper from 'node-red-node-test-helper';
import type { Clock } from '../../src/lib/clock';
import { startSimulator, type Simulator } from '../../src/simulator';
import { nodeRedSettings, useTempUserDir } from '../support/node-red-settings';
import { VirtualClock } from '../support/virtual-clock';
import {
  accountCredentials,
  accountFlowNode,
  accountNode,
  ACCOUNT_ID,
  collect,
  FOUR_TYPES as TYPES,
  measureNode,
  measureNodeOf,
  stopOnClock,
  type FlowNode,
} from './measure-support';

const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.UTC(2025, 2, 12, 0, 0);

interface Point {
  start: number;
  values: Record<string, number | null>;
}

describe('econetatmo-measure on a board clock hours off the cloud’s', function () {
  this.timeout(120_000);
  let sim: Simulator;
  let clock: VirtualClock;

  afterEach(() => stopOnClock({ clock, sim }));

  it('8 h behind: a recent range asked by a message is read on the cloud’s clock, not refused as in the future', async () => {
    clock = new VirtualClock({ start: T0 + 2 * 24 * HOUR });
    const board: Clock = { now: () => clock.now() - 8 * HOUR, setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout };
    nodeRedSettings({ clock: board });
    sim = await startSimulator({ now: clock.now, seed: 11 });
    useTempUserDir();
    const moduleId = sim.lines()[0].moduleId;
    const nodes: FlowNode[] = [
      accountFlowNode(sim),
      { id: 'm1', type: 'econetatmo-measure', account: ACCOUNT_ID, moduleId, interval: 0, scale: '30min', emit: 'all', wires: [['out']] },
      { id: 'out', type: 'helper' },
    ];
    await helper.load([accountNode, measureNode], nodes, accountCredentials(sim));
    const out = collect(helper.getNode('out'));
    const errors: string[] = [];
    (helper.getNode('m1') as unknown as { on(e: string, f: (c: { args: unknown[] }) => void): void }).on('call:error', (c) => errors.push(String(c.args[0])));
    // A first read: the account learns the cloud's time from the answer.
    helper.getNode('m1').receive({});
    await clock.settle();
    should(out.length).equal(1);
    // Six hours ago for the cloud, two hours ahead for the board.
    const begin = clock.now() - 6 * HOUR;
    helper.getNode('m1').receive({ dateBegin: new Date(begin).toISOString() });
    await clock.settle();
    should(errors).eql([]);
    should(out.length).equal(2);
    const points = (out[1].payload as { points: Point[] }).points;
    const truth = sim.buckets({ moduleId, types: TYPES, scale: '30min', from: begin, to: clock.now() });
    should(truth.length).be.above(0);
    should(points.map((p) => p.start)).eql(truth.map((b) => b.start));
  });

  for (const skewHours of [14, 8, -8]) {
    it(`${Math.abs(skewHours)} h ${skewHours > 0 ? 'ahead' : 'behind'}: every bucket is sent in time, with its final value`, async () => {
      clock = new VirtualClock({ start: T0 });
      const board: Clock = { now: () => clock.now() + skewHours * HOUR, setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout };
      nodeRedSettings({ clock: board });
      // Many revisions: a bucket first served with part of its value gets the rest one upload later.
      sim = await startSimulator({ now: clock.now, seed: 11, revisionRate: 0.3 });
      useTempUserDir();
      const moduleId = sim.lines()[0].moduleId;
      const nodes: FlowNode[] = [accountFlowNode(sim), measureNodeOf('m1', { moduleId, interval: 10 }, [['out']]), { id: 'out', type: 'helper' }];
      await helper.load([accountNode, measureNode], nodes, accountCredentials(sim));
      const last = new Map<number, Point['values']>();
      const first = new Map<number, number>();
      helper.getNode('out').on('input', (m: Record<string, unknown>) => {
        for (const p of (m.payload as { points: Point[] }).points) {
          last.set(p.start, p.values);
          if (!first.has(p.start)) first.set(p.start, clock.now());
        }
      });

      await clock.runFor(30 * HOUR);
      // Final by now: uploaded (about 3 h) and revised at the next upload (3 h more), with margin.
      const truth = sim.buckets({ moduleId, types: TYPES, scale: '30min', from: T0, to: clock.now() - 9 * HOUR }, { final: true });
      should(truth.length).be.above(40);
      const wrong = truth.filter((b) => JSON.stringify(last.get(b.start)) !== JSON.stringify(b.values));
      should(wrong.map((b) => new Date(b.start).toISOString())).eql([]);
      // In time: within a read interval (10 min, and a little) of the cloud having it.
      const late = truth.filter((b) => {
        const available = sim.availableAt(moduleId, b.start);
        return available > T0 + HOUR && (first.get(b.start) ?? Infinity) > available + 11 * MIN;
      });
      should(late.map((b) => new Date(b.start).toISOString())).eql([]);
    });
  }
});
