// The long soak (`npm run soak -- --days N`): N days of a Paris home from 12 October 2026, across
// the autumn clock change and the month ends (a year: the spring change too), with faults on.
// Nine 30-minute measure nodes (five with `interval: auto`, four every 10 min) and, next to
// them, a `1day` node per electrical line read once a day at 06:00 local. Checked day by day as
// the run goes (then forgotten, so that the soak's own memory stays flat): every bucket emitted
// with its final value, nothing twice as new, every local day's `1day` total equal to the sum of
// its 30-minute buckets and to the simulator's truth; at the end: no lost refresh token, no code
// 26; the heap and every state file flat from day 3 to each month's end and to the end.
// Over 300 lines: one scenario, its day-by-day checks and its tables read best together.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import type { FaultOptions } from '../src/simulator';
import { localDateText, nextDay, offsetMs, startOfDay } from '../src/lib/local-calendar';
import { startHarness, SYNC_ID, type Harness, type MeasureNodeInfo } from './harness';
import { checkSoak, isFine, NodeRecord, type BucketProblem, type SoakReport } from './soak-checks';
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
/** Heap growth allowed from day 3 to any later checkpoint (after GC; the soak's own record is folded and forgotten daily). */
const HEAP_MARGIN = 4 * MB;
/** A state file may grow by this much from day 3 to any later checkpoint. */
const fileMargin = (size: number): number => Math.max(1024, Math.ceil(size * 0.1));

/**
 * The faults of a run. Slow answers and held requests cost real time (the client's timeout is
 * real): over a month they come as often as in the chaos soak; a longer run keeps every kind
 * but makes those two rarer (with a shorter slow answer), or a year would take hours.
 */
export function soakFaults(days: number): Partial<FaultOptions> {
  return days <= 31 ? CHAOS_FAULTS : { ...CHAOS_FAULTS, slowRate: 0.002, slowMs: 60, timeoutRate: 0.001 };
}

/**
 * Access tokens die after this many simulated seconds (Netatmo's: 3 h). Every 5 minutes over a
 * month; every 30 over a longer run, whose time goes mostly into the requests that cost.
 */
export function tokenLifetimeSec(days: number): number {
  return days <= 31 ? 300 : 1800;
}

/** A RAM disk for the user dir when there is one: the state files' fsync then costs no disk wait. */
function userDirRoot(): string | undefined {
  return existsSync('/dev/shm') ? '/dev/shm' : undefined;
}

/**
 * The board's wall clock, by hour of a 5-day cycle counted in true hours from the start (local
 * hours would skip or repeat a step on the days the clocks change): a boot at the last shutdown
 * time (6 h behind), NTP setting it right two hours later; 8 hours behind across the morning's
 * daily read (which then reads on what it takes for the evening before); 4 hours ahead.
 */
const CLOCK_STEPS: ReadonlyArray<{ hour: number; hours: number | 'ntp' }> = [
  { hour: 2 * 24 + 2, hours: -6 },
  { hour: 2 * 24 + 4, hours: 'ntp' },
  { hour: 3 * 24 + 5, hours: -8 },
  { hour: 3 * 24 + 7, hours: 'ntp' },
  { hour: 4 * 24 + 13, hours: 4 },
  { hour: 4 * 24 + 15, hours: 'ntp' },
];
const CLOCK_CYCLE_HOURS = 5 * 24;

export interface MonthSoakOptions {
  days: number;
  seed: number;
  /** Step the board's wall clock back and forth by hours (CLOCK_STEPS); default true. */
  clockSteps?: boolean;
  /** Instead of soakFaults(days) and tokenLifetimeSec(days) (to replay a stretch of a long run). */
  faults?: Partial<FaultOptions>;
  tokenLifetimeSec?: number;
  start?: number;
  log?: (line: string) => void;
  /** Write a heap snapshot (after GC) into `dir` at the end of each of these simulated days. */
  heapSnapshots?: { dir: string; days: readonly number[] };
}

export interface DayCheck {
  day: string;
  start: number;
  end: number;
  hours: number;
  lines: number;
  /** Lines whose `1day` total, 30-minute sum and truth agree. */
  agreeing: number;
  samples: string[];
}

