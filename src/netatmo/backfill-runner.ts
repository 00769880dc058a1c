// Runs a backfill: one request after the other (each at background priority, from just after
// the last bucket received to the range's end: the cloud answers its first 1024 buckets), the
// cursor saved after each page, so that it can stop anywhere (abort, redeploy, crash) and resume
// there. Pages are the plan's (1024 steps each): what the status counts and the parts output
// sends; one answer completes one page or more, the buckets it holds beyond them wait for the
// next one. The caller sends the messages; it removes the state once the last one is out (a
// crash before that reads the last page again rather than losing it).
import { throwIfAborted } from './abort';
import { backfillPages, historyVerdict, nextCursor, rangeQuery, type BackfillState, type HistoryVerdict } from './backfill';
import type { BackgroundShare } from './backfill-pacer';
import { mergeBuckets, type BackfillPersistence } from './backfill-store';
import type { AnswerExtent, Bucket, MeasureQuery, ReadOptions } from './types';

export interface BackfillReader {
  readMeasures(query: MeasureQuery, options?: ReadOptions): Promise<Bucket[]>;
}

export interface BackfillPage {
  state: BackfillState;
  /** 0-based page index; `state.pages` pages in all. */
  index: number;
  buckets: Bucket[];
  last: boolean;
  /** What is known of the history so far (final on the last page). */
  verdict: HistoryVerdict;
}

export interface BackfillRunOptions {
  now: () => number;
  signal?: AbortSignal;
  /** The account's share of the hour for background pages. */
  share?: BackgroundShare;
  onWait?: (ms: number) => void;
  /** Called for each page once read, before the cursor moves past it (parts output sends here). */
  onPage?: (page: BackfillPage) => void;
  /** Called after each page, once the cursor is saved. */
  onProgress?: (state: BackfillState) => void;
}

export interface BackfillResult {
  state: BackfillState;
  /** Every bucket of the range for the single-message output; empty for parts. */
  buckets: Bucket[];
  verdict: HistoryVerdict;
}

export async function runBackfill(
  reader: BackfillReader,
  store: BackfillPersistence,
  state: BackfillState,
  options: BackfillRunOptions,
): Promise<BackfillResult> {
  const pages = backfillPages(state.range);
  if (pages.length !== state.pages) {
    // Planned differently (another version): the cursor means nothing, start over.
    state.pages = pages.length;
    state.next = 0;
    state.firstData = null;
    state.buckets = 0;
  }
  const collected: Bucket[][] = state.output === 'message' && state.next > 0 ? [store.loadBuckets(state)] : [];
  if (state.next === 0) store.save(state);
  const pageEnd = (i: number): number => Math.min(pages[i].dateEnd * 1000, state.range.dateEnd);
  let index = state.next;
  // Resumed: from the first page not finished (what was read beyond it is read again).
  let cursor = index < pages.length ? pages[index].dateBegin * 1000 : state.range.dateEnd;
  // Buckets read ahead of the pages finished so far, by start.
  let ahead: Bucket[] = [];
  while (index < pages.length) {
    throwIfAborted(options.signal);
    const release = options.share ? await options.share.take(options.signal, options.onWait) : () => undefined;
    const query: MeasureQuery = { ...rangeQuery(state.range), dateBegin: cursor };
    let extent: AnswerExtent | undefined;
    const readOptions: ReadOptions = {
      signal: options.signal,
      onWait: options.onWait,
      priority: 'background',
      seek: true,
      onAnswer: (e) => (extent = e),
    };
    let buckets: Bucket[];
    try {
      buckets = await reader.readMeasures(query, readOptions);
    } finally {
      release();
    }
    throwIfAborted(options.signal);
    // A reader that does not tell (a test's) answered exactly the buckets it returned.
    const next = nextCursor(state.range, cursor, extent ?? { rows: buckets.length, lastStart: buckets.length > 0 ? buckets[buckets.length - 1].start : null });
    ahead = mergeBuckets([ahead, buckets]);
    // The pages this answer completes: all of them at the range's end, else those ending by the cursor.
    let through = pages.length - 1;
    if (next !== null) {
      through = index - 1;
      while (through + 1 < pages.length && pageEnd(through + 1) <= next) through += 1;
      cursor = next;
    }
    for (; index <= through; index++) {
      const last = index === pages.length - 1;
      const split = last ? ahead.length : ahead.findIndex((b) => b.start >= pageEnd(index));
      const cut = split < 0 ? ahead.length : split;
      finishPage(index, ahead.slice(0, cut));
      ahead = ahead.slice(cut);
    }
  }

  function finishPage(index: number, buckets: Bucket[]): void {
    if (buckets.length > 0) {
      state.firstData = Math.min(state.firstData ?? Number.POSITIVE_INFINITY, buckets[0].start);
      state.buckets += buckets.length;
      if (state.output === 'message') {
        store.appendBuckets(state, buckets);
        collected.push(buckets);
      }
    }
    const last = index === pages.length - 1;
    options.onPage?.({ state, index, buckets, last, verdict: historyVerdict(state.range, state.firstData) });
    state.next = index + 1;
    state.updatedAt = options.now();
    if (!last) store.save(state);
    options.onProgress?.(state);
  }
  return {
    state,
    buckets: state.output === 'message' ? mergeBuckets(collected) : [],
    verdict: historyVerdict(state.range, state.firstData),
  };
}
