// The cost of pricing: what the measure node's read costs with and without the costs of its points
// (rows decoded per second, then priced from their tariff columns, from the plain value split by the
// weekly timetable in Paris time, and through the node's memory of first prices). A part of
// `npm run bench`; alone: `npm run build && node dist/bench/bench-costs.js`.
import { decodeMeasure } from '../src/netatmo/measure-decode';
import { DEFAULT_TYPES } from '../src/contract/measure-types';
import { bucketCost } from '../src/measure/pricing';
import { PriceMemory } from '../src/measure/costs';
import { MemoryOnly } from '../test/support/memory-only';
import type { Prices } from '../src/account/prices';
import type { MeasurePoint } from '../src/contract/measure-payload';

export interface CostFigures {
  /** Rows parsed and decoded per second, no cost. */
  decodeRowsPerSecond: number;
  /** The same, each row priced from its tariff columns. */
  columnsRowsPerSecond: number;
  /** The same, each row's plain value split across the timetable's zones (local time). */
  splitRowsPerSecond: number;
  /** The same as columns, through the node's memory of first prices (in memory, as between writes). */
  memoryRowsPerSecond: number;
}

/** Peak 06:00–22:00, off-peak otherwise, every day, in Paris. */
const PRICES: Prices = {
  currency: 'EUR',
  columns: [null, 0.27, 0.2],
  timeZone: 'Europe/Paris',
  timetable: Array.from({ length: 7 }, (_, d) => [
    { minuteOfWeek: d * 1440, price: 0.2 },
    { minuteOfWeek: d * 1440 + 360, price: 0.27 },
    { minuteOfWeek: d * 1440 + 1320, price: 0.2 },
  ]).flat(),
};

function answerText(rows: number): string {
  const beg = Math.floor(Date.UTC(2025, 0, 6) / 1000) + 900;
  const value: Array<Array<number | null>> = [];
  for (let i = 0; i < rows; i++) value.push([100 + (i % 37), null, 60 + (i % 11), 40 + (i % 13)]);
  return JSON.stringify({ status: 'ok', time_server: beg, body: [{ beg_time: beg, step_time: 1800, value }] });
}

function rate(minMs: number, once: () => number): number {
  let rows = 0;
  const began = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < minMs) {
    rows += once();
    elapsed = Number(process.hrtime.bigint() - began) / 1e6;
  }
  return rows / (elapsed / 1000);
}

export function benchCosts(minMs = 1000): CostFigures {
  const text = answerText(1024);
  const decode = (): MeasurePoint[] => decodeMeasure(JSON.parse(text), DEFAULT_TYPES, '30min');
  const plainOnly = (p: MeasurePoint): MeasurePoint => ({ ...p, values: { sum_energy_elec: p.total } });
  let shift = 0;
  const memory = new PriceMemory(new MemoryOnly());
  rate(minMs / 2, () => decode().length); // warm-up: the first figure must not pay for the JIT
  return {
    decodeRowsPerSecond: rate(minMs, () => decode().length),
    columnsRowsPerSecond: rate(minMs, () => {
      const points = decode();
      for (const p of points) p.cost = bucketCost(PRICES, p);
      return points.length;
    }),
    splitRowsPerSecond: rate(minMs, () => {
      const points = decode().map(plainOnly);
      for (const p of points) p.cost = bucketCost(PRICES, p);
      return points.length;
    }),
    // New buckets every round (as a backfill's pages): each is priced and remembered.
    memoryRowsPerSecond: rate(minMs, () => {
      const points = decode().map((p) => ({ ...p, start: p.start + shift, end: p.end + shift }));
      shift += 1024 * 1_800_000;
      memory.price('bench|30min', points, PRICES, Date.now());
      return points.length;
    }),
  };
}

if (require.main === module) {
  const f = benchCosts();
  const row = (name: string, n: number): string => `${name.padEnd(52)}${Math.round(n).toLocaleString('en-US').padStart(12)}`;
  process.stdout.write(
    [
      'cost of pricing (rows per second, 1024-row answers, 4 types)',
      row('decode, no cost', f.decodeRowsPerSecond),
      row('decode + cost from the tariff columns', f.columnsRowsPerSecond),
      row('decode + plain value split by the timetable', f.splitRowsPerSecond),
      row('decode + columns through the memory of first prices', f.memoryRowsPerSecond),
      '',
    ].join('\n'),
  );
}
