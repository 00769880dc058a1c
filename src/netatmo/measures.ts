// A read of measures: plan the pages, fetch them one after the other (a long backfill must not
// crowd out the account's other requests), decode and merge by bucket start.
import type { ApiCallOptions } from './api-client';
import { throwIfAborted } from './abort';
import { unexpectedAnswer } from './errors';
import { decodeMeasure } from './measure-decode';
import { alignDown, MAX_ROWS, planRequests, type MeasurePage } from './measure-plan';
import type { Bucket, MeasureQuery, ReadOptions } from './types';

export type FetchPage = (params: Record<string, string>, options: ApiCallOptions) => Promise<unknown>;

/**
 * Reads of more pages than this go at background priority in the rate budget. Whether a range
 * is a backfill is the node's own rule (BACKFILL_PAGES in src/measure/policy.ts).
 */
export const BACKGROUND_PRIORITY_PAGES = 2;

export function measureParams(query: MeasureQuery, page: MeasurePage): Record<string, string> {
  return {
    device_id: query.deviceId,
    module_id: query.moduleId,
    scale: query.scale,
    type: query.types.join(','),
    date_begin: String(page.dateBegin),
    date_end: String(page.dateEnd),
    limit: '1024',
    optimize: 'true',
    real_time: 'false',
  };
}

/**
 * The `body` of a getmeasure answer (a list of series, or rows keyed by time), checked before
 * decoding: an answer without one is not "no data", and one with more rows than the `limit` we
 * sent is not an answer to our request. With its row count (what the answer's extent tells).
 */
function measureBody(answer: unknown): { body: unknown[] | Record<string, unknown>; rows: number } {
  const body = typeof answer === 'object' && answer !== null && !Array.isArray(answer) ? (answer as Record<string, unknown>).body : undefined;
  if (typeof body !== 'object' || body === null) throw unexpectedAnswer('the measures answer has no body');
  const rows = rowCount(body as unknown[] | Record<string, unknown>);
  if (rows > MAX_ROWS) throw unexpectedAnswer(`${rows} measure rows where at most ${MAX_ROWS} were asked for`);
  return { body: body as unknown[] | Record<string, unknown>, rows };
}

/** Rows of a body: those of every series (`optimize=true`), or its keys (`optimize=false`). */
function rowCount(body: unknown[] | Record<string, unknown>): number {
  let rows = 0;
  if (Array.isArray(body)) {
    for (const series of body) {
      const values: unknown = typeof series === 'object' && series !== null ? (series as { value?: unknown }).value : undefined;
      if (Array.isArray(values)) rows += values.length;
    }
  } else {
    rows = Object.keys(body).length;
  }
  return rows;
}

export async function readMeasures(fetchPage: FetchPage, query: MeasureQuery, now: number, options: ReadOptions = {}): Promise<Bucket[]> {
  const planned = planRequests(query, now);
  const pages = options.seek && planned.length > 1 ? [{ dateBegin: planned[0].dateBegin, dateEnd: planned[planned.length - 1].dateEnd }] : planned;
  const priority = options.priority ?? (planned.length > BACKGROUND_PRIORITY_PAGES ? 'background' : 'normal');
  const from = alignDown(query.dateBegin, query.scale, query.timeZone);
  const to = Math.min(query.dateEnd ?? now, now);
  const byStart = new Map<number, Bucket>();
  let done = 0;
  for (const page of pages) {
    throwIfAborted(options.signal);
    const answer = await fetchPage(measureParams(query, page), { signal: options.signal, onWait: options.onWait, priority });
    const { body, rows } = measureBody(answer);
    const decoded = decodeMeasure(body, query.types, query.scale, query.timeZone, query.consumption);
    options.onAnswer?.({ rows, lastStart: decoded.length > 0 ? decoded[decoded.length - 1].start : null });
    for (const bucket of decoded) {
      if (bucket.start >= from && bucket.start < to) byStart.set(bucket.start, bucket);
    }
    done += 1;
    options.onProgress?.({ done, total: pages.length });
  }
  return [...byStart.values()].sort((a, b) => a.start - b.start);
}
