// Decoding speed, memory per measure node, and how long the package takes to load.
import { execFileSync } from 'node:child_process';
import v8 from 'node:v8';
import vm from 'node:vm';
import helper from 'node-red-node-test-helper';
import { resetNodeRedSettings } from '../test/support/node-red-settings';
import { decodeMeasure } from '../src/netatmo/measure-decode';
import { DEFAULT_TYPES } from '../src/contract/measure-types';
import { nodeModules, packageRoot, startRig } from './bench-rig';

const MIN = 60_000;

export interface SpeedFigures {
  /** JSON text of full 1024-row answers (4 types) parsed and decoded. */
  decodeBucketsPerSecond: number;
  /** Heap per measure node once it has read its window (KiB). */
  memoryPerNodeKiB: number;
  /** Cold `require` of the three node entry points in a fresh Node.js (ms, median of 3). */
  requireMs: number;
  /** Node-RED (test helper, warm) loading a flow of the three node types (ms). */
  flowLoadMs: number;
}

function answerText(rows: number): string {
  const beg = Math.floor(Date.UTC(2025, 0, 1) / 1000) + 900;
  const value: Array<Array<number | null>> = [];
  for (let i = 0; i < rows; i++) value.push([100 + (i % 37), null, 60 + (i % 11), 40 + (i % 13)]);
  return JSON.stringify({ status: 'ok', time_server: beg, body: [{ beg_time: beg, step_time: 1800, value }] });
}

export function benchDecode(minMs = 1000): number {
  const text = answerText(1024);
  let buckets = 0;
  const began = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < minMs) {
    for (let i = 0; i < 20; i++) buckets += decodeMeasure(JSON.parse(text), DEFAULT_TYPES, '30min').length;
    elapsed = Number(process.hrtime.bigint() - began) / 1e6;
  }
  return buckets / (elapsed / 1000);
}

function gc(): void {
  v8.setFlagsFromString('--expose_gc');
  const collect = vm.runInNewContext('gc') as () => void;
  collect();
  collect();
}

async function heapWith(nodes: number): Promise<number> {
  const rig = await startRig({ nodes, virtual: true, measure: { interval: '10' } });
  try {
    // Each node makes its first read (its window's tracker is then filled) on the virtual clock.
    await rig.clock?.runFor(11 * MIN);
    gc();
    return process.memoryUsage().heapUsed;
  } finally {
    await rig.stop();
  }
}

export async function benchMemory(): Promise<number> {
  await heapWith(1); // warm up modules and caches
  const small = await heapWith(1);
  const large = await heapWith(101);
  return (large - small) / 100 / 1024;
}

export function benchRequire(): number {
  const script = `
    const t = process.hrtime.bigint();
    for (const n of ['econetatmo-account', 'econetatmo-sync', 'econetatmo-measure']) require('./nodes/' + n + '.js');
    process.stdout.write(String(Number(process.hrtime.bigint() - t) / 1e6));`;
  const runs = [0, 1, 2].map(() => Number(execFileSync(process.execPath, ['-e', script], { cwd: packageRoot(), encoding: 'utf8' })));
  return runs.sort((a, b) => a - b)[1];
}

export async function benchFlowLoad(): Promise<number> {
  resetNodeRedSettings();
  const flow = [
    { id: 't', type: 'tab' },
    { id: 'a', type: 'econetatmo-account', apiUrl: 'http://127.0.0.1:9' },
    { id: 's', type: 'econetatmo-sync', z: 't', account: 'a', wires: [] },
    { id: 'm', type: 'econetatmo-measure', z: 't', account: 'a', moduleId: '70:ee:50:00:00:01#0', interval: '0', wires: [] },
  ];
  const began = process.hrtime.bigint();
  await helper.load(nodeModules(), flow);
  const ms = Number(process.hrtime.bigint() - began) / 1e6;
  await helper.unload();
  return ms;
}

export async function benchSpeed(): Promise<SpeedFigures> {
  return {
    decodeBucketsPerSecond: benchDecode(),
    memoryPerNodeKiB: await benchMemory(),
    requireMs: benchRequire(),
    flowLoadMs: await benchFlowLoad(),
  };
}
