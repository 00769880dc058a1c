// What a bucket's energy cost. Pure: prices in, cost out.
//
// - Tariff columns (`$0` basic, `$1` peak, `$2` off-peak) are priced each at its price type's
//   price: exact at every scale, since a day's `$1` is the sum of its half-hours' `$1`.
// - A plain value alone is split across the timetable's zones in proportion to the bucket's
//   minutes in each, walked in the home's local week (clock changes included). Timetables change
//   zone on the hour or half-hour, so at 30min and 1hour this is exact; at 3hours and above it
//   assumes an even use over the bucket. The node reads one scale only, and a finer read of
//   every larger bucket would double the requests: the cloud's tariff columns, which the default
//   types ask for, make larger scales exact, and the plain value is the fallback.
// - No price for what the bucket holds: null, never a guess.
import { fromWallClock, offsetMs } from '../lib/local-calendar';
import type { Prices } from '../account/prices';

export type { Prices };

const MINUTE = 60_000;
const DAY = 86_400_000;
const MINUTES_PER_WEEK = 7 * 1440;

/** The families whose energy is bought, so priced; production never is. */
export const PRICED_FAMILIES = ['sum_energy_elec', 'sum_energy_buy_from_grid'] as const;

/**
 * The zone's offset at `t`, remembered per UTC quarter-hour: clocks change on a quarter-hour of UTC
 * in every zone, and Intl is slow enough to be most of the cost of pricing otherwise.
 */
const offsets = new Map<string, number>();
const QUARTER = 15 * MINUTE;
function offsetAt(zone: string, t: number): number {
  const quarter = Math.floor(t / QUARTER);
  const key = `${zone}|${quarter}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    offset = offsetMs(zone, quarter * QUARTER);
    // 4,000 quarter-hours (six weeks, about 0.3 MB) cover a month's reads; a backfill of older
    // data only asks Intl again, where 20,000 would hold 1.4 MB on a small board for nothing.
    if (offsets.size >= 4_000) offsets.clear();
    offsets.set(key, offset);
  }
  return offset;
}

/** Minute of the local week (0 = Monday 00:00) at instant `t`, with its fraction. */
function minuteOfWeek(zone: string, t: number): number {
  const wall = t + offsetAt(zone, t);
  const mondayBased = (new Date(wall).getUTCDay() + 6) % 7;
  return mondayBased * 1440 + (((wall % DAY) + DAY) % DAY) / MINUTE;
}

/**
 * The bucket's milliseconds in each timetable entry, walked in local time: [entry index, ms].
 * Exported for the tests.
 */
export function timetableShares(prices: Pick<Prices, 'timetable' | 'timeZone'>, start: number, end: number): Array<[number, number]> {
  const entries = prices.timetable;
  const shares = new Map<number, number>();
  let t = start;
  while (t < end) {
    const m = minuteOfWeek(prices.timeZone, t);
    let index = entries.length - 1;
    for (let i = 0; i < entries.length; i++) if (entries[i].minuteOfWeek <= m) index = i;
    // The next change: the next entry, or the first of next week (also when `m` is before the first entry).
    const next =
      m < entries[0].minuteOfWeek
        ? entries[0].minuteOfWeek
        : index + 1 < entries.length
          ? entries[index + 1].minuteOfWeek
          : entries[0].minuteOfWeek + MINUTES_PER_WEEK;
    const wall = t + offsetAt(prices.timeZone, t);
    const toNext = (next - m) * MINUTE;
    let changeAt = fromWallClock(prices.timeZone, wall + toNext, offsetAt);
    // A change inside a repeated hour (clocks going back) may map behind us: go by elapsed time.
    if (changeAt <= t) changeAt = t + Math.max(MINUTE, toNext);
    const segmentEnd = Math.min(end, changeAt);
    shares.set(index, (shares.get(index) ?? 0) + (segmentEnd - t));
    t = segmentEnd;
  }
  return [...shares.entries()];
}

const round = (value: number): number => Math.round(value * 1e6) / 1e6;

/** The consumption family a point's values are in, or null when none is priced. */
function pricedFamily(values: Record<string, number | null>): string | null {
  for (const family of PRICED_FAMILIES) {
    if ([family, `${family}$0`, `${family}$1`, `${family}$2`].some((type) => type in values)) return family;
  }
  return null;
}

/** What a bucket's energy (Wh) cost at `prices`, in their currency; null when a needed price is unknown. */
export function bucketCost(prices: Prices | null, bucket: { start: number; end: number; values: Record<string, number | null> }): number | null {
  if (prices === null) return null;
  const family = pricedFamily(bucket.values);
  if (family === null) return null;
  const columns = [0, 1, 2].map((i) => bucket.values[`${family}$${i}`] ?? null);
  if (columns.some((wh) => wh !== null)) {
    let cost = 0;
    for (let i = 0; i < 3; i++) {
      const wh = columns[i];
      if (wh === null || wh === 0) continue;
      const price = prices.columns[i];
      if (price === null) return null;
      cost += (wh / 1000) * price;
    }
    return round(cost);
  }
  const plain = bucket.values[family] ?? null;
  if (plain === null) return null;
  if (plain === 0) return 0;
  const length = bucket.end - bucket.start;
  if (!(length > 0)) return null;
  let cost = 0;
  for (const [index, ms] of timetableShares(prices, bucket.start, bucket.end)) {
    const price = prices.timetable[index].price;
    if (price === null) return null;
    cost += (plain / 1000) * (ms / length) * price;
  }
  return round(cost);
}
