// The month-long soak (`npm run soak -- --days 31`): a month of a Paris home across the autumn
// clock change and a month end, with faults on. Nine 30-minute measure nodes (five with
// `interval: auto`, four every 10 min) and, next to them, a `1day` node per electrical line read
// once a day at 06:00 local. Checked at the end: nothing lost, nothing twice as new, no lost
// refresh token, no code 26; every local day's `1day` total equal to the sum of its 30-minute
// buckets and to the simulator's truth; the heap flat; every state file bounded.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { localDateText, nextDay, offsetMs, startOfDay } from '../src/lib/local-calendar';
import { startHarness, type Harness, type MeasureNodeInfo } from './harness';
import { checkSoak, type SoakReport } from './soak-checks';
import { CHAOS_FAULTS } from './soak-run';

const HOUR = 3_600_000;
const MB = 1024 * 1024;
export const MONTH_ZONE = 'Europe/Paris';
/** Monday 12 October 2026, 00:00 in Paris: 31 days cross the change of 25 October and the end of October. */
export const MONTH_START = Date.UTC(2026, 9, 11, 22);
/** The daily `1day` read, local hour. */
const DAILY_READ_HOUR = 6;
/** A day is checked once two daily reads have seen it whole (late uploads, revisions). */
const DAY_SETTLE_MS = 30 * HOUR;
/** Heap growth allowed between day 3 and the end (the harness keeps every message it got, a few MB). */
const HEAP_MARGIN = 10 * MB;
/** A state file may grow by this much between day 3 and the end. */
const fileMargin = (size: number): number => Math.max(1024, Math.ceil(size * 0.1));

export interface MonthSoakOptions {
  days: number;
  seed: number;
  start?: number;
  log?: (line: string) => void;
}

export interface DayCheck {
  day: string;
  hours: number;
  lines: number;
  /** Lines whose `1day` total, 30-minute sum and truth agree. */
  agreeing: number;
  samples: string[];
}

export interface MonthSoakOutcome {
  report: SoakReport;
  days: DayCheck[];
  heap: Array<{ day: number; usedMb: number }>;
  /** The heap at the end once the harness has dropped its record of every message (MB). */
  heapEndWithoutRecordMb: number;
  files: Array<{ file: string; day3: number; end: number; ok: boolean }>;
  dailyReads: number;
  wallMs: number;
  ok: boolean;
}

/** Collect the heap for real before measuring it (V8's flag, set at run time). */
function collectGarbage(): void {
  v8.setFlagsFromString('--expose_gc');
  const gc = vm.runInNewContext('gc') as () => void;
  gc();
  gc();
}

function heapUsedMb(): number {
  collectGarbage();
  return process.memoryUsage().heapUsed / MB;
}

function fileSizes(dir: string, root = dir, out = new Map<string, number>()): Map<string, number> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) fileSizes(full, root, out);
    else if (entry.isFile()) out.set(path.relative(root, full), statSync(full).size);
  }
  return out;
}

interface Point {
  start: number;
  end: number;
  total: number | null;
}

/** The last emitted point of each bucket start, for one node. */
function lastPoints(h: Harness, node: MeasureNodeInfo): Map<number, Point> {
  const last = new Map<number, Point>();
  for (const { msg } of h.outputs.get(node.id) ?? []) {
    const points = (msg.payload as { points?: Point[] } | undefined)?.points ?? [];
    for (const p of points) last.set(p.start, p);
  }
  return last;
}

const TARIFFS = ['sum_energy_elec', 'sum_energy_elec$0', 'sum_energy_elec$1', 'sum_energy_elec$2'];

function truthTotal(values: Record<string, number | null>): number | null {
  if (typeof values.sum_energy_elec === 'number') return values.sum_energy_elec;
  const parts = TARIFFS.slice(1)
    .map((t) => values[t])
    .filter((v): v is number => typeof v === 'number');
  return parts.length > 0 ? parts.reduce((a, b) => a + b, 0) : null;
}

