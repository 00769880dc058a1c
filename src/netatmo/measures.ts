// A read of measures: plan the pages, fetch them one after the other (a long backfill must not
// crowd out the account's other requests), decode and merge by bucket start.
import type { ApiCallOptions } from './api-client';
import { throwIfAborted } from './abort';
import { decodeMeasure } from './measure-decode';
import { alignDown, planRequests, type MeasurePage } from './measure-plan';
import type { Bucket, MeasureQuery, ReadOptions } from './types';

export type FetchPage = (params: Record<string, string>, options: ApiCallOptions) => Promise<unknown>;

/** Reads of more pages than this go at background priority in the rate budget. */
export const BACKGROUND_PAGES = 2;

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

export async function readMeasures(fetchPage: FetchPage, query: MeasureQuery, now: number, options: ReadOptions = {}): Promise<Bucket[]> {
  const pages = planRequests(query, now);
  const priority = pages.length > BACKGROUND_PAGES ? 'background' : 'normal';
  const from = alignDown(query.dateBegin, query.scale);
  const to = Math.min(query.dateEnd ?? now, now);
  const byStart = new Map<number, Bucket>();
  let done = 0;
  for (const page of pages) {
    throwIfAborted(options.signal);
    const answer = await fetchPage(measureParams(query, page), { signal: options.signal, onWait: options.onWait, priority });
    for (const bucket of decodeMeasure(answer, query.types, query.scale)) {
      if (bucket.start >= from && bucket.start < to) byStart.set(bucket.start, bucket);
    }
    done += 1;
    options.onProgress?.({ done, total: pages.length });
  }
  return [...byStart.values()].sort((a, b) => a.start - b.start);
}