/** The heap and the state files at one moment of the run. */
export interface Checkpoint {
  label: string;
  day: number;
  heapMb: number;
  /** Size in bytes of every file under the user dir, by path relative to it. */
  files: Map<string, number>;
}

export interface MonthSoakOutcome {
  report: SoakReport;
  days: DayCheck[];
  checkpoints: Checkpoint[];
  /** Files past their margin, and heap growth past its margin, at some checkpoint. */
  fileProblems: string[];
  heapProblems: string[];
  dailyReads: number;
  /** Steps of the board's wall clock (back and forth by hours). */
  clockSteps: number;
  wallMs: number;
  faults: Partial<FaultOptions>;
  ok: boolean;
}

/** Collect the heap for real before measuring it (V8's flag, set at run time). */
function collectGarbage(): void {
  v8.setFlagsFromString('--expose_gc');
  const gc = vm.runInNewContext('gc') as () => void;
  gc();
  gc();
}

/**
 * Real time to let pass between two collections: longer than a request's timeout (requestTimeoutMs
 * below). Each request's `AbortSignal.timeout` keeps a timer, a WeakRef and a finalization cell
 * alive until its timer fires and a task after GC cleans them; measured at once, the requests of
 * the last second weighed up to 2 MB, a noise of their number at that instant, not a growth.
 */
const SETTLE_MS = 1000;

/** The heap after GC once the requests' timers of the last second are gone. */
async function settledHeap(): Promise<void> {
  collectGarbage();
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  collectGarbage();
}

