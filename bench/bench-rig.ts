// A small flow rig for the benchmark parts that the soak harness does not cover: any number of
// measure nodes (several on one line), on the real clock (the year backfill is rate-limit bound
// and runs in real time) or on a virtual one (memory per node). Same entry points, same
// in-process node-red-node-test-helper as the harness.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import helper from 'node-red-node-test-helper';
import { startSimulator, type Simulator, type SimulatorOptions } from '../src/simulator';
import { VirtualClock } from '../test/support/virtual-clock';
import { nodeRedSettings, resetNodeRedSettings } from '../test/support/node-red-settings';

const ROOT = path.resolve(__dirname, '..', __dirname.includes(`${path.sep}dist${path.sep}`) ? '..' : '');
const ACCOUNT = 'bench-account';

type NodeModule = (RED: unknown) => void;

export function nodeModules(): NodeModule[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return ['econetatmo-account', 'econetatmo-sync', 'econetatmo-measure'].map((t) => require(path.join(ROOT, 'nodes', `${t}.js`)) as NodeModule);
}

export function packageRoot(): string {
  return ROOT;
}

export interface RigOptions {
  /** Measure nodes; node i reads line i modulo the simulator's lines. */
  nodes: number;
  virtual: boolean;
  measure?: Record<string, unknown>;
  simulator?: Omit<SimulatorOptions, 'now'>;
}

export interface Rig {
  sim: Simulator;
  clock: VirtualClock | null;
  nodeIds: string[];
  /** Messages of each node, with the real time (ms) they arrived. */
  outputs: Map<string, Array<{ at: number; msg: Record<string, unknown> }>>;
  inject(nodeId: string, msg: Record<string, unknown>): void;
  stop(): Promise<void>;
}

export async function startRig(o: RigOptions): Promise<Rig> {
  const clock = o.virtual ? new VirtualClock() : null;
  const sim = await startSimulator({ ...o.simulator, ...(clock ? { now: clock.now } : {}) });
  const lines = sim.lines();
  const userDir = mkdtempSync(path.join(tmpdir(), 'econetatmo-bench-'));
  nodeRedSettings({ userDir, clock: clock ?? undefined });
  const tab = 'bench-tab';
  const flow: Array<Record<string, unknown> & { id: string; type: string }> = [
    { id: tab, type: 'tab', label: 'bench' },
    { id: ACCOUNT, type: 'econetatmo-account', name: 'bench', apiUrl: sim.url },
  ];
  const nodeIds: string[] = [];
  for (let i = 0; i < o.nodes; i++) {
    const id = `bench-measure-${i}`;
    nodeIds.push(id);
    flow.push({
      id,
      type: 'econetatmo-measure',
      z: tab,
      account: ACCOUNT,
      moduleId: lines[i % lines.length].moduleId,
      deviceId: '',
      types: '',
      scale: '30min',
      interval: '0',
      emit: 'changes',
      ...o.measure,
      wires: [[`bench-out-${i}`]],
    });
    flow.push({ id: `bench-out-${i}`, type: 'helper', z: tab });
  }
  const t = sim.issueTokens();
  const credentials = {
    [ACCOUNT]: { clientId: sim.clientId, clientSecret: sim.clientSecret, accessToken: t.accessToken, refreshToken: t.refreshToken },
  };
  await helper.load(nodeModules(), flow, credentials);
  const outputs = new Map<string, Array<{ at: number; msg: Record<string, unknown> }>>();
  nodeIds.forEach((id, i) => {
    const list: Array<{ at: number; msg: Record<string, unknown> }> = [];
    outputs.set(id, list);
    helper.getNode(`bench-out-${i}`).on('input', (msg: Record<string, unknown>) => list.push({ at: Date.now(), msg }));
  });
  return {
    sim,
    clock,
    nodeIds,
    outputs,
    inject(nodeId, msg) {
      helper.getNode(nodeId).receive(msg);
    },
    async stop() {
      try {
        await helper.unload();
        await clock?.settle();
      } finally {
        clock?.dispose();
        await sim.close();
        resetNodeRedSettings();
        rmSync(userDir, { recursive: true, force: true });
      }
    },
  };
}
