// What a soak proves, checked against the simulator's ground truth at the end of a run:
// every bucket the cloud holds for the period was emitted with its final value, none twice
// as new, no refresh token lost, no code 26 hit, no unhandled failure; and what it cost.
import type { Harness, MeasureNodeInfo, Received } from './harness';

const HOUR = 3_600_000;

export interface CheckOptions {
  /** First bucket start checked (default: the harness start). */
  from?: number;
  /** End of the period (default: the clock's now). */
  end?: number;
  /** Buckets starting at or after this are left for a later check (default: `end`). */
  to?: number;
  /**
   * What the nodes emitted, already folded (a long soak folds and forgets as it goes); default:
   * folded here from the harness's record of every message.
   */
  records?: ReadonlyMap<string, NodeRecord>;
  /**
   * Buckets that appeared (or were revised) less than this before the end are not required
   * yet: the node reads every `interval` minutes and may have needed a retry (default 1 h).
   */
  marginMs?: number;
}

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export interface BucketProblem {
  nodeId: string;
  moduleId: string;
  start: string;
  problem: string;
}

export interface SoakReport {
  simHours: number;
  lines: number;
  expectedBuckets: number;
  emittedFinal: number;
  /** Revised after end − margin: the preliminary value is accepted. */
  emittedPreliminaryAccepted: number;
  messages: number;
  points: number;
  revisions: number;
  bucketProblems: BucketProblem[];
  duplicatesAsNew: BucketProblem[];
  /** Those of them that reached the flow's catch node. */
  caughtErrors: number;
  /** Reads that gave up: every node.error call of the flow nodes (done(err) included). */
  nodeErrors: number;
  caughtSamples: string[];
  sim: { invalidGrant: number; rateLimited: number; code11: number; faultsInjected: number; refreshGrants: number };
  requests: { byPath: Record<string, Record<string, number>>; getmeasure: number; perLinePerHour: number; total: number };
  unhandledRejections: number;
  uncaughtExceptions: number;
  checks: Check[];
  ok: boolean;
}

export interface EmittedPoint {
  start: number;
  end?: number;
  total?: number | null;
  values: Record<string, number | null>;
}

/**
 * One node's output, folded message by message: the last point emitted for each bucket start,
 * and the counts. `forget(before)` drops the points of buckets already checked, so that a soak
 * of a year holds a few days of them, not the year.
 */
export class NodeRecord {
  readonly last = new Map<number, EmittedPoint>();
  types: string[] = [];
  messages = 0;
  points = 0;
  revisions = 0;
  readonly duplicatesAsNew: BucketProblem[] = [];
  /** Bucket starts before this were checked and forgotten. */
  private forgottenBefore = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly node: MeasureNodeInfo,
    /** Whether a repeat not listed in `payload.revised` is a fault (the 30-minute reads). */
    private readonly repeatsAreFaults: boolean,
  ) {}

  fold(received: readonly Received[]): void {
    for (const { msg } of received) {
      this.messages += 1;
      const p = pointsOf(msg);
      if (p.types.length > 0) this.types = p.types;
      for (const point of p.points) {
        this.points += 1;
        if (p.revised.has(point.start)) this.revisions += 1;
        else if (this.repeatsAreFaults && (this.last.has(point.start) || point.start < this.forgottenBefore)) {
          this.duplicatesAsNew.push({ nodeId: this.node.id, moduleId: this.node.line.moduleId, start: iso(point.start), problem: 'emitted again as new' });
        }
        this.last.set(point.start, point);
      }
    }
  }

  /** Forget the points of buckets that start before `before` (they were checked). */
  forget(before: number): void {
    for (const start of this.last.keys()) if (start < before) this.last.delete(start);
    this.forgottenBefore = Math.max(this.forgottenBefore, before);
  }
}

/** The 30-minute reads; other scales (the month soak's daily `1day` reads) are checked apart. */
export function isFine(node: MeasureNodeInfo): boolean {
  return (node.settings.scale ?? '30min') === '30min';
}

