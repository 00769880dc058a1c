// Shared by the sync, measure and export node tests: a simulator-backed account in a flow, the
// measure node's test flows, a virtual clock the nodes and the simulator share, and small waits
// on what nodes do (messages, statuses, done). The kit (temp dirs, Node-RED settings, polling)
// is in test/support.
import path from 'path';
import helper from 'node-red-node-test-helper';
import should from 'should';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/simulator';
import type { MeasurePayload } from '../../src/contract/measure-payload';
import { nodeRedSettings, removeTempUserDirs, useTempUserDir } from '../support/node-red-settings';
import { VirtualClock } from '../support/virtual-clock';

export { VirtualClock };

/** The node modules the tests load: the package's built entry points, and Node-RED's Join node. */
export const accountNode = require(path.resolve(__dirname, '../../../nodes/econetatmo-account.js'));
export const measureNode = require(path.resolve(__dirname, '../../../nodes/econetatmo-measure.js'));
export const exportNode = require(path.resolve(__dirname, '../../../nodes/econetatmo-export.js'));
export const syncNode = require(path.resolve(__dirname, '../../../nodes/econetatmo-sync.js'));
export const joinNode = require('@node-red/nodes/core/sequence/17-split.js');

export type FlowNode = Record<string, unknown> & { id: string; type: string };

export const ACCOUNT_ID = 'acc1';
export const GETMEASURE = '/api/getmeasure';
export const FOUR_TYPES = ['sum_energy_elec', 'sum_energy_elec$0', 'sum_energy_elec$1', 'sum_energy_elec$2'];
/** Rate limits no test reaches. */
export const NO_LIMITS = [{ windowMs: 10_000, max: 10_000 }];
const HOUR = 3_600_000;

export function accountFlowNode(sim: Simulator): FlowNode {
  return { id: ACCOUNT_ID, type: 'econetatmo-account', name: 'test account', apiUrl: sim.url };
}

export function accountCredentials(sim: Simulator): Record<string, Record<string, string>> {
  const tokens = sim.issueTokens();
  return {
    [ACCOUNT_ID]: {
      clientId: sim.clientId,
      clientSecret: sim.clientSecret,
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
    },
  };
}

export interface Received {
  msg: Record<string, unknown>;
}

/** Collects what a helper node receives. */
export function collect(node: { on(event: string, fn: (msg: Record<string, unknown>) => void): void }): Array<Record<string, unknown>> {
  const got: Array<Record<string, unknown>> = [];
  node.on('input', (msg) => got.push(msg));
  return got;
}

/** Collects what the helper node `id` of the loaded flow receives. */
export function received(id: string): Array<Record<string, unknown>> {
  return collect(helper.getNode(id));
}

/**
 * A measure node `m1` on the simulator's account, wired to a helper `out` and, through a Join
 * node `j1`, to a helper `joined` (for `msg.parts`), with a Catch node reporting to `caught`.
 */
