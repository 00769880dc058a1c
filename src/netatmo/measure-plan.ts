// Planning a read: bucket arithmetic, the recent window a periodic read covers, and the pages
// (at most 1024 rows each) a range takes. Everything is checked before any request.
// Sub-day scales are fixed steps on the epoch; `1day`, `1week` and `1month` follow the home's
// local calendar (local midnights, Mondays, 1sts), in the zone given, else Node-RED's own.
import { badInput } from './errors';
import { isDeviceId, isModuleId } from '../contract/line-id';
import { isTimeZone, MAX_DATE_MS, nextDay, nextMonth, nextWeek, startOfDay, startOfMonth, startOfWeek, systemTimeZone } from '../lib/local-calendar';
import { MEASURE_TYPES, SCALES, type Scale } from '../contract/measure-types';
import { type MeasureQuery } from './types';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Rows per answer: Netatmo's maximum (and default) `limit`. */
export const MAX_ROWS = 1024;

/** The scales whose buckets follow the home's local calendar. */
export type LocalScale = '1day' | '1week' | '1month';
type FixedScale = Exclude<Scale, LocalScale>;

const FIXED_STEPS: Record<FixedScale, number> = {
  '30min': 30 * MINUTE,
  '1hour': HOUR,
  '3hours': 3 * HOUR,
};

export function isScale(value: unknown): value is Scale {
  return typeof value === 'string' && (SCALES as readonly string[]).includes(value);
}

/** `1day`, `1week`, `1month`: buckets from local midnight, Monday, 1st (23 h and 25 h days). */
export function isLocalScale(scale: Scale): scale is LocalScale {
  return scale === '1day' || scale === '1week' || scale === '1month';
}

/** The zone a local scale is read in: the home's when known, else Node-RED's own. */
export function zoneOrDefault(zone: string | undefined): string {
  return zone !== undefined && isTimeZone(zone) ? zone : systemTimeZone();
}

/**
 * A bucket's usual length in ms. Local scales vary (23 h and 25 h days, 28- to 31-day months):
 * this is the shortest usual one (a day, a week, 28 days), a bound for paging and slack, never
 * a bucket's boundaries (use alignDown / nextBucketStart).
 */
export function stepMs(scale: Scale): number {
  if (scale === '1day') return DAY;
  if (scale === '1week') return 7 * DAY;
  if (scale === '1month') return 28 * DAY;
  return FIXED_STEPS[scale];
}

/** The start of the bucket that contains `ms`; local scales in `zone` (default: Node-RED's). */
export function alignDown(ms: number, scale: Scale, zone?: string): number {
  if (isLocalScale(scale)) {
    const z = zoneOrDefault(zone);
    if (scale === '1day') return startOfDay(z, ms);
    if (scale === '1week') return startOfWeek(z, ms);
    return startOfMonth(z, ms);
  }
  const step = FIXED_STEPS[scale];
  return Math.floor(ms / step) * step;
}

/** The start of the next bucket after the one containing `ms` (or `ms` itself on a boundary). */
export function alignUp(ms: number, scale: Scale, zone?: string): number {
  const down = alignDown(ms, scale, zone);
  return down === ms ? ms : nextBucketStart(down, scale, zone);
}

/** The start of the bucket after the one that starts at (or contains) `start`. */
export function nextBucketStart(start: number, scale: Scale, zone?: string): number {
  if (isLocalScale(scale)) {
    const z = zoneOrDefault(zone);
    if (scale === '1day') return nextDay(z, start);
    if (scale === '1week') return nextWeek(z, start);
    return nextMonth(z, start);
  }
  return start + FIXED_STEPS[scale];
}

/**
 * How far back a periodic read looks. The ecocounter uploads about every 3 h (plus jitter) and
 * the cloud may revise buckets after serving them, so a fine-scale read covers 12 h: four upload
 * cycles. Coarser scales cover the buckets still open plus the previous ones, which late uploads
 * change: 24 h at 3hours, 3 days at 1day, 2 weeks at 1week, 2 months at 1month.
 */