function pointsOf(msg: Record<string, unknown>): { points: EmittedPoint[]; revised: Set<number>; types: string[] } {
  const payload = msg.payload as { points?: unknown; revised?: unknown; types?: unknown } | undefined;
  const points = Array.isArray(payload?.points) ? (payload.points as EmittedPoint[]) : [];
  const revised = new Set<number>(Array.isArray(payload?.revised) ? (payload.revised as number[]) : []);
  const types = Array.isArray(payload?.types) ? (payload.types as string[]) : [];
  return { points, revised, types };
}

function sameValues(a: Record<string, number | null>, b: Record<string, number | null>, types: readonly string[]): boolean {
  return types.every((t) => {
    const x = a[t] ?? null;
    const y = b[t] ?? null;
    if (x === null || y === null) return x === y;
    return Math.abs(x - y) < 1e-6;
  });
}

const iso = (ms: number): string => new Date(ms).toISOString();

function sum(record: Record<string, number> | undefined): number {
  return Object.values(record ?? {}).reduce((a, b) => a + b, 0);
}

export function checkSoak(h: Harness, options: CheckOptions = {}): SoakReport {
  const end = options.end ?? h.clock.now();
  const from = options.from ?? h.start;
  const margin = options.marginMs ?? HOUR;
  const settledAt = end - margin;
  const bucketProblems: BucketProblem[] = [];
  const duplicatesAsNew: BucketProblem[] = [];
  let expected = 0;
  let emittedFinal = 0;
  let preliminaryAccepted = 0;
  let messages = 0;
  let points = 0;
  let revisions = 0;

  const fineNodes = h.measureNodes.filter(isFine);
  for (const node of fineNodes) {
    let record = options.records?.get(node.id);
    if (record === undefined) {
      record = new NodeRecord(node, true);
      record.fold(h.outputs.get(node.id) ?? []);
    }
    messages += record.messages;
    points += record.points;
    revisions += record.revisions;
    duplicatesAsNew.push(...record.duplicatesAsNew);
    let types = record.types;
    if (types.length === 0) types = ['sum_energy_elec', 'sum_energy_elec$0', 'sum_energy_elec$1', 'sum_energy_elec$2'];
    const query = { moduleId: node.line.moduleId, types, scale: '30min', from, to: options.to ?? end };
    const finals = h.sim.buckets(query, { final: true });
    // What the cloud served when the margin began: a revision after that is not required yet.
    const servedThen = new Map(h.clock.at(settledAt, () => h.sim.buckets(query)).map((b) => [b.start, b.values]));
    for (const bucket of finals) {
      if (bucket.start < from || h.sim.availableAt(node.line.moduleId, bucket.start) > settledAt) continue;
      expected += 1;
      const emitted = record.last.get(bucket.start)?.values;
      const where = { nodeId: node.id, moduleId: node.line.moduleId, start: iso(bucket.start) };
      if (emitted === undefined) {
        bucketProblems.push({ ...where, problem: 'never emitted' });
      } else if (sameValues(emitted, bucket.values, types)) {
        emittedFinal += 1;
      } else {
        const then = servedThen.get(bucket.start);
        if (then !== undefined && !sameValues(then, bucket.values, types) && sameValues(emitted, then, types)) {
          preliminaryAccepted += 1;
        } else {
          bucketProblems.push({
            ...where,
            problem: `last emitted ${JSON.stringify(emitted)}, final ${JSON.stringify(bucket.values)}`,
          });
        }
      }
    }
  }

  const stats = h.sim.stats();
  const hours = (end - h.start) / HOUR;
  const getmeasure = sum(stats.requests['/api/getmeasure']);
  const total = Object.values(stats.requests).reduce((acc, byStatus) => acc + sum(byStatus), 0);
  const lineCount = new Set(h.measureNodes.map((n) => n.line.moduleId)).size;
  const perLinePerHour = hours > 0 && lineCount > 0 ? getmeasure / lineCount / hours : 0;
  const caughtSamples = [
    ...new Set([
      // The catch node has the error's toString(): drop the class name to match node.error's text.
      ...h.caught.map(({ msg }) => String((msg.error as { message?: unknown } | undefined)?.message).replace(/^\w*Error: /, '')),
      ...h.nodeErrors.map((e) => e.message),
    ]),
  ].slice(0, 5);
  const unhandled = h.problems.unhandledRejections.length;
  const uncaught = h.problems.uncaughtExceptions.length;

  const checks: Check[] = [
    {
      name: 'every bucket held by the simulator was emitted with its final value',
      ok: bucketProblems.length === 0 && expected > 0,
      detail: `${expected} expected, ${emittedFinal} final, ${preliminaryAccepted} revised in the last margin, ${bucketProblems.length} wrong or missing`,
    },
    { name: 'no bucket emitted twice as new', ok: duplicatesAsNew.length === 0, detail: `${duplicatesAsNew.length} repeats not listed in payload.revised` },
    { name: 'zero invalid_grant', ok: stats.invalidGrant === 0, detail: `${stats.invalidGrant}` },
    { name: 'zero code-26 answers', ok: stats.rateLimited === 0, detail: `${stats.rateLimited}` },
    { name: 'zero unhandled rejections', ok: unhandled === 0, detail: `${unhandled}` },
    { name: 'zero uncaught exceptions', ok: uncaught === 0, detail: `${uncaught}` },
  ];
  return {
    simHours: hours,
    lines: lineCount,
    expectedBuckets: expected,
    emittedFinal,
    emittedPreliminaryAccepted: preliminaryAccepted,
    messages,
    points,
    revisions,
    bucketProblems,
    duplicatesAsNew,
    caughtErrors: h.caught.length,
    nodeErrors: h.nodeErrors.length,
    caughtSamples,
    sim: {
      invalidGrant: stats.invalidGrant,
      rateLimited: stats.rateLimited,
      code11: stats.code11,
      faultsInjected: stats.faultsInjected,
      refreshGrants: stats.refreshGrants,
    },
    requests: { byPath: stats.requests, getmeasure, perLinePerHour, total },
    unhandledRejections: unhandled,
    uncaughtExceptions: uncaught,
    checks,
    ok: checks.every((c) => c.ok),
  };
}

