// Keeping nine lines x four types current: requests per hour and freshness (how long after a
// bucket appears in the cloud it is emitted), for our node at a fixed 10 min, our node in
// `auto`, and the usual way (one request per type per line every 10 min). Simulated time on
// the shared harness's virtual clock: a day and a half runs in seconds.
import { recentWindow } from '../src/netatmo/measure-plan';
import { DEFAULT_TYPES } from '../src/contract/measure-types';
import { startUsualPoller } from './bench-usual';
import { startHarness, type Harness } from './harness';

const MIN = 60_000;
const HOUR = 60 * MIN;

export type PollingMode = 'fixed' | 'auto' | 'usual';

export interface PollingOptions {
  /** Simulated hours before the measured period (the `auto` learner learns then). */
  warmupHours: number;
  measureHours: number;
  lines: number;
  seed: number;
}

export interface Freshness {
  medianMin: number;
  p95Min: number;
  buckets: number;
  /** Buckets that appeared in the measured period (up to an hour before its end) but were never emitted. */
  missed: number;
}

export interface PollingFigures {
  mode: PollingMode;
  /** /api/getmeasure requests per hour over the measured period. */
  requestsPerHour: number;
  /** The same over the whole run, learning included. */
  requestsPerHourWithWarmup: number;
  tokenRequests: number;
  rateLimited: number;
  freshness: Freshness;
  realSeconds: number;
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i];
}

function getmeasureCount(h: Harness): number {
  const byStatus = h.sim.stats().requests['/api/getmeasure'] ?? {};
  return Object.values(byStatus).reduce((a, b) => a + b, 0);
}

function tokenCount(h: Harness): number {
  const byStatus = h.sim.stats().requests['/oauth2/token'] ?? {};
  return Object.values(byStatus).reduce((a, b) => a + b, 0);
}

/** First emission of each bucket by our nodes: `${moduleId}|${start}` -> simulated time. */
function ourEmissions(h: Harness): Map<string, number> {
  const first = new Map<string, number>();
  for (const node of h.measureNodes) {
    for (const received of h.outputs.get(node.id) ?? []) {
      const payload = received.msg.payload as { points?: Array<{ start: number }> } | undefined;
      for (const p of payload?.points ?? []) {
        const key = `${node.line.moduleId}|${p.start}`;
        if (!first.has(key)) first.set(key, received.t);
      }
    }
  }
  return first;
}

/** Freshness of the buckets that appeared in [from, to - 1 h], against the simulator's truth. */
function freshness(h: Harness, emitted: Map<string, number>, from: number, to: number): Freshness {
  const delays: number[] = [];
  let missed = 0;
  for (const node of h.measureNodes) {
    const moduleId = node.line.moduleId;
    // Every 30-min bucket that could have appeared in the period.
    const truth = h.clock.at(to, () => h.sim.buckets({ moduleId, types: [...DEFAULT_TYPES], scale: '30min', from: from - 6 * HOUR, to }, { final: true }));
    for (const b of truth) {
      const available = h.sim.availableAt(moduleId, b.start);
      if (!(available >= from && available <= to - HOUR)) continue;
      const at = emitted.get(`${moduleId}|${b.start}`);
      if (at === undefined) missed += 1;
      else delays.push(Math.max(0, at - available) / MIN);
    }
  }
  delays.sort((a, b) => a - b);
  return { medianMin: quantile(delays, 0.5), p95Min: quantile(delays, 0.95), buckets: delays.length, missed };
}

export async function benchPolling(mode: PollingMode, o: PollingOptions): Promise<PollingFigures> {
  const began = Date.now();
  const interval = mode === 'auto' ? 'auto' : 10;
  const h = await startHarness({
    seed: o.seed,
    lines: mode === 'usual' ? 0 : o.lines,
    // The harness stringifies the interval; `auto` is a string the node reads.
    measure: { scale: '30min', interval: interval as number, emit: 'changes' },
  });
  try {
    const lines = h.sim.lines().slice(0, o.lines);
    let usual: ReturnType<typeof startUsualPoller> | null = null;
    if (mode === 'usual') {
      const t = h.sim.issueTokens();
      usual = startUsualPoller({
        sim: h.sim,
        clock: h.clock,
        lines,
        types: DEFAULT_TYPES,
        scale: '30min',
        everyMs: 10 * MIN,
        firstDelayMs: 2000,
        tokens: t,
      });
      // The freshness check walks the harness's measure nodes: give it the lines.
      (h as { measureNodes: Harness['measureNodes'] }).measureNodes = lines.map((line, i) => ({ id: `usual-${i}`, line, settings: { scale: '30min' } }));
    }
    await h.run(o.warmupHours * HOUR);
    const warmRequests = getmeasureCount(h);
    const from = h.clock.now();
    await h.run(o.measureHours * HOUR);
    const to = h.clock.now();
    const total = getmeasureCount(h);
    const emitted = usual ? usual.emitted : ourEmissions(h);
    usual?.stop();
    const figures: PollingFigures = {
      mode,
      requestsPerHour: (total - warmRequests) / o.measureHours,
      requestsPerHourWithWarmup: total / (o.warmupHours + o.measureHours),
      tokenRequests: tokenCount(h),
      rateLimited: h.sim.stats().rateLimited,
      freshness: freshness(h, emitted, from, to),
      realSeconds: (Date.now() - began) / 1000,
    };
    return figures;
  } finally {
    await h.stop();
  }
}

/** The window both ways read, for the report. */
export function windowHours(): number {
  const w = recentWindow('30min', Date.UTC(2025, 0, 1));
  return (w.dateEnd - w.dateBegin) / HOUR;
}
