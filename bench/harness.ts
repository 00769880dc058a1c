// The soak's and the benchmark's shared rig: the simulator on a virtual clock, and a flow
// (one account, one sync node, N measure nodes) inside node-red-node-test-helper, in-process.
// Every output message is kept with the simulated time it arrived, so that a run can be
// checked against the simulator's ground truth afterwards (see soak-checks.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import helper from 'node-red-node-test-helper';
import type { Clock } from '../src/lib/clock';
import { startSimulator, type FaultOptions, type SimLine, type Simulator, type SimulatorOptions } from '../src/simulator';
import { VirtualClock } from '../test/support/virtual-clock';
import { nodeRedSettings, resetNodeRedSettings } from '../test/support/node-red-settings';

/** The package root, from dist/bench/ or from bench/ (ts-node). */
const ROOT = path.resolve(__dirname, '..', __dirname.includes(`${path.sep}dist${path.sep}`) ? '..' : '');

type NodeModule = (RED: unknown) => void;

function nodeModule(type: string): NodeModule {
  // The real entry points, as Node-RED itself would load them.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path.join(ROOT, 'nodes', `${type}.js`)) as NodeModule;
}

export interface MeasureSettings {
  scale?: string;
  /** Comma-separated; empty = the node's default types. */
  types?: string;
  /** Minutes between automatic reads (default 10), or 'auto' where the node supports it. */
  interval?: number | 'auto';
  emit?: 'changes' | 'all';
}

export interface HarnessOptions {
  /** Simulated start (epoch ms); default: today 00:00 UTC. */
  start?: number;
  seed?: number;
  /** How many measure nodes, one per line of the simulator, in line order (default 9). */
  lines?: number;
  measure?: MeasureSettings;
  /**
   * The measure nodes one by one, instead of one per line with `measure`: the simulator's line
   * (by position) and the node's settings (merged over `measure`).
   */
  nodes?: Array<{ line: number; settings?: MeasureSettings }>;
  faults?: Partial<FaultOptions>;
  /** Access tokens die after this many simulated seconds (the simulator's early-expiry knob). */
  accessTokenRealLifetimeSec?: number;
  /** Anything else the simulator takes (now, seed and faults are set by the harness). */
  simulator?: Omit<SimulatorOptions, 'now' | 'seed' | 'faults'>;
  /**
   * The client's per-request timeout, in REAL ms (the simulator's timeout fault holds a request
   * until the client gives up). Handed to the account through Node-RED's settings.
   */
  requestTimeoutMs?: number;
  /** Where the run's user dir is made (default: the OS temp dir). */
  userDirRoot?: string;
}

/** One message a node sent, with the simulated time it arrived. */
export interface Received {
  t: number;
  msg: Record<string, unknown>;
}

export interface MeasureNodeInfo {
  id: string;
  line: SimLine;
  settings: MeasureSettings;
}

export interface Harness {
  clock: VirtualClock;
  sim: Simulator;
  start: number;
  /** Node-RED's user directory of the run (state files live under it). */
  userDir: string;
  measureNodes: MeasureNodeInfo[];
  /** Messages of each measure node, by node id. */
  outputs: Map<string, Received[]>;
  syncOutputs: Received[];
  /** What the flow's catch node caught (a node's `done(err)`). */
  caught: Received[];
  /** `node.error(...)` of the flow nodes (a timer's read that gave up), with the node id. */
  nodeErrors: Array<{ t: number; nodeId: string; message: string }>;
  /** Unhandled rejections and uncaught exceptions seen while the harness ran. */
  problems: { unhandledRejections: unknown[]; uncaughtExceptions: unknown[] };
  /**
   * The board's wall clock jumps by `ms` (a board without a real-time clock booted at its last
   * shutdown time, then NTP corrects it): what the nodes read as now moves, their timers keep
   * their delays (as Node's do: they run on a monotonic clock), the cloud keeps the true time.
   */
  stepWallClock(ms: number): void;
  /** How far the nodes' wall clock is from the true time (ms). */
  wallOffset(): number;
  /** Advance simulated time by `ms`, firing every timer due. */
  run(ms: number): Promise<void>;
  /** Send a message into a node (sync or measure) of the flow. */
  inject(nodeId: string, msg?: Record<string, unknown>): void;
  injectSync(): void;
  /**
   * Drop the call histories the test helper's spies keep (every `status`, `send`, `error`, log…
   * call of every node, forever): over a simulated month they, not the nodes, fill the heap.
   */
  forgetSpiedCalls(): void;
  stop(): Promise<void>;
}