async function heapUsedMb(): Promise<number> {
  await settledHeap();
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

const TARIFFS = ['sum_energy_elec', 'sum_energy_elec$0', 'sum_energy_elec$1', 'sum_energy_elec$2'];

function truthTotal(values: Record<string, number | null>): number | null {
  if (typeof values.sum_energy_elec === 'number') return values.sum_energy_elec;
  const parts = TARIFFS.slice(1)
    .map((t) => values[t])
    .filter((v): v is number => typeof v === 'number');
  return parts.length > 0 ? parts.reduce((a, b) => a + b, 0) : null;
}

/** Checks the local days from `from` that two daily reads (the last at `lastRead`) have seen whole. */
function checkDays(
  h: Harness,
  records: ReadonlyMap<string, NodeRecord>,
  daily: MeasureNodeInfo[],
  fine: MeasureNodeInfo[],
  from: number,
  lastRead: number,
): DayCheck[] {
  const out: DayCheck[] = [];
  const fineOf = new Map(fine.map((n) => [n.line.moduleId, records.get(n.id)]));
  for (let start = from; ; start = nextDay(MONTH_ZONE, start)) {
    const end = nextDay(MONTH_ZONE, start);
    if (end + DAY_SETTLE_MS > lastRead) break;
    const check: DayCheck = { day: localDateText(MONTH_ZONE, start), start, end, hours: (end - start) / HOUR, lines: 0, agreeing: 0, samples: [] };
    for (const node of daily) {
      const moduleId = node.line.moduleId;
      check.lines += 1;
      const emitted = records.get(node.id)?.last.get(start);
      const halves = [...(fineOf.get(moduleId)?.last.values() ?? [])].filter((p) => p.start >= start && p.start < end);
      const fineTruth = h.sim.buckets({ moduleId, types: TARIFFS, scale: '30min', from: start, to: end }, { final: true });
      const sum = halves.reduce((acc, p) => acc + (p.total ?? 0), 0);
      const [dayTruth] = h.sim.buckets({ moduleId, types: TARIFFS, scale: '1day', from: start, to: end }, { final: true });
      const truth = dayTruth && dayTruth.start === start && dayTruth.end === end ? truthTotal(dayTruth.values) : null;
      const total = emitted?.total ?? null;
      const ok =
        emitted !== undefined &&
        emitted.end === end &&
        total !== null &&
        halves.length === fineTruth.length &&
        Math.abs(total - sum) < 1e-6 &&
        truth !== null &&
        Math.abs(total - truth) < 1e-6;
      if (ok) check.agreeing += 1;
      else if (check.samples.length < 3) {
        check.samples.push(
          `${moduleId}: 1day ${emitted ? `${total} (${new Date(emitted.start).toISOString()}..${new Date(emitted.end ?? 0).toISOString()})` : 'never emitted'}, 30min sum ${sum} of ${halves.length}/${fineTruth.length}, truth ${truth}`,
        );
      }
    }
    out.push(check);
  }
  return out;
}

/** The 30-minute buckets checked so far, window after window. */
interface Tally {
  expected: number;
  final: number;
  preliminary: number;
  problems: BucketProblem[];
}

export async function runMonthSoak(options: MonthSoakOptions): Promise<MonthSoakOutcome> {
  const began = Date.now();
  const log = options.log ?? ((): void => undefined);
  const start = options.start ?? MONTH_START;
  const faults = options.faults ?? soakFaults(options.days);
  const fineSpecs = Array.from({ length: 9 }, (_, i) => ({ line: i, settings: { scale: '30min', interval: i < 5 ? ('auto' as const) : 10 } }));
  const dailySpecs = Array.from({ length: 6 }, (_, i) => ({ line: i, settings: { scale: '1day', interval: 0 } }));
  const h = await startHarness({
    start,
    seed: options.seed,
    measure: { types: '' },
    nodes: [...fineSpecs, ...dailySpecs],
    faults,
    accessTokenRealLifetimeSec: options.tokenLifetimeSec ?? tokenLifetimeSec(options.days),
    requestTimeoutMs: 300,
    simulator: { revisionRate: 0.15, timeZone: MONTH_ZONE },
    userDirRoot: userDirRoot(),
  });
  try {
    const fine = h.measureNodes.filter(isFine);
    const daily = h.measureNodes.filter((n) => !isFine(n));
    const records = new Map(h.measureNodes.map((n) => [n.id, new NodeRecord(n, isFine(n))]));
    const tally: Tally = { expected: 0, final: 0, preliminary: 0, problems: [] };
    const days: DayCheck[] = [];
    const checkpoints: Checkpoint[] = [];
    let checkedUntil = startOfDay(MONTH_ZONE, start);
    let syncAnswers = 0;
    let dailyReads = 0;
    let clockSteps = 0;
    let lastRead = start;

    /** Fold the messages of the day into the records, and drop the harness's copies. */
    const fold = (): void => {
      for (const node of h.measureNodes) {
        const list = h.outputs.get(node.id) ?? [];
        records.get(node.id)?.fold(list);
        list.length = 0;
      }
      syncAnswers += h.syncOutputs.length;
      h.syncOutputs.length = 0;
    };
    /** Check the days settled since the last check, then forget their points. */
    const checkSettled = (): void => {
      fold();
      const settled = checkDays(h, records, daily, fine, checkedUntil, lastRead);
      if (settled.length === 0) return;
      days.push(...settled);
      const cut = settled[settled.length - 1].end;
      const r = checkSoak(h, { records, from: checkedUntil, to: cut, end: h.clock.now() - HOUR });
      tally.expected += r.expectedBuckets;
      tally.final += r.emittedFinal;
      tally.preliminary += r.emittedPreliminaryAccepted;
      tally.problems.push(...r.bucketProblems);
      for (const record of records.values()) record.forget(cut);
      checkedUntil = cut;
    };
    const checkpoint = async (label: string, hour: number): Promise<void> => {
      checkSettled();
      checkpoints.push({ label, day: hour / 24, heapMb: await heapUsedMb(), files: fileSizes(h.userDir) });
    };

    const hours = options.days * 24;
    await checkpoint('start', 0);
    h.injectSync();
    for (let hour = 1; hour <= hours; hour++) {
      const month = localDateText(MONTH_ZONE, h.clock.now()).slice(0, 7);
      await h.run(HOUR);
      const now = h.clock.now();
      const localHour = Math.floor(((now + offsetMs(MONTH_ZONE, now)) % (24 * HOUR)) / HOUR);
      if (options.clockSteps !== false) {
        for (const step of CLOCK_STEPS) {
          if (hour % CLOCK_CYCLE_HOURS !== step.hour) continue;
          h.stepWallClock(step.hours === 'ntp' ? -h.wallOffset() : step.hours * HOUR);
          clockSteps += 1;
        }
      }
      if (localHour === DAILY_READ_HOUR) {
        // An inject node's payload is the board's time.
        for (const node of daily) h.inject(node.id, { payload: now + h.wallOffset() });
        dailyReads += 1;
        lastRead = now;
      }
      if (hour % 3 === 0 && hour < hours) h.inject(SYNC_ID, { payload: now + h.wallOffset() });
      if (hour % 24 === 0) {
        // The test helper's spies remember every call: forget them daily, as a real runtime has none.
        h.forgetSpiedCalls();
        checkSettled();
        if (options.heapSnapshots?.days.includes(hour / 24)) {
          await settledHeap();
          const file = v8.writeHeapSnapshot(path.join(options.heapSnapshots.dir, `soak-day-${hour / 24}.heapsnapshot`));
          log(`  heap snapshot: ${file}`);
        }
        log(
          `  day ${hour / 24} (${localDateText(MONTH_ZONE, now - 1)}), ${((Date.now() - began) / 1000).toFixed(0)} s wall, ${days.length} days checked, ${h.clock.stats().httpRequests} HTTP requests`,
        );
      }
      if (hour === 72) await checkpoint('day 3', hour);
      if (localDateText(MONTH_ZONE, now).slice(0, 7) !== month && hour !== hours) await checkpoint(`end of ${month}`, hour);
    }
    // The daily read of the last morning may still be on its way: let it land.
    await h.run(HOUR);
    await checkpoint(`end (day ${options.days})`, hours + 1);
    const report = checkSoak(h, { records, from: checkedUntil, end: h.clock.now() - HOUR });
    mergeEarlier(report, tally);

    const day3 = checkpoints.find((c) => c.label === 'day 3') ?? checkpoints[0];
    const later = checkpoints.filter((c) => c.day > day3.day);
    const heapProblems = later.filter((c) => c.heapMb - day3.heapMb > HEAP_MARGIN / MB).map((c) => `${c.label}: ${c.heapMb.toFixed(1)} MB`);
    const fileProblems: string[] = [];
    for (const c of later) {
      for (const [file, size] of c.files) {
        const before = day3.files.get(file) ?? 0;
        if (size > before + fileMargin(before)) fileProblems.push(`${c.label}: ${file} ${before} -> ${size} B`);
      }
    }
    const heapEnd = checkpoints[checkpoints.length - 1].heapMb;
    const heapMax = Math.max(...later.map((c) => c.heapMb));
    const daysOk = days.length > 0 && days.every((d) => d.agreeing === d.lines);
    report.checks.push(
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
        name: `heap flat (after GC, every checkpoint <= day 3 + ${HEAP_MARGIN / MB} MB)`,
        ok: heapProblems.length === 0,
        detail: `day 3 ${day3.heapMb.toFixed(1)} MB, highest later ${heapMax.toFixed(1)} MB, end ${heapEnd.toFixed(1)} MB${heapProblems.length ? `; over: ${heapProblems.join(', ')}` : ''}`,
      },
      {
        name: 'every state file under the user dir flat (every checkpoint <= day 3 + max(1 KiB, 10 %))',
        ok: day3.files.size > 0 && fileProblems.length === 0,
        detail: `${new Set(checkpoints.flatMap((c) => [...c.files.keys()])).size} files, ${fileProblems.length ? `grew: ${fileProblems.slice(0, 5).join('; ')}` : 'none grew past the margin'}`,
      },
    );
    if (syncAnswers === 0) report.checks.push({ name: 'the sync node answered', ok: false, detail: 'no message from the sync node' });
    report.ok = report.checks.every((c) => c.ok);
    return { report, days, checkpoints, fileProblems, heapProblems, dailyReads, clockSteps, wallMs: Date.now() - began, faults, ok: report.ok };
  } finally {
    await h.stop();
  }
}

