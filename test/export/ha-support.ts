// The Home Assistant side of the export tests: node-red-contrib-home-assistant-websocket's real
// server and API nodes, pointed at the stand-in, wired as example 04 wires them; and the rig they
// run on (the virtual clock, the simulator on it, the stand-in, a user directory).
import helper from 'node-red-node-test-helper';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/simulator';
import { startHaStandIn, type HaStandIn } from '../support/ha-standin';
import { VirtualClock } from '../support/virtual-clock';
import { nodeRedSettings, removeTempUserDirs, useTempUserDir } from '../support/node-red-settings';

type FlowNode = Record<string, unknown> & { id: string; type: string };

const haModule = require('node-red-contrib-home-assistant-websocket/dist/index.js') as { default: unknown } | ((...args: unknown[]) => void);
const haEntry = (typeof haModule === 'function' ? haModule : (haModule as { default: unknown }).default) as (RED: unknown) => unknown;

/** Its issue checker's period: it runs on a setInterval the package never clears. */
const ISSUE_CHECK_MS = 6 * 3600 * 1000;

/**
 * The package's Node-RED entry point (an ES module's default export), except that the interval
 * of its issue checker (started once per process, kept by no one) is unref'd: it must not keep
 * the test process alive after the last test. Nothing else changes.
 */
export function haNodes(RED: unknown): Promise<unknown> {
  const real = global.setInterval;
  const patched = ((fn: () => void, ms?: number, ...args: unknown[]) => {
    const timer = real(fn, ms, ...args) as unknown as NodeJS.Timeout;
    if (ms === ISSUE_CHECK_MS) timer.unref();
    return timer;
  }) as typeof global.setInterval;
  global.setInterval = patched;
  // The checker starts after the package's first await: restore once its init has finished.
  return Promise.resolve(haEntry(RED)).finally(() => {
    if (global.setInterval === patched) global.setInterval = real;
  });
}

export const HA_SERVER_ID = 'ha1';

export function haServerNode(): FlowNode {
  return {
    id: HA_SERVER_ID,
    type: 'server',
    name: 'Home Assistant',
    version: 5,
    addon: false,
    rejectUnauthorizedCerts: true,
    ha_boolean: 'y|yes|true|on|home|open',
    connectionDelay: false,
    cacheJson: false,
    heartbeat: false,
    heartbeatInterval: 30,
    areaSelector: 'friendlyName',
    deviceSelector: 'friendlyName',
    entitySelector: 'friendlyName',
    statusSeparator: ': ',
    statusYear: 'hidden',
    statusMonth: 'short',
    statusDay: 'numeric',
    statusHourCycle: 'default',
    statusTimeFormat: 'h:m',
    enableGlobalContextStore: false,
  };
}

export function haCredentials(ha: HaStandIn): Record<string, Record<string, string>> {
  return { [HA_SERVER_ID]: { host: ha.url, access_token: ha.token } };
}

/** An API node sending `msg.payload` as a websocket command; the answer replaces `msg.payload`. */
export function haApiNode(id: string, wires: string[][]): FlowNode {
  return {
    id,
    type: 'ha-api',
    name: id,
    server: HA_SERVER_ID,
    version: 1,
    debugenabled: false,
    protocol: 'websocket',
    method: 'get',
    path: '',
    data: 'payload',
    dataType: 'jsonata',
    responseType: 'json',
    outputProperties: [{ property: 'payload', propertyType: 'msg', value: '', valueType: 'results' }],
    wires,
  };
}

/** The server node connects on its own, in real time: waits for the handshake begun after `since` commands. */
export async function haConnected(ha: HaStandIn, since: number): Promise<void> {
  for (let i = 0; i < 200 && !ha.received.slice(since).includes('config/label_registry/list'); i++) await new Promise((r) => setTimeout(r, 20));
}

/** Runs the virtual clock until `progress` stops moving: the reads, the websocket round trips and the imports are done. */
export async function quietOn(clock: VirtualClock, progress: () => number): Promise<void> {
  let last = -1;
  let stable = 0;
  for (let i = 0; i < 600 && stable < 6; i++) {
    await clock.runFor(100);
    await new Promise((r) => setTimeout(r, 15));
    const n = progress();
    stable = n === last ? stable + 1 : 0;
    last = n;
  }
}

export interface HaRig {
  clock: VirtualClock;
  sim: Simulator;
  ha: HaStandIn;
  userDir: string;
  /** Unloads the flow and stops everything the rig started. */
  close(): Promise<void>;
}

/** A virtual clock (the nodes' too), the simulator on it, the stand-in Home Assistant, a fresh user directory. */
export async function startHaRig(start: number, simulator: SimulatorOptions = {}): Promise<HaRig> {
  const clock = new VirtualClock({ start });
  nodeRedSettings({ clock });
  const sim = await startSimulator({ now: clock.now, rateLimits: [{ windowMs: 10_000, max: 10_000 }], ...simulator });
  const ha = await startHaStandIn();
  const userDir = useTempUserDir();
  return {
    clock,
    sim,
    ha,
    userDir,
    async close() {
      await helper.unload();
      clock.dispose();
      nodeRedSettings({ clock: undefined });
      await sim.close();
      await ha.close();
      removeTempUserDirs();
    },
  };
}

/** The default statistic of a line: `econetatmo:<ecocounter id>_<line index>`. */
export function statisticIdOf(moduleId: string): string {
  const [device, index] = moduleId.split('#');
  return `econetatmo:${device.replace(/:/g, '')}_${index}`;
}
