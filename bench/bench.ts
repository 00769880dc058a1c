// `npm run bench`: one run against the simulator, every figure side by side, printed as a table
// and saved as JSON (bench/results/bench.json). Polling runs on a virtual clock (a day and a
// half of simulated time in seconds); the year backfill runs in real time (rate-limit bound).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { benchBackfill, type BackfillFigures } from './bench-backfill';
import { benchExport, type ExportFigures } from './bench-export';
import { benchPolling, windowHours, type PollingFigures } from './bench-polling';
import { benchPower, renderPower, type PowerFigures } from './bench-power';
import { packageRoot } from './bench-rig';
import { benchSpeed, type SpeedFigures } from './bench-speed';

export interface Target {
  name: string;
  value: string;
  goal: string;
  met: boolean;
}

export interface BenchReport {
  date: string;
  node: string;
  setup: Record<string, unknown>;
  polling: Record<'usual' | 'fixed' | 'auto', PollingFigures>;
  backfill: BackfillFigures;
  speed: SpeedFigures;
  export: ExportFigures;
  power?: PowerFigures;
  targets: Target[];
  allMet: boolean;
}

const fmt = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

function pad(cells: string[], widths: number[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r, i) => pad(r, widths) + (i === 0 ? `\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : '')).join('\n');
}

export function targetsOf(p: BenchReport['polling'], b: BackfillFigures, e?: ExportFigures, w?: PowerFigures): Target[] {
  const ratioFixed = p.usual.requestsPerHour / p.fixed.requestsPerHour;
  const ratioAuto = p.usual.requestsPerHour / p.auto.requestsPerHour;
  const sameFreshness = p.fixed.freshness.medianMin <= p.usual.freshness.medianMin + 1 && p.fixed.freshness.p95Min <= p.usual.freshness.p95Min + 1;
  return [
    { name: 'fixed 10 min: fewer requests than the usual way', value: `${fmt(ratioFixed, 2)}x`, goal: '>= 4x', met: ratioFixed >= 4 },
    {
      name: 'fixed 10 min: same freshness as the usual way',
      value: `${fmt(p.fixed.freshness.medianMin)}/${fmt(p.fixed.freshness.p95Min)} vs ${fmt(p.usual.freshness.medianMin)}/${fmt(p.usual.freshness.p95Min)} min`,
      goal: 'median, p95 within 1 min',
      met: sameFreshness && p.fixed.freshness.missed === 0,
    },
    { name: 'auto: fewer requests than the usual way', value: `${fmt(ratioAuto, 2)}x`, goal: '>= 10x', met: ratioAuto >= 10 },
    {
      name: 'auto: freshness median',
      value: `${fmt(p.auto.freshness.medianMin)} min`,
      goal: '<= 10 min',
      met: p.auto.freshness.medianMin <= 10 && p.auto.freshness.missed === 0,
    },
    {
      name: 'year backfill: requests vs minimum',
      value: `${b.requests} / ${b.minimumRequests} (${b.neededRequests} for what the cloud holds)`,
      goal: '<= +5 %',
      met: b.requests <= b.minimumRequests * 1.05 && b.requests <= b.neededRequests * 1.05,
    },
    {
      name: 'year backfill: every bucket the cloud holds, with its value',
      value: `${b.bucketsHeld - b.bucketsMissing} / ${b.bucketsHeld}`,
      goal: 'all',
      met: b.bucketsMissing === 0 && b.bucketsHeld > 0,
    },
    {
      name: 'year backfill: wall time vs rate-limit bound',
      value: `${fmt(b.wallSeconds)} s / ${fmt(b.boundSeconds)} s`,
      goal: '<= 1.2x',
      met: b.wallSeconds <= b.boundSeconds * 1.2,
    },
    { name: 'year backfill: rate-limit answers', value: String(b.rateLimited), goal: '0', met: b.rateLimited === 0 },
    ...(e
      ? [
          {
            name: 'export: Home Assistant state for a year of 9 lines',
            value: `${fmt(e.ledgerBytesTotal / 1024 / 1024, 2)} MiB on disk`,
            goal: '<= 2 MiB',
            met: e.ledgerBytesTotal <= 2 * 1024 * 1024,
          },
          { name: 'export: a live read on a year-long statistic', value: `${fmt(e.liveReadMs, 2)} ms`, goal: '<= 50 ms', met: e.liveReadMs <= 50 },
        ]
      : []),
    ...(w
      ? [
          {
            name: 'live power: one homestatus per home per read, whatever the number of power nodes',
            value: `${fmt(w.homestatusPerHomePerHour)} / home / hour for ${w.powerNodes} nodes`,
            goal: '<= 60',
            met: w.homestatusPerHomePerHour <= 60,
          },
          {
            name: 'live power beside auto energy reads: within the hourly budget, no rate-limit answer',
            value: `busiest hour ${w.busiestHour} / ${w.budgetPerHour}, ${w.rateLimited} refused`,
            goal: 'within, 0',
            met: w.busiestHour <= w.budgetPerHour && w.rateLimited === 0,
          },
        ]
      : []),
  ];
}

export function render(r: BenchReport): string {
  const p = r.polling;
  const polling = table([
    ['keeping 9 lines x 4 types current', 'usual way', 'ours, 10 min', 'ours, auto'],
    ['getmeasure requests / hour', fmt(p.usual.requestsPerHour), fmt(p.fixed.requestsPerHour), fmt(p.auto.requestsPerHour)],
    ['  same, learning period included', fmt(p.usual.requestsPerHourWithWarmup), fmt(p.fixed.requestsPerHourWithWarmup), fmt(p.auto.requestsPerHourWithWarmup)],
    [
      '  fewer than the usual way',
      '1.0x',
      `${fmt(p.usual.requestsPerHour / p.fixed.requestsPerHour, 2)}x`,
      `${fmt(p.usual.requestsPerHour / p.auto.requestsPerHour, 2)}x`,
    ],
    ['freshness median (min)', fmt(p.usual.freshness.medianMin), fmt(p.fixed.freshness.medianMin), fmt(p.auto.freshness.medianMin)],
    ['freshness p95 (min)', fmt(p.usual.freshness.p95Min), fmt(p.fixed.freshness.p95Min), fmt(p.auto.freshness.p95Min)],
    [
      'buckets measured / missed',
      `${p.usual.freshness.buckets}/${p.usual.freshness.missed}`,
      `${p.fixed.freshness.buckets}/${p.fixed.freshness.missed}`,
      `${p.auto.freshness.buckets}/${p.auto.freshness.missed}`,
    ],
    ['token requests (whole run)', String(p.usual.tokenRequests), String(p.fixed.tokenRequests), String(p.auto.tokenRequests)],
    ['rate-limit answers', String(p.usual.rateLimited), String(p.fixed.rateLimited), String(p.auto.rateLimited)],
  ]);
  const b = r.backfill;
  const backfill = table([
    ['a year at 30 min, 9 lines', 'measured', 'reference'],
    ['getmeasure requests', String(b.requests), `${b.minimumRequests} (minimum, 9 full lines)`],
    ['  needed for what the cloud holds', '', `${b.neededRequests} (lines 6-8 hold nothing)`],
    ['buckets received / held', `${b.bucketsHeld - b.bucketsMissing}`, String(b.bucketsHeld)],
    ['wall time (s)', fmt(b.wallSeconds), `${fmt(b.boundSeconds)} (rate-limit bound of ${b.neededRequests})`],
    ['rate-limit answers', String(b.rateLimited), '0'],
  ]);
  const s = r.speed;
  const speed = table([
    ['speed', 'measured'],
    ['decode (parse + decode), buckets/s', fmt(s.decodeBucketsPerSecond, 0)],
    ['memory per measure node (KiB)', fmt(s.memoryPerNodeKiB)],
    ['cold require of the 3 node modules (ms)', fmt(s.requireMs)],
    ['Node-RED loads a flow of the 3 types (ms)', fmt(s.flowLoadMs)],
  ]);
  const e = r.export;
  const exporter = table([
    ['export, a year at 30 min, 9 lines', 'measured'],
    ['Home Assistant rows / s (ledger written each page)', fmt(e.haRowsPerSecond, 0)],
    ['  rows, import messages', `${e.haRows}, ${e.haMessages}`],
    ['ledger files on disk (KiB), per line', `${fmt(e.ledgerBytesTotal / 1024)}, ${fmt(e.ledgerBytesPerLine / 1024)}`],
    ['memory held by the ledgers (KiB)', fmt(e.heapKiB)],
    ['live read on a year-long ledger (ms per line)', fmt(e.liveReadMs, 2)],
    ['InfluxDB points / s', fmt(e.influxPointsPerSecond, 0)],
  ]);
  const power = r.power ? table(renderPower(r.power, fmt)) : '';
  const targets = r.targets.map((t) => `  [${t.met ? 'met' : 'MISSED'}] ${t.name}: ${t.value} (target ${t.goal})`).join('\n');
  return [polling, '', backfill, '', speed, '', exporter, '', ...(power ? [power, ''] : []), 'Targets:', targets, ''].join('\n');
}

async function main(): Promise<void> {
  const began = Date.now();
  const options = { warmupHours: 12, measureHours: 24, lines: 9, seed: 42 };
  const log = (text: string): void => void process.stderr.write(`${text}\n`);
  log('bench: polling, usual way…');
  const usual = await benchPolling('usual', options);
  log('bench: polling, ours at 10 min…');
  const fixed = await benchPolling('fixed', options);
  log('bench: polling, ours in auto…');
  const auto = await benchPolling('auto', options);
  log('bench: year backfill (real time, ~30 s)…');
  const backfill = await benchBackfill();
  log('bench: speed and memory…');
  const speed = await benchSpeed();
  log('bench: export (a year of 9 lines)…');
  const exported = await benchExport();
  log('bench: live power beside auto energy reads (virtual clock)…');
  const power = await benchPower();
  const polling = { usual, fixed, auto };
  const report: BenchReport = {
    date: new Date().toISOString(),
    node: process.version,
    setup: { ...options, windowHours: windowHours(), simulator: 'uploads every 180 min ± 25 min, seed 42', realSeconds: 0 },
    polling,
    backfill,
    speed,
    export: exported,
    power,
    targets: targetsOf(polling, backfill, exported, power),
    allMet: false,
  };
  report.allMet = report.targets.every((t) => t.met);
  report.setup.realSeconds = (Date.now() - began) / 1000;
  const dir = path.join(packageRoot(), 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'bench.json'), `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(render(report));
  process.stdout.write(`\n(${fmt(report.setup.realSeconds as number, 0)} s; saved to bench/results/bench.json)\n`);
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    },
  );
}