/** Add the windows checked during the run to the report of the last one. */
function mergeEarlier(report: SoakReport, tally: Tally): void {
  report.expectedBuckets += tally.expected;
  report.emittedFinal += tally.final;
  report.emittedPreliminaryAccepted += tally.preliminary;
  report.bucketProblems.unshift(...tally.problems);
  const check = report.checks.find((c) => c.name.startsWith('every bucket held'));
  if (check) {
    check.ok = report.bucketProblems.length === 0 && report.expectedBuckets > 0;
    check.detail = `${report.expectedBuckets} expected, ${report.emittedFinal} final, ${report.emittedPreliminaryAccepted} revised in the last margin, ${report.bucketProblems.length} wrong or missing`;
  }
}

const kib = (bytes: number | undefined): string => (bytes === undefined ? '-' : (bytes / 1024).toFixed(1));

/** The heap and every state file at each checkpoint, as a Markdown table (a column per checkpoint). */
export function formatCheckpoints(o: MonthSoakOutcome): string {
  const cols = o.checkpoints;
  const files = [...new Set(cols.flatMap((c) => [...c.files.keys()]))].sort();
  const lines = [
    `| heap after GC (MB) / state file (KiB) | ${cols.map((c) => c.label).join(' | ')} |`,
    `|---|${cols.map(() => '---:').join('|')}|`,
    `| heap | ${cols.map((c) => c.heapMb.toFixed(1)).join(' | ')} |`,
    `| all state files | ${cols.map((c) => kib([...c.files.values()].reduce((a, b) => a + b, 0))).join(' | ')} |`,
  ];
  for (const f of files) lines.push(`| ${f} | ${cols.map((c) => kib(c.files.get(f))).join(' | ')} |`);
  return lines.join('\n');
}

