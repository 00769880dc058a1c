// Planning a read: bucket arithmetic in UTC, the recent window a periodic read covers, and
// the pages (at most 1024 rows each) a range takes. Everything is checked before any request.
import { badInput } from './errors';
import { isLineId } from './line-id';
import { MEASURE_TYPES, SCALES, type MeasureQuery, type Scale } from './types';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Rows per answer: Netatmo's maximum (and default) `limit`. */
export const MAX_ROWS = 1024;

const FIXED_STEPS: Record<Exclude<Scale, '1month'>, number> = {
  '30min': 30 * MINUTE,
  '1hour': HOUR,
  '3hours': 3 * HOUR,
  '1day': DAY,
  '1week': 7 * DAY,
};

/** 1970-01-05 was a Monday: weeks start on Monday 00:00 UTC. */
const FIRST_MONDAY = 4 * DAY;

export function isScale(value: unknown): value is Scale {
  return typeof value === 'string' && (SCALES as readonly string[]).includes(value);
}

/** A bucket's length in ms. For `1month` the shortest month (28 days): a safe bound for paging. */
export function stepMs(scale: Scale): number {
  return scale === '1month' ? 28 * DAY : FIXED_STEPS[scale];
}

/** The start of the bucket that contains `ms` (UTC boundaries). */
export function alignDown(ms: number, scale: Scale): number {
  if (scale === '1month') {
    const d = new Date(ms);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  }
  const step = FIXED_STEPS[scale];
  const origin = scale === '1week' ? FIRST_MONDAY : 0;
  return Math.floor((ms - origin) / step) * step + origin;
}

/** The start of the next bucket after the one containing `ms` (or `ms` itself on a boundary). */
export function alignUp(ms: number, scale: Scale): number {
  const down = alignDown(ms, scale);
  return down === ms ? ms : nextBucketStart(down, scale);
}

export function nextBucketStart(start: number, scale: Scale): number {
  if (scale === '1month') {
    const d = new Date(start);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
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

export function recentWindow(scale: Scale, now: number): { dateBegin: number; dateEnd: number } {
  if (scale === '1month') {
    const d = new Date(now);
    return { dateBegin: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1), dateEnd: now };
  }
  return { dateBegin: alignDown(now - RECENT_SPAN[scale], scale), dateEnd: now };
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

/** Check a query; throws 'bad_input' with a text for the user. Returns the effective end. */
export function validateQuery(query: MeasureQuery, now: number): number {
  if (!isScale(query.scale)) throw badInput(`Unknown scale "${String(query.scale).slice(0, 40)}": use one of ${SCALES.join(', ')}`);
  if (!Array.isArray(query.types) || query.types.length === 0) throw badInput('No measure type was given');
  for (const type of query.types) {
    if (!isMeasureType(type)) throw badInput(`Unknown measure type "${String(type).slice(0, 60)}": use ${MEASURE_TYPES.join(', ')}`);
  }
  if (new Set(query.types).size !== query.types.length) throw badInput('A measure type is given twice');
  if (typeof query.moduleId !== 'string' || !isLineId(query.moduleId)) {
    throw badInput('The module id is not the id of an ecocounter line (<ecocounter id>#0 … #8)');
  }
  if (typeof query.deviceId !== 'string' || query.deviceId === '' || !query.moduleId.startsWith(`${query.deviceId}#`)) {
    throw badInput('The device id does not match the module id (it is the part before "#")');
  }
  if (typeof query.dateBegin !== 'number' || !Number.isFinite(query.dateBegin)) throw badInput('The start date is not a valid date');
  if (query.dateEnd !== undefined && (typeof query.dateEnd !== 'number' || !Number.isFinite(query.dateEnd))) {
    throw badInput('The end date is not a valid date');
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
  const scale = query.scale;
  const begin = alignDown(query.dateBegin, scale);
  const last = alignUp(end, scale);
  const pages: MeasurePage[] = [];
  let pageBegin = begin;
  while (pageBegin < last) {
    let pageEnd = pageBegin;
    for (let rows = 0; rows < MAX_ROWS && pageEnd < last; rows += 1) pageEnd = nextBucketStart(pageEnd, scale);
    pages.push({ dateBegin: pageBegin / 1000, dateEnd: pageEnd / 1000 });
    pageBegin = pageEnd;
  }
  return pages;
}
