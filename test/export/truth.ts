// The simulator's truth, hour by hour and day by day, to compare with what a destination holds.
import should from 'should';
import type { Simulator } from '../../src/simulator';
import type { StoredRow } from '../support/ha-standin';
import { expectedTotal } from '../nodes/measure-support';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
export const FOUR_TYPES = ['sum_energy_elec', 'sum_energy_elec$0', 'sum_energy_elec$1', 'sum_energy_elec$2'];

export interface TruthBucket {
  start: number;
  total: number;
  values: Record<string, number | null>;
}

/** Every 30-minute bucket the cloud serves now for [from, to), with its total (null totals left out). */
export function truthBuckets(sim: Simulator, moduleId: string, from: number, to: number): TruthBucket[] {
  return sim
    .buckets({ moduleId, types: FOUR_TYPES, scale: '30min', from, to })
    .map((b) => ({ start: b.start, total: expectedTotal(b.values), values: b.values }))
    .filter((b): b is TruthBucket => b.total !== null);
}

/** Wh per hour start. */
export function truthHours(buckets: TruthBucket[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const b of buckets) {
    const h = b.start - (b.start % HOUR);
    out.set(h, (out.get(h) ?? 0) + b.total);
  }
  return out;
}

/** Wh per UTC day start. */
export function byDay(hours: Map<number, number>): Map<number, number> {
  const out = new Map<number, number>();
  for (const [h, wh] of hours) {
    const d = h - (h % DAY);
    out.set(d, (out.get(d) ?? 0) + wh);
  }
  return out;
}

/**
 * One statistic's rows in Home Assistant against the simulator's hours of a line in [from, to):
 * each row's consumption (the difference of consecutive sums) is its state and never negative;
 * every simulated hour has its row with the same kWh (no hour lost, none doubled), and so has
 * every day; the statistic starts with its first hour. Returns how many hours and days matched.
 */
export function checkHaRows(rows: StoredRow[], sim: Simulator, moduleId: string, fromTime: number, to: number): { hours: number; days: number } {
  const from = fromTime - (fromTime % HOUR);
  const truth = truthHours(truthBuckets(sim, moduleId, from, to));
  let prev: StoredRow | null = null;
  const consumption = new Map<number, number>();
  for (const r of rows) {
    should(r.sum).not.be.null();
    const used = (r.sum as number) - (prev ? (prev.sum as number) : 0);
    should(used).be.aboveOrEqual(-1e-9, `negative hour at ${new Date(r.start).toISOString()}`);
    should(used).be.approximately(r.state as number, 1e-6);
    consumption.set(r.start, used);
    prev = r;
  }
  let hours = 0;
  for (const [h, wh] of truth) {
    should(consumption.has(h)).be.true(`no row for ${new Date(h).toISOString()}`);
    should(consumption.get(h) as number).be.approximately(wh / 1000, 1e-6, `hour ${new Date(h).toISOString()}`);
    hours++;
  }
  const haDays = byDay(new Map([...consumption].filter(([h]) => h >= from && h < to).map(([h, kwh]) => [h, kwh * 1000])));
  const simDays = byDay(truth);
  for (const [d, wh] of simDays) should(haDays.get(d) as number).be.approximately(wh, 1e-3, `day ${new Date(d).toISOString()}`);
  // Nothing before the first simulated hour: the statistic starts with it.
  if (rows.length > 0) should(rows[0].sum as number).be.approximately(rows[0].state as number, 1e-9);
  return { hours, days: simDays.size };
}

/** The home-1 prices of the simulator, per kWh: `$1` peak, `$2` off-peak (EUR). */
export const SIM_PEAK = 0.27;
export const SIM_OFF_PEAK = 0.2;

/** A bucket's cost from its columns as the measure node prices it, in millionths of the currency (what the HA export counts). */
export function bucketCostMicro(values: Record<string, number | null>, peak = SIM_PEAK, offPeak = SIM_OFF_PEAK): number {
  const cost = ((values['sum_energy_elec$1'] ?? 0) * peak + (values['sum_energy_elec$2'] ?? 0) * offPeak) / 1000;
  return Math.round(cost * 1e6);
}

/** A bucket's cost in thousandths of the currency. */
export function bucketCostMilli(values: Record<string, number | null>, peak = SIM_PEAK, offPeak = SIM_OFF_PEAK): number {
  return Math.round(bucketCostMicro(values, peak, offPeak) / 1000);
}

/**
 * A cost statistic's rows against the simulator's energy × price, hour by hour in [from, to):
 * each row's state is the difference of consecutive sums, and every simulated hour's cost is
 * there: the sum of its buckets' costs as the measure node prices them (to the millionth), never
 * rounded per bucket, so that no error piles up over the hours. Returns how many hours matched
 * and the total cost.
 */
export function checkHaCostRows(rows: StoredRow[], sim: Simulator, moduleId: string, fromTime: number, to: number): { hours: number; total: number } {
  const from = fromTime - (fromTime % HOUR);
  const rounded = new Map<number, number>();
  const exact = new Map<number, number>();
  for (const b of truthBuckets(sim, moduleId, from, to)) {
    const h = b.start - (b.start % HOUR);
    rounded.set(h, (rounded.get(h) ?? 0) + bucketCostMicro(b.values));
    const c = ((b.values['sum_energy_elec$1'] ?? 0) * SIM_PEAK + (b.values['sum_energy_elec$2'] ?? 0) * SIM_OFF_PEAK) / 1000;
    exact.set(h, (exact.get(h) ?? 0) + c);
  }
  let prev: StoredRow | null = null;
  const cost = new Map<number, number>();
  for (const r of rows) {
    const used = (r.sum as number) - (prev ? (prev.sum as number) : 0);
    should(used).be.approximately(r.state as number, 1e-6);
    cost.set(r.start, used);
    prev = r;
  }
  let hours = 0;
  let total = 0;
  for (const [h, micro] of rounded) {
    should(cost.has(h)).be.true(`no cost row for ${new Date(h).toISOString()}`);
    should(cost.get(h) as number).be.approximately(micro / 1e6, 1e-9, `cost of ${new Date(h).toISOString()}`);
    should(cost.get(h) as number).be.approximately(exact.get(h) as number, 1e-5);
    total += micro / 1e6;
    hours++;
  }
  // The last sum is the exact sum of every bucket's cost (the hours before `from` included in its base).
  if (prev !== null && rows.length > 0) {
    const firstIn = rows.findIndex((r) => r.start >= from);
    const base = firstIn > 0 ? (rows[firstIn - 1].sum as number) : 0;
    should((prev.sum as number) - base).be.approximately(total, 1e-6);
  }
  return { hours, total };
}
