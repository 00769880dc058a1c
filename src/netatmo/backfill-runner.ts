// Runs a backfill: one page (one request, at background priority) after the other, the cursor
// saved after each, so that it can stop anywhere (abort, redeploy, crash) and resume there.
// The caller sends the messages; it removes the state once the last one is out (a crash
// before that reads the last page again rather than losing it).
import { throwIfAborted } from './abort';
import { backfillPages, historyVerdict, pageQuery, type BackfillState, type HistoryVerdict } from './backfill';
import type { BackgroundShare } from './backfill-pacer';
import { mergeBuckets, type BackfillPersistence } from './backfill-store';
import type { Bucket, MeasureQuery, ReadOptions } from './types';

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
  while (index < pages.length) {
    throwIfAborted(options.signal);
    const release = options.share ? await options.share.take(options.signal, options.onWait) : () => undefined;
    // Until the first bucket is seen, ask from this page to the range's end in one request (a
    // seek): the cloud answers its first 1024 buckets, so a range that starts before the
    // history skips the empty pages instead of spending a request on each.
    const seeking = state.firstData === null;
    const query = seeking ? { ...pageQuery(state.range, pages[index]), dateEnd: state.range.dateEnd } : pageQuery(state.range, pages[index]);
    const readOptions: ReadOptions = { signal: options.signal, onWait: options.onWait, priority: 'background', seek: seeking };
    let buckets: Bucket[];
    try {
      buckets = await reader.readMeasures(query, readOptions);
    } finally {
      release();
    }
    throwIfAborted(options.signal);
    // The pages this answer completes: all of them when it is empty; else up to the page of its
    // first bucket, which it holds whole (a page has at most 1024 buckets).
    let through = index;
    if (seeking) {
      through = buckets.length === 0 ? pages.length - 1 : pageOf(buckets[0].start, index);
      buckets = buckets.filter((b) => b.start < pageEnd(through));
    }
    for (; index <= through; index++) finishPage(index, index === through ? buckets : []);
  }

  function pageOf(start: number, from: number): number {
    let i = from;
    while (i < pages.length - 1 && start >= pageEnd(i)) i += 1;
    return i;
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
