// A backfill: a long range (a year at 30 min, say) read page by page, each page one request of
// at most 1024 rows. Its state is small and serialisable, so that a redeploy or a restart in the
// middle resumes at the next page instead of starting over. Pure: no I/O, no clock.
import { createHash } from 'node:crypto';
import { alignDown, isLocalScale, isMeasureType, isScale, MAX_ROWS, nextBucketStart, planRequests, stepMs, type MeasurePage } from './measure-plan';
import { isTimeZone } from '../lib/local-calendar';
import type { AnswerExtent, MeasureQuery } from './types';
import { BACKFILL_OUTPUTS, type BackfillOutput, type Scale } from '../contract/measure-types';
import { isRecord, unexpectedAnswer } from './errors';
import { CONSUMPTION_FAMILIES, type ConsumptionFamily } from '../contract/meter-models';

const DAY = 86_400_000;

export function isBackfillOutput(value: unknown): value is BackfillOutput {
  return (BACKFILL_OUTPUTS as readonly unknown[]).includes(value);
}

export interface BackfillRange {
  moduleId: string;
  deviceId: string;
  types: string[];
  scale: Scale;
  /** Aligned down to a bucket boundary (epoch ms). */
  dateBegin: number;
  /** Fixed when the backfill starts (epoch ms): "until now" means until the start's now. */
  dateEnd: number;
  /** The message gave no end: a repeated request with the same start is the same backfill. */
  openEnd: boolean;
  /** The home's time zone of a `1day`/`1week`/`1month` range (absent: Node-RED's own zone). */
  timeZone?: string;
  /** The family `total` is made of (absent: inferred from the types, as ranges before other models were). */
  consumption?: ConsumptionFamily;
}

export interface BackfillState {
  version: 1;
  nodeId: string;
  key: string;
  range: BackfillRange;
  output: BackfillOutput;
  /** Number of pages (requests) of the whole range. */
  pages: number;
  /** Pages done: the cursor. */
  next: number;
  /** `msg.parts.id` of the parts output: kept so that a resumed backfill completes the same group. */
  partsId: string;
  /** Start of the first bucket seen so far, or null. */
  firstData: number | null;
  /** Buckets seen so far. */
  buckets: number;
  createdAt: number;
  updatedAt: number;
  /** `msg.topic` of the message that asked for it, for the messages sent after a restart. */
  topic?: string;
}

/** The identity of a backfill: the node and what it reads. */
export function backfillKey(nodeId: string, range: BackfillRange): string {
  const end = range.openEnd ? 'now' : String(range.dateEnd);
  const parts = [nodeId, range.moduleId, range.scale, range.types.join(','), String(range.dateBegin), end];
  // Local days of another zone are other buckets. Sub-day keys stay as they were before zones.
  if (range.timeZone !== undefined && isLocalScale(range.scale)) parts.push(range.timeZone);
  return parts.join('|');
}

