// The simulator's truth, hour by hour and day by day, to compare with what a destination holds.
import type { Simulator } from '../../src/simulator';
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