function checkDays(h: Harness, daily: MeasureNodeInfo[], fine: MeasureNodeInfo[], lastRead: number): DayCheck[] {
  const out: DayCheck[] = [];
  const dailyPoints = new Map(daily.map((n) => [n.line.moduleId, lastPoints(h, n)]));
  const finePoints = new Map(fine.map((n) => [n.line.moduleId, lastPoints(h, n)]));
  for (let start = startOfDay(MONTH_ZONE, h.start); ; start = nextDay(MONTH_ZONE, start)) {
    const end = nextDay(MONTH_ZONE, start);
    if (end + DAY_SETTLE_MS > lastRead) break;
    const check: DayCheck = { day: localDateText(MONTH_ZONE, start), hours: (end - start) / HOUR, lines: 0, agreeing: 0, samples: [] };
    for (const node of daily) {
      const moduleId = node.line.moduleId;
      check.lines += 1;
      const emitted = dailyPoints.get(moduleId)?.get(start);
      const halves = [...(finePoints.get(moduleId)?.values() ?? [])].filter((p) => p.start >= start && p.start < end);
      const fineTruth = h.sim.buckets({ moduleId, types: TARIFFS, scale: '30min', from: start, to: end }, { final: true });
      const sum = halves.reduce((acc, p) => acc + (p.total ?? 0), 0);
      const [dayTruth] = h.sim.buckets({ moduleId, types: TARIFFS, scale: '1day', from: start, to: end }, { final: true });
      const truth = dayTruth && dayTruth.start === start && dayTruth.end === end ? truthTotal(dayTruth.values) : null;
      const ok =
        emitted !== undefined &&
        emitted.end === end &&
        emitted.total !== null &&
        halves.length === fineTruth.length &&
        Math.abs(emitted.total - sum) < 1e-6 &&
        truth !== null &&
        Math.abs(emitted.total - truth) < 1e-6;
      if (ok) check.agreeing += 1;
      else if (check.samples.length < 3) {
        check.samples.push(
          `${moduleId}: 1day ${emitted ? `${emitted.total} (${new Date(emitted.start).toISOString()}..${new Date(emitted.end).toISOString()})` : 'never emitted'}, 30min sum ${sum} of ${halves.length}/${fineTruth.length}, truth ${truth}`,
        );
      }
    }
    out.push(check);
  }
  return out;
}

export async function runMonthSoak(options: MonthSoakOptions): Promise<MonthSoakOutcome> {
  const began = Date.now();
  const log = options.log ?? ((): void => undefined);
  const start = options.start ?? MONTH_START;
  const fineSpecs = Array.from({ length: 9 }, (_, i) => ({ line: i, settings: { scale: '30min', interval: i < 5 ? ('auto' as const) : 10 } }));
  const dailySpecs = Array.from({ length: 6 }, (_, i) => ({ line: i, settings: { scale: '1day', interval: 0 } }));
  const h = await startHarness({
    start,
    seed: options.seed,
    measure: { types: '' },
    nodes: [...fineSpecs, ...dailySpecs],
    faults: CHAOS_FAULTS,
    accessTokenRealLifetimeSec: 300,
    requestTimeoutMs: 300,
    simulator: { revisionRate: 0.15, timeZone: MONTH_ZONE },
  });
  try {
    const fine = h.measureNodes.slice(0, fineSpecs.length);
    const daily = h.measureNodes.slice(fineSpecs.length);
    const heap: MonthSoakOutcome['heap'] = [];
    let day3Files = new Map<string, number>();
    let dailyReads = 0;
    let lastRead = start;
    const hours = options.days * 24;
    h.injectSync();
    for (let hour = 1; hour <= hours; hour++) {
      await h.run(HOUR);
      const now = h.clock.now();
      const localHour = Math.floor(((now + offsetMs(MONTH_ZONE, now)) % (24 * HOUR)) / HOUR);
      if (localHour === DAILY_READ_HOUR) {
        for (const node of daily) h.inject(node.id, { payload: now });
        dailyReads += 1;
        lastRead = now;
      }
      if (hour % 3 === 0 && hour < hours) h.injectSync();
      // The test helper's spies remember every call: forget them daily, as a real runtime has none.
      if (hour % 24 === 0) h.forgetSpiedCalls();
      if (hour === 72) {
        heap.push({ day: 3, usedMb: heapUsedMb() });
        day3Files = fileSizes(h.userDir);
      } else if (hour % (7 * 24) === 0 && hour !== hours) {
        heap.push({ day: hour / 24, usedMb: heapUsedMb() });
      }
      if (hour % 24 === 0) {
        const messages = [...h.outputs.values()].reduce((n, list) => n + list.length, 0);
        log(
          `  day ${hour / 24} (${localDateText(MONTH_ZONE, now - 1)}), ${((Date.now() - began) / 1000).toFixed(0)} s wall, ${messages} messages, ${h.clock.stats().httpRequests} HTTP requests`,
        );
      }
    }
    // The daily read of the last morning may still be on its way: let it land.
    await h.run(HOUR);
    heap.push({ day: options.days, usedMb: heapUsedMb() });
    const endFiles = fileSizes(h.userDir);
    const report = checkSoak(h, { end: h.clock.now() - HOUR });
    const days = checkDays(h, daily, fine, lastRead);
    const files = [...new Set([...day3Files.keys(), ...endFiles.keys()])].sort().map((file) => {
      const day3 = day3Files.get(file) ?? 0;
      const end = endFiles.get(file) ?? 0;
      return { file, day3, end, ok: end <= day3 + fileMargin(day3) };
    });
    const heapDay3 = heap.find((x) => x.day === 3)?.usedMb ?? 0;
    const heapEnd = heap[heap.length - 1]?.usedMb ?? 0;
    const daysOk = days.length > 0 && days.every((d) => d.agreeing === d.lines);
    const extra = [
      {
        name: "every local day: 1day total = sum of its 30-min buckets = the simulator's truth",
        ok: daysOk,
        detail: `${days.reduce((n, d) => n + d.agreeing, 0)}/${days.reduce((n, d) => n + d.lines, 0)} (line, day) pairs over ${days.length} days`,
      },
      {
        name: 'the checked days include a 25-hour day and a month end',
        ok: days.some((d) => d.hours === 25) && days.some((d) => d.day.endsWith('-01')),
        detail: days
          .filter((d) => d.hours !== 24 || d.day.endsWith('-01'))
          .map((d) => `${d.day} (${d.hours} h)`)
          .join(', '),
      },
      {
        name: 'heap flat (after GC, end vs day 3)',
        ok: heapEnd - heapDay3 <= HEAP_MARGIN / MB,
        detail: `${heapDay3.toFixed(1)} MB -> ${heapEnd.toFixed(1)} MB`,
      },
      {
        name: 'every state file under the user dir bounded (end <= day 3 + max(1 KiB, 10 %))',
        ok: files.length > 0 && files.every((f) => f.ok),
        detail: `${files.length} files, ${
          files
            .filter((f) => !f.ok)
            .map((f) => f.file)
            .join(', ') || 'none grew past the margin'
        }`,
      },
    ];
    report.checks.push(...extra);
    if (h.syncOutputs.length === 0) report.checks.push({ name: 'the sync node answered', ok: false, detail: 'no message from the sync node' });
    report.ok = report.checks.every((c) => c.ok);
    // How much of the growth is the harness's own record of every message the nodes sent.
    for (const list of h.outputs.values()) list.length = 0;
    h.syncOutputs.length = 0;
    const heapEndWithoutRecordMb = heapUsedMb();
    return { report, days, heap, heapEndWithoutRecordMb, files, dailyReads, wallMs: Date.now() - began, ok: report.ok };
  } finally {
    await h.stop();
  }
}