/** A short, file-name-safe digest of a key. */
export function keyDigest(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

export function toRange(query: MeasureQuery, now: number): BackfillRange {
  const openEnd = query.dateEnd === undefined || query.dateEnd >= now;
  const range: BackfillRange = {
    moduleId: query.moduleId,
    deviceId: query.deviceId,
    types: [...query.types],
    scale: query.scale,
    dateBegin: alignDown(query.dateBegin, query.scale, query.timeZone),
    dateEnd: openEnd ? now : (query.dateEnd as number),
    openEnd,
  };
  if (query.timeZone !== undefined && isLocalScale(query.scale)) range.timeZone = query.timeZone;
  if (query.consumption !== undefined) range.consumption = query.consumption;
  return range;
}

export function rangeQuery(range: BackfillRange): MeasureQuery {
  const query: MeasureQuery = {
    moduleId: range.moduleId,
    deviceId: range.deviceId,
    types: range.types,
    scale: range.scale,
    dateBegin: range.dateBegin,
    dateEnd: range.dateEnd,
  };
  if (range.timeZone !== undefined) query.timeZone = range.timeZone;
  if (range.consumption !== undefined) query.consumption = range.consumption;
  return query;
}

/** The pages of the range (epoch seconds). Throws 'bad_input' on a bad range, before any request. */
export function backfillPages(range: BackfillRange): MeasurePage[] {
  // The end is in the past (it was now when the backfill began): it bounds the plan, not now.
  return planRequests(rangeQuery(range), Math.max(range.dateEnd, range.dateBegin + 1));
}

/**
 * Where the next request of a range starts after an answer to a request from `cursor` to the
 * range's end, or null when the range is read. An answer of fewer than 1024 rows holds all the
 * cloud has up to the range's end (gaps at the end included). A full one may stop short of it:
 * the next request starts at the bucket after its last one, wherever the gaps put it, so a
 * range with gaps takes as many requests as it holds buckets, not as its length in steps.
 * Stamps off the bucket middles only make the last bucket be asked again, never one skipped.
 */
export function nextCursor(range: Pick<BackfillRange, 'scale' | 'timeZone' | 'dateEnd'>, cursor: number, extent: AnswerExtent): number | null {
  if (extent.rows < MAX_ROWS) return null;
  if (extent.lastStart === null) throw unexpectedAnswer('a full measures answer holds no bucket');
  const next = nextBucketStart(alignDown(extent.lastStart, range.scale, range.timeZone), range.scale, range.timeZone);
  // Each request must move on: a full answer that stays in the first bucket asked is not one.
  if (next <= cursor) throw unexpectedAnswer('a full measures answer ends before the range it was asked for');
  return next >= range.dateEnd ? null : next;
}

export interface NewBackfill {
  nodeId: string;
  query: MeasureQuery;
  output: BackfillOutput;
  partsId: string;
  now: number;
  topic?: string;
}

export function newBackfillState(b: NewBackfill): BackfillState {
  const range = toRange(b.query, b.now);
  const state: BackfillState = {
    version: 1,
    nodeId: b.nodeId,
    key: backfillKey(b.nodeId, range),
    range,
    output: b.output,
    pages: backfillPages(range).length,
    next: 0,
    partsId: b.partsId,
    firstData: null,
    buckets: 0,
    createdAt: b.now,
    updatedAt: b.now,
  };
  if (b.topic !== undefined) state.topic = b.topic;
  return state;
}

export function percentDone(state: Pick<BackfillState, 'next' | 'pages'>): number {
  return state.pages <= 0 ? 100 : Math.floor((100 * state.next) / state.pages);
}

export type HistoryVerdict =
  /** Data from the start of the range (or close enough). */
  | { kind: 'whole'; historyStart: number }
  /** The cloud returned nothing before `historyStart`: it keeps less history at this scale. */
  | { kind: 'limited'; historyStart: number }
  /** Nothing at all in the range. */
  | { kind: 'empty'; historyStart: null };

/**
 * Whether the cloud held the range's beginning. Short outages of the ecocounter (hours) are
 * not a history limit: a limit shows as at least a day (and two buckets) with nothing.
 */
export function historyVerdict(range: Pick<BackfillRange, 'dateBegin' | 'scale'>, firstData: number | null): HistoryVerdict {
  if (firstData === null) return { kind: 'empty', historyStart: null };
  const slack = Math.max(DAY, 2 * stepMs(range.scale));
  return firstData - range.dateBegin > slack ? { kind: 'limited', historyStart: firstData } : { kind: 'whole', historyStart: firstData };
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export function isBackfillRange(value: unknown): value is BackfillRange {
  if (!isRecord(value)) return false;
  const r = value;
  return (
    typeof r.moduleId === 'string' &&
    typeof r.deviceId === 'string' &&
    Array.isArray(r.types) &&
    r.types.length > 0 &&
    r.types.every(isMeasureType) &&
    isScale(r.scale) &&
    finite(r.dateBegin) &&
    finite(r.dateEnd) &&
    r.dateBegin < r.dateEnd &&
    typeof r.openEnd === 'boolean' &&
    (r.timeZone === undefined || isTimeZone(r.timeZone)) &&
    (r.consumption === undefined || (CONSUMPTION_FAMILIES as readonly unknown[]).includes(r.consumption))
  );
}

/** Validate a state read back from disk; anything unexpected is not a state. */
export function isBackfillState(value: unknown): value is BackfillState {
  if (!isRecord(value)) return false;
  const s = value;
  return (
    s.version === 1 &&
    typeof s.nodeId === 'string' &&
    typeof s.key === 'string' &&
    isBackfillRange(s.range) &&
    isBackfillOutput(s.output) &&
    Number.isInteger(s.pages) &&
    Number.isInteger(s.next) &&
    (s.next as number) >= 0 &&
    (s.next as number) <= (s.pages as number) &&
    typeof s.partsId === 'string' &&
    (s.firstData === null || finite(s.firstData)) &&
    finite(s.buckets) &&
    finite(s.createdAt) &&
    finite(s.updatedAt) &&
    (s.topic === undefined || typeof s.topic === 'string') &&
    s.key === backfillKey(s.nodeId, s.range as BackfillRange)
  );
}