/** The report as text for a person. */
export function formatReport(r: SoakReport): string {
  const out: string[] = [];
  out.push(`Simulated ${r.simHours.toFixed(1)} h, ${r.lines} measure nodes, ${r.messages} messages, ${r.points} points (${r.revisions} revisions)`);
  out.push(`Requests: ${r.requests.total} in all, ${r.requests.getmeasure} getmeasure = ${r.requests.perLinePerHour.toFixed(2)} per line per hour`);
  for (const [p, byStatus] of Object.entries(r.requests.byPath)) {
    out.push(
      `  ${p}: ${Object.entries(byStatus)
        .map(([s, n]) => `${s}=${n}`)
        .join(' ')}`,
    );
  }
  out.push(
    `Simulator: ${r.sim.faultsInjected} faults injected, ${r.sim.code11} code 11, ${r.sim.refreshGrants} refreshes, ${r.sim.invalidGrant} invalid_grant, ${r.sim.rateLimited} code 26`,
  );
  const samples = r.caughtSamples.length ? ` e.g. ${r.caughtSamples.join(' | ')}` : '';
  out.push(`Reads given up (node.error / done(err)): ${r.nodeErrors}, of which ${r.caughtErrors} reached the catch node${samples}`);
  for (const c of r.checks) out.push(`${c.ok ? 'PASS' : 'FAIL'}  ${c.name}: ${c.detail}`);
  for (const p of [...r.bucketProblems, ...r.duplicatesAsNew].slice(0, 20)) {
    out.push(`  ${p.nodeId} ${p.moduleId} ${p.start}: ${p.problem}`);
  }
  return out.join('\n');
}