export const ACCOUNT_ID = 'soak-account';
export const SYNC_ID = 'soak-sync';
const CATCH_ID = 'soak-catch';
const CAUGHT_ID = 'soak-caught';
const SYNC_OUT_ID = 'soak-sync-out';

export function measureId(i: number): string {
  return `soak-measure-${i}`;
}

function outId(i: number): string {
  return `soak-out-${i}`;
}

export function defaultStart(): number {
  const day = 86_400_000;
  return Math.floor(Date.now() / day) * day;
}

type FlowNode = Record<string, unknown> & { id: string; type: string };

function buildFlow(sim: Simulator, nodes: MeasureNodeInfo[]): FlowNode[] {
  const tab = 'soak-tab';
  const flow: FlowNode[] = [
    { id: tab, type: 'tab', label: 'soak' },
    { id: ACCOUNT_ID, type: 'econetatmo-account', name: 'soak', apiUrl: sim.url },
    { id: SYNC_ID, type: 'econetatmo-sync', z: tab, account: ACCOUNT_ID, mode: 'all', wires: [[SYNC_OUT_ID]] },
    { id: SYNC_OUT_ID, type: 'helper', z: tab },
    { id: CATCH_ID, type: 'catch', z: tab, scope: null, uncaught: false, wires: [[CAUGHT_ID]] },
    { id: CAUGHT_ID, type: 'helper', z: tab },
  ];
  nodes.forEach(({ line, settings: measure }, i) => {
    flow.push({
      id: measureId(i),
      type: 'econetatmo-measure',
      z: tab,
      name: '',
      account: ACCOUNT_ID,
      moduleId: line.moduleId,
      deviceId: '',
      types: measure.types ?? '',
      scale: measure.scale ?? '30min',
      interval: String(measure.interval ?? 10),
      emit: measure.emit ?? 'changes',
      wires: [[outId(i)]],
    });
    flow.push({ id: outId(i), type: 'helper', z: tab });
  });
  return flow;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const start = options.start ?? defaultStart();
  const clock = new VirtualClock({ start });
  const problems = { unhandledRejections: [] as unknown[], uncaughtExceptions: [] as unknown[] };
  const onRejection = (reason: unknown): void => {
    problems.unhandledRejections.push(reason);
  };
  const onException = (err: unknown): void => {
    problems.uncaughtExceptions.push(err);
  };
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);

  let wallOffset = 0;
  // The board's wall clock: the nodes' time, which the soak steps; the simulated cloud keeps true time.
  const boardClock: Clock = { now: () => clock.now() + wallOffset, setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout };
  const sim = await startSimulator({
    ...options.simulator,
    seed: options.seed ?? 42,
    now: clock.now,
    faults: options.faults,
    accessTokenRealLifetimeSec: options.accessTokenRealLifetimeSec ?? options.simulator?.accessTokenRealLifetimeSec,
  });
  const allLines = sim.lines();
  const specs: Array<{ line: number; settings?: MeasureSettings }> = options.nodes ?? Array.from({ length: options.lines ?? 9 }, (_, i) => ({ line: i }));
  for (const spec of specs) {
    if (spec.line >= allLines.length) throw new Error(`the simulator has ${allLines.length} lines, line ${spec.line} asked`);
  }
  const measureNodes: MeasureNodeInfo[] = specs.map((spec, i) => ({
    id: measureId(i),
    line: allLines[spec.line],
    settings: { ...options.measure, ...spec.settings },
  }));
  const count = measureNodes.length;

  // A user dir of its own: the account's token store must not find another run's tokens.
  const userDir = mkdtempSync(path.join(options.userDirRoot ?? tmpdir(), 'econetatmo-soak-'));
  nodeRedSettings({
    userDir,
    clock: boardClock,
    // As most installs have one: the token file is sealed with it at every refresh.
    credentialSecret: 'econetatmo-soak-credential-secret',
    requestTimeoutMs: options.requestTimeoutMs ?? 1000,
  });
  const tokens = sim.issueTokens();
  const credentials = {
    [ACCOUNT_ID]: {
      clientId: sim.clientId,
      clientSecret: sim.clientSecret,
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
    },
  };
  const types = ['econetatmo-account', 'econetatmo-sync', ...(count > 0 ? ['econetatmo-measure'] : [])];
  const modules = types.map(nodeModule);
  await helper.load(modules, buildFlow(sim, measureNodes), credentials);

  const outputs = new Map<string, Received[]>();
  measureNodes.forEach((m, i) => {
    const received: Received[] = [];
    outputs.set(m.id, received);
    helper.getNode(outId(i)).on('input', (msg: Record<string, unknown>) => received.push({ t: clock.now(), msg }));
  });
  const syncOutputs: Received[] = [];
  helper.getNode(SYNC_OUT_ID).on('input', (msg: Record<string, unknown>) => syncOutputs.push({ t: clock.now(), msg }));
  const caught: Received[] = [];
  helper.getNode(CAUGHT_ID).on('input', (msg: Record<string, unknown>) => caught.push({ t: clock.now(), msg }));

  // The test helper spies on Node.prototype.error and tells each node of every call.
  const nodeErrors: Harness['nodeErrors'] = [];
  for (const nodeId of [SYNC_ID, ...measureNodes.map((m) => m.id)]) {
    helper.getNode(nodeId).on('call:error', (call: { args?: unknown[] }) => {
      const first = call.args?.[0];
      nodeErrors.push({ t: clock.now(), nodeId, message: first instanceof Error ? first.message : String(first) });
    });
  }

  let stopped = false;
  return {
    clock,
    sim,
    start,
    userDir,
    measureNodes,
    outputs,
    syncOutputs,
    caught,
    nodeErrors,
    problems,
    stepWallClock(ms) {
      wallOffset += ms;
    },
    wallOffset: () => wallOffset,
    run: (ms) => clock.runFor(ms),
    inject(nodeId, msg = {}) {
      helper.getNode(nodeId).receive({ payload: clock.now(), ...msg });
    },
    injectSync() {
      helper.getNode(SYNC_ID).receive({ payload: clock.now() });
    },
    forgetSpiedCalls() {
      type Spy = { resetHistory?: () => void };
      const spies = new Set<Spy>();
      const logSpy = (helper as unknown as { _logSpy?: Spy })._logSpy;
      if (logSpy) spies.add(logSpy);
      for (let proto: object | null = Object.getPrototypeOf(helper.getNode(SYNC_ID)); proto; proto = Object.getPrototypeOf(proto)) {
        for (const name of Object.getOwnPropertyNames(proto)) {
          const value: unknown = Object.getOwnPropertyDescriptor(proto, name)?.value;
          if (typeof value === 'function' && typeof (value as Spy).resetHistory === 'function') spies.add(value as Spy);
        }
      }
      for (const spy of spies) spy.resetHistory?.();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        await helper.unload();
        await clock.settle();
      } finally {
        clock.dispose();
        await sim.close();
        resetNodeRedSettings();
        rmSync(userDir, { recursive: true, force: true });
        process.off('unhandledRejection', onRejection);
        process.off('uncaughtException', onException);
      }
    },
  };
}