export function measureRangeFlow(sim: Simulator, measure: Record<string, unknown>): FlowNode[] {
  const nodes: FlowNode[] = [
    { id: 'm1', type: 'econetatmo-measure', account: ACCOUNT_ID, ...measure, wires: [['out', 'j1']] },
    { id: 'out', type: 'helper' },
    { id: 'j1', type: 'join', mode: 'auto', wires: [['joined']] },
    { id: 'joined', type: 'helper' },
    { id: 'c1', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper' },
  ];
  return [{ id: 't1', type: 'tab' }, accountFlowNode(sim), ...nodes.map((n) => ({ ...n, z: 't1' }))];
}

/** A measure node `id` on the account: no timer, changes only, half-hours; `props` set over that. */
export function measureNodeOf(id: string, props: Record<string, unknown>, wires: string[][]): FlowNode {
  return { id, type: 'econetatmo-measure', account: ACCOUNT_ID, interval: 0, emit: 'changes', scale: '30min', ...props, wires };
}

/**
 * The account and a measure node `m1` on it (no timer, changes only, half-hours; `measure` set
 * over that) wired to a helper `out` and to `wiredTo`, then `extra`, a Catch node reporting to
 * `caught` and a Complete node reporting to `completed` (see sendAndWait).
 */
export function measureFlow(
  sim: Simulator,
  measure: Record<string, unknown>,
  { account = {}, wiredTo = [], extra = [] }: { account?: Record<string, unknown>; wiredTo?: string[]; extra?: FlowNode[] } = {},
): FlowNode[] {
  return [
    { ...accountFlowNode(sim), ...account },
    measureNodeOf('m1', measure, [['out', ...wiredTo]]),
    { id: 'out', type: 'helper' },
    ...extra,
    { id: 'c1', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper' },
    { id: 'k1', type: 'complete', scope: ['m1'], uncaught: false, wires: [['completed']] },
    { id: 'completed', type: 'helper' },
  ];
}

let tags = 0;

export interface Outcome<P> {
  sent: P[];
  msgs: Array<Record<string, unknown>>;
  error?: { message: string };
}

/**
 * Sends a message to `m1` of a measureFlow and waits for its done(): what `out` received
 * meanwhile, and the error when the node failed the message.
 */
export async function sendAndWait<P = MeasurePayload>(msg: Record<string, unknown>): Promise<Outcome<P>> {
  const msgs: Array<Record<string, unknown>> = [];
  const out = helper.getNode('out');
  const onOut = (m: Record<string, unknown>): void => {
    msgs.push(m);
  };
  out.on('input', onOut);
  const tag = `t${++tags}`;
  const finished = new Promise<{ error?: { message: string } }>((resolve) => {
    helper.getNode('completed').on('input', (m: Record<string, unknown>) => m.__tag === tag && resolve({}));
    helper.getNode('caught').on('input', (m: Record<string, unknown>) => m.__tag === tag && resolve({ error: m.error as { message: string } }));
  });
  helper.getNode('m1').receive({ ...msg, __tag: tag });
  const result = await finished;
  // Messages are delivered asynchronously: let the ones sent before done() arrive.
  await settle();
  await settle();
  (out as unknown as { removeListener(e: string, f: unknown): void }).removeListener('input', onOut);
  return { sent: msgs.map((m) => m.payload as P), msgs, ...result };
}

export interface OnClock {
  clock: VirtualClock;
  sim: Simulator;
  userDir: string;
}

/**
 * A virtual clock at `start` shared by the nodes and the simulator, a fresh user directory, and
 * the flow `flow(sim)` of `nodes` loaded with the account's tokens.
 */
export async function startOnClock(
  start: number,
  simOptions: SimulatorOptions,
  nodes: Parameters<typeof helper.load>[0],
  flow: (sim: Simulator) => FlowNode[],
): Promise<OnClock> {
  const clock = new VirtualClock({ start });
  nodeRedSettings({ clock });
  const sim = await startSimulator({ now: clock.now, ...simOptions });
  const userDir = useTempUserDir();
  await helper.load(nodes, flow(sim), accountCredentials(sim));
  return { clock, sim, userDir };
}

/** Undoes startOnClock; `settle` first lets the I/O the unload started finish. */
export async function stopOnClock({ clock, sim }: { clock: VirtualClock; sim: Simulator }, settle = true): Promise<void> {
  await helper.unload();
  if (settle) await clock.settle();
  clock.dispose();
  removeTempUserDirs();
  await sim.close();
}

/**
 * How long after the cloud had it each bucket of `moduleId` was first sent (`firstSent`: bucket
 * start -> time), sorted, for the buckets the cloud gave between `from` and an hour before `to`
 * (buckets from `lookBack` before `from` on; a later one may still await its read).
 */
export function sendDelays(
  sim: Simulator,
  moduleId: string,
  types: string[],
  firstSent: Map<number, number>,
  from: number,
  to: number,
  lookBack: number,
): number[] {
  const delays: number[] = [];
  for (const b of sim.buckets({ moduleId, types, scale: '30min', from: from - lookBack, to })) {
    const available = sim.availableAt(moduleId, b.start);
    if (available < from || available > to - HOUR) continue;
    const sentAt = firstSent.get(b.start);
    should(sentAt).not.be.undefined();
    delays.push((sentAt as number) - available);
  }
  return delays.sort((a, b) => a - b);
}

/** Resolves with the first message the node receives from now on. */
export function nextMessage(node: { on(event: string, fn: (msg: Record<string, unknown>) => void): void }): Promise<Record<string, unknown>> {
  return new Promise((resolve) => node.on('input', resolve));
}

export interface StatusObject {
  fill?: string;
  shape?: string;
  text?: string;
}

/** Resolves with the first status (set from now on) that satisfies `pred`. */
export function statusWhere(
  node: { on(event: string, fn: (call: { args: unknown[] }) => void): void },
  pred: (s: StatusObject) => boolean,
): Promise<StatusObject> {
  return new Promise((resolve) => {
    node.on('call:status', (call) => {
      const s = call.args[0] as StatusObject;
      if (s && pred(s)) resolve(s);
    });
  });
}

/** The status of the end of a read: green (done) or red (failed). */
export function readSettled(node: Parameters<typeof statusWhere>[0]): Promise<StatusObject> {
  return statusWhere(node, (s) => s.fill === 'green' || s.fill === 'red');
}

export function countRequests(sim: Simulator, p: string): number {
  const byStatus = sim.stats().requests[p] ?? {};
  return Object.values(byStatus).reduce((a, b) => a + b, 0);
}

/** What the contract says a bucket's total is (of the `family` types: plain, else its tariff columns). */
export function expectedTotal(values: Record<string, number | null>, family = 'sum_energy_elec'): number | null {
  const plain = values[family];
  if (typeof plain === 'number') return plain;
  let sum: number | null = null;
  for (const t of [`${family}$0`, `${family}$1`, `${family}$2`]) {
    const v = values[t];
    if (typeof v === 'number') sum = (sum ?? 0) + v;
  }
  return sum;
}

/** Lets already-queued I/O callbacks and promise jobs run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