/** The outcome as a Markdown table (what the README shows), then the details. */
export function formatMonthSoak(o: MonthSoakOutcome, days: number, seed: number): string {
  const r = o.report;
  const check = (name: string): string => {
    const c = r.checks.find((x) => x.name.startsWith(name));
    return c ? `${c.ok ? 'PASS' : 'FAIL'}: ${c.detail}` : 'n/a';
  };
  const heap = o.heap.map((x) => `day ${x.day}: ${x.usedMb.toFixed(1)}`).join(', ');
  const biggest = [...o.files]
    .sort((a, b) => b.end - a.end)
    .slice(0, 3)
    .map((f) => `${f.file} ${f.day3} -> ${f.end} B`)
    .join('; ');
  const lines = [
    `| ${days} simulated days, seed ${seed}, ${MONTH_ZONE} from ${localDateText(MONTH_ZONE, MONTH_START)} | result |`,
    '|---|---|',
    `| 30-min buckets held by the simulator, emitted with their final value (9 lines, 5 \`auto\`, 4 every 10 min) | ${check('every bucket held')} |`,
    `| lost / emitted twice as new | ${r.bucketProblems.length} / ${r.duplicatesAsNew.length} |`,
    `| \`invalid_grant\` / code 26 answers | ${r.sim.invalidGrant} / ${r.sim.rateLimited} |`,
    `| unhandled rejections / uncaught exceptions | ${r.unhandledRejections} / ${r.uncaughtExceptions} |`,
    `| local days: \`1day\` total = sum of its 30-min buckets = truth (6 lines, ${o.dailyReads} daily reads) | ${check('every local day')} |`,
    `| days of other lengths, month ends | ${check('the checked days')} |`,
    `| heap after GC (MB) | ${heap}; ${o.heapEndWithoutRecordMb.toFixed(1)} at the end without the harness's record of the ${r.messages} messages (${check('heap flat')}) |`,
    `| state files under the user dir | ${check('every state file')}; largest: ${biggest} |`,
    `| faults injected, refreshes | ${r.sim.faultsInjected} faults (${r.sim.code11} code 11), ${r.sim.refreshGrants} refreshes |`,
    `| getmeasure requests per line per hour | ${r.requests.perLinePerHour.toFixed(2)} (${r.requests.getmeasure} in all) |`,
    `| wall time | ${(o.wallMs / 1000).toFixed(0)} s |`,
  ];
  for (const d of o.days) for (const s of d.samples) lines.push(`  ${d.day}: ${s}`);
  for (const p of [...r.bucketProblems, ...r.duplicatesAsNew].slice(0, 20)) lines.push(`  ${p.nodeId} ${p.moduleId} ${p.start}: ${p.problem}`);
  for (const f of o.files.filter((x) => !x.ok)) lines.push(`  grew: ${f.file} ${f.day3} -> ${f.end} bytes`);
  return lines.join('\n');
}
