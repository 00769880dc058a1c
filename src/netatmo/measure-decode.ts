// `/api/getmeasure` answers -> buckets. With real_time=false Netatmo stamps a row at the
// middle of its bucket, so a sub-day bucket starts half a step before its stamp. A bucket of a
// day or more is the home's local day, week or month that contains the stamp: its length is
// not `step_time` around the days the clocks change (23 h, 25 h) nor for months, and a series'
// `beg_time + i * step_time` drifts an hour past a change, still well inside the right day.
import { unexpectedAnswer, isRecord } from './errors';
import { stepMs, alignDown, nextBucketStart, isDateMs, isLocalScale, zoneOrDefault } from './measure-plan';
import { familyTypes, typeFamily, type Scale } from '../contract/measure-types';
import type { ConsumptionFamily } from '../contract/meter-models';
import { type Bucket } from './types';

/** The family a read's total is made of, when the caller does not say (the module's model does). */
export function consumptionOf(types: readonly string[]): ConsumptionFamily {
  return types.some((t) => typeFamily(t) === 'sum_energy_elec') ? 'sum_energy_elec' : 'sum_energy_buy_from_grid';
}

/**
 * The bucket's energy: the plain value of the consumption family when not null, else the sum of
 * that family's non-null tariff columns, else null. Production (self-consumption, resale) and
 * prices never count.
 */
export function bucketTotal(values: Record<string, number | null>, family: ConsumptionFamily = 'sum_energy_elec'): number | null {
  const [plainType, ...tariffs] = familyTypes(family);
  const plain = values[plainType];
  if (typeof plain === 'number') return plain;
  let sum: number | null = null;
  for (const type of tariffs) {
    const v = values[type];
    if (typeof v === 'number') sum = (sum ?? 0) + v;
  }
  return sum;
}

function bucketAt(stampSec: number, scale: Scale, zone: string): { start: number; end: number } {
  const stamp = stampSec * 1000;
  if (!isDateMs(stamp)) throw unexpectedAnswer('a measure time is out of range');
  if (isLocalScale(scale)) {
    const start = alignDown(stamp, scale, zone);
    return { start, end: nextBucketStart(start, scale, zone) };
  }
  const step = stepMs(scale);
  return { start: stamp - step / 2, end: stamp + step / 2 };
}

function toBucket(stampSec: number, row: unknown, types: readonly string[], scale: Scale, zone: string, family: ConsumptionFamily): Bucket {
  if (!Array.isArray(row)) throw unexpectedAnswer('a measure row is not a list');
  if (row.length !== types.length) throw unexpectedAnswer(`a measure row has ${row.length} values for ${types.length} types`);
  const values: Record<string, number | null> = {};
  types.forEach((type, i) => {
    const cell: unknown = row[i];
    if (cell !== null && (typeof cell !== 'number' || !Number.isFinite(cell))) throw unexpectedAnswer('a measure value is not a number');
    values[type] = cell as number | null;
  });
  return { ...bucketAt(stampSec, scale, zone), values, total: bucketTotal(values, family) };
}

function decodeSeries(series: unknown[], types: readonly string[], scale: Scale, zone: string, family: ConsumptionFamily): Bucket[] {
  const buckets: Bucket[] = [];
  series.forEach((item) => {
    if (!isRecord(item)) throw unexpectedAnswer('a measure series is not an object');
    const { beg_time: beg, step_time: step, value: rows } = item;
    if (typeof beg !== 'number' || !Number.isFinite(beg)) throw unexpectedAnswer('a measure series has no start time');
    if (!Array.isArray(rows)) throw unexpectedAnswer('a measure series has no values');
    // A series of one row may come without step_time.
    if (rows.length > 1 && (typeof step !== 'number' || !(step > 0))) throw unexpectedAnswer('a measure series has no step');
    rows.forEach((row, i) => buckets.push(toBucket(beg + i * ((step as number) || 0), row, types, scale, zone, family)));
  });
  return buckets;
}

function decodeKeyed(body: Record<string, unknown>, types: readonly string[], scale: Scale, zone: string, family: ConsumptionFamily): Bucket[] {
  return Object.entries(body).map(([key, row]) => {
    if (!/^\d+$/.test(key)) throw unexpectedAnswer('a measure time is not a number');
    return toBucket(Number(key), row, types, scale, zone, family);
  });
}

/**
 * Decode an answer of `optimize=true` (series with gaps) or `optimize=false` (rows keyed by
 * time). Accepts the whole answer or its `body`. Sorted by start, one bucket per start (the
 * last one seen wins). `zone`: the home's time zone for the local scales (default: Node-RED's).
 * `family`: what `total` is made of (default: inferred from the types, see consumptionOf).
 */
export function decodeMeasure(answer: unknown, types: readonly string[], scale: Scale, zone?: string, family?: ConsumptionFamily): Bucket[] {
  const f = family ?? consumptionOf(types);
  const z = isLocalScale(scale) ? zoneOrDefault(zone) : 'UTC';
  let body = answer;
  // A keyed body only has numeric keys: `body`/`status` mean the whole answer was given.
  if (isRecord(answer) && ('body' in answer || 'status' in answer)) body = answer.body;
  let buckets: Bucket[];
  if (Array.isArray(body)) buckets = decodeSeries(body, types, scale, z, f);
  else if (isRecord(body)) buckets = decodeKeyed(body, types, scale, z, f);
  else if (body === null || body === undefined) buckets = [];
  else throw unexpectedAnswer('the measures are neither a list nor an object');
  const byStart = new Map<number, Bucket>();
  for (const b of buckets) byStart.set(b.start, b);
  return [...byStart.values()].sort((a, b) => a.start - b.start);
}
