// Shared by the sync, measure and export node tests: a simulator-backed account in a flow, and
// small waits on what nodes do (messages, statuses, done). The kit (temp dirs, Node-RED settings,
// polling) is in test/support.
import helper from 'node-red-node-test-helper';
import type { Simulator } from '../../src/simulator';

export { VirtualClock } from '../support/virtual-clock';

export type FlowNode = Record<string, unknown> & { id: string; type: string };

export const ACCOUNT_ID = 'acc1';

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

/** What the contract says a bucket's total is. */
export function expectedTotal(values: Record<string, number | null>): number | null {
  const plain = values.sum_energy_elec;
  if (typeof plain === 'number') return plain;
  let sum: number | null = null;
  for (const t of ['sum_energy_elec$0', 'sum_energy_elec$1', 'sum_energy_elec$2']) {
    const v = values[t];
    if (typeof v === 'number') sum = (sum ?? 0) + v;
  }
  return sum;
}

/** Lets already-queued I/O callbacks and promise jobs run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
