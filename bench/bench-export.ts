// The export node's cost, measured on its own logic (src/export) with the real on-disk ledger:
// a year of 30-minute buckets for 9 lines fed as a backfill would feed it (pages of 1024
// buckets), then live reads on the year-long ledgers. Figures: Home Assistant rows per second,
// the ledger files' size, the memory the ledgers hold, InfluxDB points per second.
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { HaLedgers } from '../src/export/ha-ledgers';
import { LedgerRegistry } from '../src/export/ledger-registry';
import { fileLedgerStore } from '../src/export/ledger-store';
import { influxPoints } from '../src/export/influx-points';
import type { ExportPoint, MeasurePayload } from '../src/export/types';

export interface ExportFigures {
  lines: number;
  buckets: number;
  haRows: number;
  haRowsPerSecond: number;
  haMessages: number;
  ledgerBytesTotal: number;
  ledgerBytesPerLine: number;
  heapKiB: number;
  liveReadMs: number;
  influxPointsPerSecond: number;
}

const HALF_HOUR = 1_800_000;
const PAGE = 1024;

function bucketsOf(line: number, from: number, count: number): ExportPoint[] {
  const out: ExportPoint[] = [];
  for (let i = 0; i < count; i++) {
    const start = from + i * HALF_HOUR;
    // A deterministic, house-like shape: a base load and a daily bump, different per line.
    const hour = new Date(start).getUTCHours();
    const wh = 20 + line * 7 + (hour >= 18 && hour < 22 ? 300 + line * 11 : 0) + ((i * 37 + line * 13) % 29);
    out.push({ start, end: start + HALF_HOUR, values: { sum_energy_elec: wh }, total: wh });
  }
  return out;
}

function payloadOf(line: number, points: ExportPoint[]): MeasurePayload {
  return {
    moduleId: `70:ee:50:00:00:01#${line}`,
    deviceId: '70:ee:50:00:00:01',
    name: `Line ${line}`,
    scale: '30min',
    unit: 'Wh',
    types: ['sum_energy_elec'],
    points,
    revised: [],
  };
}

/** The heap after a full collection (as bench-speed measures a node's memory). */
function heapUsed(): number {
  v8.setFlagsFromString('--expose_gc');
  const collect = vm.runInNewContext('gc') as () => void;
  collect();
  collect();
  return process.memoryUsage().heapUsed;
}

export async function benchExport(lines = 9): Promise<ExportFigures> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'econetatmo-bench-export-'));
  try {
    const from = Date.UTC(2024, 0, 1);
    const count = 365 * 48;
    const data = Array.from({ length: lines }, (_, l) => bucketsOf(l, from, count));
    const heapBefore = heapUsed();
    const ex = new HaLedgers({
      source: 'econetatmo',
      statisticIdOverride: '',
      store: fileLedgerStore(dir),
      claims: new LedgerRegistry().claimsFor(dir, 'bench'),
      askBaseline: false,
    });
    let rows = 0;
    let messages = 0;
    const began = process.hrtime.bigint();
    for (let l = 0; l < lines; l++) {
      for (let i = 0; i < count; i += PAGE) {
        const out = ex.handle(payloadOf(l, data[l].slice(i, i + PAGE)));
        rows += out.rows;
        messages += out.commands.length;
      }
    }
    const seconds = Number(process.hrtime.bigint() - began) / 1e9;
    const heapKiB = (heapUsed() - heapBefore) / 1024;
    // A live read on year-long ledgers: the last 12 buckets again, one of them revised.
    const liveBegan = process.hrtime.bigint();
    for (let l = 0; l < lines; l++) {
      const recent = data[l].slice(-12).map((p, i) => (i === 5 ? { ...p, total: (p.total as number) + 1 } : p));
      ex.handle(payloadOf(l, recent));
    }
    const liveReadMs = Number(process.hrtime.bigint() - liveBegan) / 1e6 / lines;
    const files = readdirSync(dir).map((f) => statSync(path.join(dir, f)).size);
    const total = files.reduce((a, b) => a + b, 0);
    const influxBegan = process.hrtime.bigint();
    let points = 0;
    for (let l = 0; l < lines; l++) for (let i = 0; i < count; i += PAGE) points += influxPoints(payloadOf(l, data[l].slice(i, i + PAGE)), 'energy').length;
    const influxSeconds = Number(process.hrtime.bigint() - influxBegan) / 1e9;
    return {
      lines,
      buckets: lines * count,
      haRows: rows,
      haRowsPerSecond: rows / seconds,
      haMessages: messages,
      ledgerBytesTotal: total,
      ledgerBytesPerLine: total / Math.max(1, files.length),
      heapKiB,
      liveReadMs,
      influxPointsPerSecond: points / influxSeconds,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchExport().then(
    (f) => process.stdout.write(`${JSON.stringify(f, null, 2)}\n`),
    (err: unknown) => {
      process.stderr.write(`${String(err)}\n`);
      process.exit(1);
    },
  );
}