const RECENT_SPAN: Record<Scale, number> = {
  '30min': 12 * HOUR,
  '1hour': 12 * HOUR,
  '3hours': 24 * HOUR,
  '1day': 3 * DAY,
  '1week': 14 * DAY,
  '1month': 62 * DAY,
};

export function recentWindow(scale: Scale, now: number, zone?: string): { dateBegin: number; dateEnd: number } {
  if (scale === '1month') {
    // The current month and the one before it: the 1st of the month that contains its day before.
    return { dateBegin: alignDown(alignDown(now, scale, zone) - 1, scale, zone), dateEnd: now };
  }
  return { dateBegin: alignDown(now - RECENT_SPAN[scale], scale, zone), dateEnd: now };
}

/** The span of `recentWindow`, e.g. to size a window tracker's memory. */
export function recentSpanMs(scale: Scale): number {
  return RECENT_SPAN[scale];
}

/** One request: epoch SECONDS, `dateBegin` on a bucket boundary. */
export interface MeasurePage {
  dateBegin: number;
  dateEnd: number;
}

export function isMeasureType(value: unknown): value is string {
  return typeof value === 'string' && MEASURE_TYPES.includes(value);
}

/**
 * Epoch ms whose bucket boundaries a Date can hold: the calendar works a month either side of
 * a time, so the last two months of Date's range are out.
 */
export function isDateMs(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= MAX_DATE_MS - 62 * DAY;
}

/** Check a query; throws 'bad_input' with a text for the user. Returns the effective end. */
export function validateQuery(query: MeasureQuery, now: number): number {
  if (!isScale(query.scale)) throw badInput(`Unknown scale "${String(query.scale).slice(0, 40)}": use one of ${SCALES.join(', ')}`);
  if (!Array.isArray(query.types) || query.types.length === 0) throw badInput('No measure type was given');
  for (const type of query.types) {
    if (!isMeasureType(type)) throw badInput(`Unknown measure type "${String(type).slice(0, 60)}": use ${MEASURE_TYPES.join(', ')}`);
  }
  if (new Set(query.types).size !== query.types.length) throw badInput('A measure type is given twice');
  if (typeof query.moduleId !== 'string' || !isModuleId(query.moduleId)) {
    throw badInput('The module id is not the id of an ecocounter line (<ecocounter id>#0 … #8) nor of a module (<module id>, <module id>#N)');
  }
  // An ecocounter line's device is the part before `#`, another module's its gateway: which one
  // it is, only the account's lines say (the measure node checks it against them).
  if (typeof query.deviceId !== 'string' || !isDeviceId(query.deviceId)) {
    throw badInput('The device id does not match the module id (the ecocounter, before "#", or the module\'s gateway)');
  }
  if (!isDateMs(query.dateBegin)) throw badInput('The start date is not a valid date');
  if (query.dateEnd !== undefined && !isDateMs(query.dateEnd)) throw badInput('The end date is not a valid date');
  if (query.timeZone !== undefined && !isTimeZone(query.timeZone)) {
    throw badInput(`Unknown time zone "${String(query.timeZone).slice(0, 60)}": use an IANA name such as Europe/Paris`);
  }
  const end = Math.min(query.dateEnd ?? now, now);
  if (query.dateBegin >= end) {
    throw badInput(query.dateBegin >= now ? 'The start date is in the future' : 'The start date is not before the end date');
  }
  return end;
}

/** The pages of a read, oldest first. Throws 'bad_input' before any request on a bad query. */
export function planRequests(query: MeasureQuery, now: number): MeasurePage[] {
  const end = validateQuery(query, now);
  const { scale, timeZone } = query;
  const begin = alignDown(query.dateBegin, scale, timeZone);
  const last = alignUp(end, scale, timeZone);
  const pages: MeasurePage[] = [];
  let pageBegin = begin;
  while (pageBegin < last) {
    let pageEnd = pageBegin;
    for (let rows = 0; rows < MAX_ROWS && pageEnd < last; rows += 1) pageEnd = nextBucketStart(pageEnd, scale, timeZone);
    pages.push({ dateBegin: pageBegin / 1000, dateEnd: pageEnd / 1000 });
    pageBegin = pageEnd;
  }
  return pages;
}