/** The outcome as Markdown tables (what the README shows), then the details. */
export function formatMonthSoak(o: MonthSoakOutcome, days: number, seed: number): string {
  const r = o.report;
  const check = (name: string): string => {
    const c = r.checks.find((x) => x.name.startsWith(name));
    return c ? `${c.ok ? 'PASS' : 'FAIL'}: ${c.detail}` : 'n/a';
  };
  const f = o.faults;
  const lines = [
    `| ${days} simulated days, seed ${seed}, ${MONTH_ZONE} from ${localDateText(MONTH_ZONE, MONTH_START)} | result |`,
    '|---|---|',
    `| 30-min buckets held by the simulator, emitted with their final value (9 lines, 5 \`auto\`, 4 every 10 min) | ${check('every bucket held')} |`,
    `| lost / emitted twice as new | ${r.bucketProblems.length} / ${r.duplicatesAsNew.length} |`,
    `| \`invalid_grant\` / code 26 answers | ${r.sim.invalidGrant} / ${r.sim.rateLimited} |`,
    `| unhandled rejections / uncaught exceptions | ${r.unhandledRejections} / ${r.uncaughtExceptions} |`,
    `| local days: \`1day\` total = sum of its 30-min buckets = truth (6 lines, ${o.dailyReads} daily reads) | ${check('every local day')} |`,
    `| days of other lengths, month ends | ${check('the checked days')} |`,
    `| steps of the board's wall clock (6 h behind, 8 h behind across the daily read, 4 h ahead, each set right by NTP 2 h later) | ${o.clockSteps} |`,
    `| heap after GC | ${check('heap flat')} |`,
    `| state files under the user dir | ${check('every state file')} |`,
    `| faults injected, refreshes (access tokens die after ${tokenLifetimeSec(days) / 60} simulated min) | ${r.sim.faultsInjected} faults (${r.sim.code11} code 11, ${r.requests.byPath['/api/getmeasure']?.timeout ?? 0} + ${r.requests.byPath['/oauth2/token']?.timeout ?? 0} held until the client's timeout), ${r.sim.refreshGrants} refreshes; rates: 5xx ${f.error5xxRate}, code 11 ${f.code11Rate}, slow ${f.slowRate} (${f.slowMs} ms), held ${f.timeoutRate}, malformed ${f.malformedJsonRate}, HTML ${f.htmlRate} |`,
    `| getmeasure requests per line per hour | ${r.requests.perLinePerHour.toFixed(2)} (${r.requests.getmeasure} in all) |`,
    `| wall time | ${(o.wallMs / 1000).toFixed(0)} s (${(o.wallMs / 1000 / days).toFixed(1)} s per simulated day) |`,
    '',
    formatCheckpoints(o),
  ];
  for (const d of o.days) for (const s of d.samples) lines.push(`  ${d.day}: ${s}`);
  for (const p of [...r.bucketProblems, ...r.duplicatesAsNew].slice(0, 20)) lines.push(`  ${p.nodeId} ${p.moduleId} ${p.start}: ${p.problem}`);
  for (const p of [...o.heapProblems, ...o.fileProblems].slice(0, 20)) lines.push(`  grew: ${p}`);
  return lines.join('\n');
}
