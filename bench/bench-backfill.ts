// A year at 30 min for all nine lines, in real time against the simulator with Netatmo's real
// per-user limits: how many requests against the minimum, how long against what the rate
// limit alone imposes, and whether the cloud ever had to say "too many requests".
import helper from 'node-red-node-test-helper';
import { DEFAULT_RATE_LIMITS } from '../src/simulator';
import { startRig } from './bench-rig';

const DAY = 86_400_000;
const ROWS = 1024;

export interface BackfillFigures {
  lines: number;
  requests: number;
  /** 9 lines × ⌈17 520 / 1024⌉: every line holding a full year. */
  minimumRequests: number;
  /** The minimum for what the cloud really holds: ⌈buckets held / 1024⌉ per line with data (gaps hold no row), one per empty line. */
  neededRequests: number;
  /** Buckets the cloud holds for the range (all lines), and how many of them never arrived or arrived wrong. */
  bucketsHeld: number;
  bucketsMissing: number;
  wallSeconds: number;
  boundSeconds: number;
  rateLimited: number;
  /** Not pages: the nodes' line-name lookups and token refreshes. */
  otherRequests: number;
  buckets: number;
  /** The progress texts the first node showed, in order (deduplicated). */
  statuses: string[];
}

/**
 * The earliest the last of `n` requests can go under sliding-window limits, when nothing else
 * takes time: request k (0-based) waits for floor(k / max) whole windows of every limit.
 */
export function rateLimitBoundMs(n: number, limits: ReadonlyArray<{ windowMs: number; max: number }>): number {
  if (n <= 0) return 0;
  return Math.max(...limits.map((l) => Math.floor((n - 1) / l.max) * l.windowMs));
}

export async function benchBackfill(options: { timeoutMs?: number } = {}): Promise<BackfillFigures> {
  const rig = await startRig({ nodes: 9, virtual: false });
  try {
    const now = Date.now();
    const dateBegin = now - 365 * DAY;
    const buckets = Math.ceil((now - Math.floor(dateBegin / 1_800_000) * 1_800_000) / 1_800_000);
    const minimumRequests = rig.nodeIds.length * Math.ceil(17_520 / ROWS);
    rig.sim.resetStats();
    const began = Date.now();
    for (const id of rig.nodeIds) rig.inject(id, { dateBegin, dateEnd: now });
    const deadline = began + (options.timeoutMs ?? 180_000);
    while ([...rig.outputs.values()].some((list) => list.length === 0) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const wallMs = Math.max(...[...rig.outputs.values()].map((list) => list[0]?.at ?? Number.POSITIVE_INFINITY)) - began;
    const stats = rig.sim.stats();
    // The test helper records every status call (of every node: keep the first node's).
    const statuses: string[] = [];
    const spy = helper.getNode(rig.nodeIds[0]).status as unknown as { args?: unknown[][]; thisValues?: Array<{ id?: string }> };
    (spy.args ?? []).forEach((call, i) => {
      if (spy.thisValues?.[i]?.id !== rig.nodeIds[0]) return;
      const text = (call[0] as { text?: unknown } | undefined)?.text;
      if (typeof text === 'string' && statuses[statuses.length - 1] !== text) statuses.push(text);
    });
    const count = (p: string): number => Object.values(stats.requests[p] ?? {}).reduce((a, b) => a + b, 0);
    const requests = count('/api/getmeasure');
    // Every bucket the cloud holds for the range must have arrived, with its value.
    let bucketsHeld = 0;
    let bucketsMissing = 0;
    let neededRequests = 0;
    rig.nodeIds.forEach((id, i) => {
      const line = rig.sim.lines()[i % rig.sim.lines().length];
      const types = ['sum_energy_elec', 'sum_energy_elec$0', 'sum_energy_elec$1', 'sum_energy_elec$2'];
      const held = rig.sim.buckets({ moduleId: line.moduleId, types, scale: '30min', from: dateBegin, to: now });
      const payload = rig.outputs.get(id)?.[0]?.msg.payload as { points?: Array<{ start: number; values: Record<string, number | null> }> } | undefined;
      const got = new Map((payload?.points ?? []).map((p) => [p.start, JSON.stringify(p.values)]));
      bucketsHeld += held.length;
      bucketsMissing += held.filter((b) => got.get(b.start) !== JSON.stringify(b.values)).length;
      neededRequests += Math.max(1, Math.ceil(held.length / ROWS));
    });
    return {
      lines: rig.nodeIds.length,
      requests,
      minimumRequests,
      neededRequests,
      bucketsHeld,
      bucketsMissing,
      wallSeconds: wallMs / 1000,
      // What the per-user limits alone impose on the requests this read needed.
      boundSeconds: rateLimitBoundMs(neededRequests, DEFAULT_RATE_LIMITS) / 1000,
      rateLimited: stats.rateLimited,
      otherRequests: count('/api/homesdata') + count('/oauth2/token'),
      buckets,
      statuses,
    };
  } finally {
    await rig.stop();
  }
}
