// Paging a backfill by cursor: each request asks from just after the last bucket the previous
// answer held to the range's end, and the cloud answers its first 1024 rows (gaps hold no row).
// The answers are hand-made in both shapes of getmeasure (series with gaps, rows keyed by time)
// and go through the client's own decoding (readMeasures), as they do against Netatmo.
import should from 'should';
import { newBackfillState, nextCursor, type BackfillState } from '../../../src/netatmo/backfill';
import { runBackfill, type BackfillPage, type BackfillReader } from '../../../src/netatmo/backfill-runner';
import { MemoryBackfillStore } from '../../../src/netatmo/backfill-store';
import { readMeasures } from '../../../src/netatmo/measures';
import { isNetatmoError, NetatmoError } from '../../../src/netatmo/errors';
import type { AnswerExtent, Bucket, MeasureQuery, ReadOptions } from '../../../src/netatmo/types';

const STEP = 30 * 60_000;
const DAY = 86_400_000;
const NOW = Date.UTC(2025, 5, 1, 10, 7);
const MODULE = '70:ee:50:00:00:01#2';
const DEVICE = '70:ee:50:00:00:01';
const TYPES = ['sum_energy_elec', 'sum_energy_elec$1'];
const PARIS = 'Europe/Paris';

const valueAt = (start: number): number => (start / STEP) % 997;
const rowAt = (start: number): Array<number | null> => [valueAt(start), null];

interface Asked {
  begin: number;
  end: number;
  rows: number;
}

/**
 * A cloud that holds the buckets whose starts are given (30 min), stamps each at its middle and
 * answers at most `limit` (1024) of them from `date_begin` on, before `date_end`: one series per
 * run without a gap (`optimize=true`) or rows keyed by stamp (`optimize=false`).
 */
class HandMadeCloud implements BackfillReader {
  readonly asked: Asked[] = [];
  failAt = -1;
  private readonly held: number[];

  constructor(
    held: Iterable<number>,
    private readonly shape: 'series' | 'keyed' = 'series',
  ) {
    this.held = [...held].sort((a, b) => a - b);
  }

  private answer(params: Record<string, string>): unknown {
    const begin = Number(params.date_begin) * 1000;
    const end = Number(params.date_end) * 1000;
    const limit = Number(params.limit);
    should(params.optimize).equal('true'); // the client always asks for series; both shapes are answered below
    const starts = this.held.filter((s) => s >= begin && s < end).slice(0, limit);
    this.asked.push({ begin, end, rows: starts.length });
    if (this.asked.length - 1 === this.failAt) throw new NetatmoError('transient', 'Netatmo answered 503');
    if (this.shape === 'keyed') return { status: 'ok', body: Object.fromEntries(starts.map((s) => [String((s + STEP / 2) / 1000), rowAt(s)])) };
    const series: Array<{ beg_time: number; step_time: number; value: Array<Array<number | null>> }> = [];
    let previous = Number.NaN;
    for (const s of starts) {
      if (s !== previous + STEP) series.push({ beg_time: (s + STEP / 2) / 1000, step_time: STEP / 1000, value: [] });
      series[series.length - 1].value.push(rowAt(s));
      previous = s;
    }
    return { status: 'ok', body: series };
  }

  readMeasures(query: MeasureQuery, options?: ReadOptions): Promise<Bucket[]> {
    return readMeasures((params) => Promise.resolve().then(() => this.answer(params)), query, NOW, options);
  }
}

/** Every 30-min start in [from, to). */
function steps(from: number, to: number): number[] {
  const out: number[] = [];
  for (let s = Math.ceil(from / STEP) * STEP; s < to; s += STEP) out.push(s);
  return out;
}

function without(list: number[], drop: (s: number, i: number) => boolean): number[] {
  return list.filter((s, i) => !drop(s, i));
}

function rangeState(dateBegin: number, dateEnd: number, output: 'message' | 'parts' = 'message'): BackfillState {
  const query: MeasureQuery = { moduleId: MODULE, deviceId: DEVICE, types: TYPES, scale: '30min', dateBegin, dateEnd };
  return newBackfillState({ nodeId: 'n1', query, output, partsId: 'p1', now: NOW });
}

interface Run {
  cloud: HandMadeCloud;
  state: BackfillState;
  buckets: Bucket[];
  pages: BackfillPage[];
}

async function backfill(
  held: number[],
  dateBegin: number,
  dateEnd: number,
  options: { output?: 'message' | 'parts'; shape?: 'series' | 'keyed' } = {},
): Promise<Run> {
  const cloud = new HandMadeCloud(held, options.shape);
  const state = rangeState(dateBegin, dateEnd, options.output);
  const pages: BackfillPage[] = [];
  const result = await runBackfill(cloud, new MemoryBackfillStore(), state, {
    now: () => NOW,
    onPage: (p) => pages.push({ ...p, buckets: [...p.buckets] }),
  });
  return { cloud, state: result.state, buckets: result.buckets, pages };
}

/** Every bucket held in the range arrived once, with its value, in order. */
function assertWhole(received: Bucket[], held: number[], run: Run): void {
  const inRange = held.filter((s) => s >= run.state.range.dateBegin && s < run.state.range.dateEnd);
  should(received.map((b) => b.start)).eql(inRange);
  for (const b of received) should(b.values).eql({ sum_energy_elec: valueAt(b.start), sum_energy_elec$1: null });
}

/** Each request after the first starts at the bucket after the last one the previous answer held. */
function assertCursor(run: Run, held: number[]): void {
  const { asked } = run.cloud;
  for (let i = 1; i < asked.length; i++) {
    const before = held.filter((s) => s >= asked[i - 1].begin && s < asked[i - 1].end).slice(0, 1024);
    should(asked[i - 1].rows).equal(1024); // only a full answer is followed by another request
    should(asked[i].begin).equal(before[before.length - 1] + STEP);
  }
  // Every request goes to the range's end (the first bucket boundary at or after it).
  for (const a of asked) should(a.end).equal(Math.ceil(run.state.range.dateEnd / STEP) * STEP);
}

describe('backfill paging by cursor', () => {
  const yearBegin = NOW - 365 * DAY;
  const year = steps(Math.floor(yearBegin / STEP) * STEP, NOW);

  it('a year with gaps in the middle takes one request per 1024 buckets held, not per 1024 steps', async () => {
    // 30 outages of 7 buckets: 17 311 buckets over 17 521 steps (18 pages of time, 17 of rows).
    const held = without(year, (_, i) => i % 577 >= 570);
    should(year.length).equal(17_521);
    should(held.length).equal(17_311);
    const run = await backfill(held, yearBegin, NOW);
    should(run.state.pages).equal(18);
    should(run.cloud.asked.length).equal(Math.ceil(held.length / 1024)); // 17
    assertCursor(run, held);
    assertWhole(run.buckets, held, run);
    should(run.pages.map((p) => p.index)).eql([...Array(18).keys()]); // every page said, for the status
  });

  it('a gap at the start: the first request finds the history, the next ones follow the buckets', async () => {
    const held = year.filter((s) => s >= yearBegin + 100 * DAY);
    const run = await backfill(held, yearBegin, NOW);
    should(run.cloud.asked.length).equal(Math.ceil(held.length / 1024));
    should(run.cloud.asked[0].begin).equal(year[0]);
    assertCursor(run, held);
    assertWhole(run.buckets, held, run);
    should(run.state.firstData).equal(held[0]);
  });

  it('a gap at the end: an answer of fewer than 1024 rows ends the range, with nothing after it asked', async () => {
    const held = year.filter((s) => s < NOW - 3 * DAY);
    const run = await backfill(held, yearBegin, NOW);
    should(run.cloud.asked.length).equal(Math.ceil(held.length / 1024));
    should(run.cloud.asked[run.cloud.asked.length - 1].rows).be.below(1024);
    assertCursor(run, held);
    assertWhole(run.buckets, held, run);
  });

  it('gaps at the start, in the middle and at the end, in answers keyed by time (optimize=false)', async () => {
    const held = without(year, (s, i) => s < yearBegin + 20 * DAY || s >= NOW - DAY || i % 300 < 9);
    const run = await backfill(held, yearBegin, NOW, { shape: 'keyed' });
    should(run.cloud.asked.length).equal(Math.ceil(held.length / 1024));
    assertCursor(run, held);
    assertWhole(run.buckets, held, run);
  });

  it('exactly 1024 buckets: one request when they reach the range end, a second (empty) one when a gap follows', async () => {
    const end = Date.UTC(2025, 4, 20);
    const begin = end - 60 * DAY;
    const toEnd = steps(end - 1024 * STEP, end);
    const reaching = await backfill(toEnd, begin, end);
    should(reaching.cloud.asked.map((a) => a.rows)).eql([1024]);
    assertWhole(reaching.buckets, toEnd, reaching);

    const early = steps(begin, begin + 1024 * STEP);
    const gapAfter = await backfill(early, begin, end);
    should(gapAfter.cloud.asked.map((a) => a.rows)).eql([1024, 0]);
    assertCursor(gapAfter, early);
    assertWhole(gapAfter.buckets, early, gapAfter);

    // 2048 with a gap between them and nothing after: 1024, 1024, then the empty answer.
    const twice = without(steps(begin, begin + 2100 * STEP), (_, i) => i >= 1000 && i < 1052);
    should(twice.length).equal(2048);
    const two = await backfill(twice, begin, end);
    should(two.cloud.asked.map((a) => a.rows)).eql([1024, 1024, 0]);
    assertCursor(two, twice);
    assertWhole(two.buckets, twice, two);
  });

  it('fewer than 1024 buckets, or none: one request', async () => {
    const end = Date.UTC(2025, 4, 20);
    const begin = end - 60 * DAY;
    const few = without(steps(end - 700 * STEP, end), (_, i) => i % 50 === 3);
    const some = await backfill(few, begin, end);
    should(some.cloud.asked.map((a) => a.rows)).eql([few.length]);
    assertWhole(some.buckets, few, some);

    const none = await backfill([], begin, end);
    should(none.cloud.asked.map((a) => a.rows)).eql([0]);
    should(none.buckets).eql([]);
    should(none.pages.map((p) => p.index)).eql([...Array(none.state.pages).keys()]);
  });

  it('parts: every planned page is sent once, in order, each with the buckets of its own span', async () => {
    const held = without(year, (s, i) => s < yearBegin + 10 * DAY || i % 400 < 25);
    const run = await backfill(held, yearBegin, NOW, { output: 'parts' });
    should(run.cloud.asked.length).equal(Math.ceil(held.length / 1024));
    should(run.pages.map((p) => p.index)).eql([...Array(run.state.pages).keys()]);
    should(run.pages.filter((p) => p.last).map((p) => p.index)).eql([run.state.pages - 1]);
    const frame = (i: number): [number, number] => [run.state.range.dateBegin + i * 1024 * STEP, run.state.range.dateBegin + (i + 1) * 1024 * STEP];
    for (const p of run.pages) for (const b of p.buckets) should(b.start).be.within(frame(p.index)[0], frame(p.index)[1] - 1);
    assertWhole(
      run.pages.flatMap((p) => p.buckets),
      held,
      run,
    );
    should(run.state.buckets).equal(held.length);
  });

  it('resumes after a failure from the first page not finished, and loses no bucket', async () => {
    const held = without(year, (_, i) => i % 500 < 40);
    const store = new MemoryBackfillStore();
    const first = new HandMadeCloud(held);
    first.failAt = 4;
    const state = rangeState(yearBegin, NOW);
    await runBackfill(first, store, state, { now: () => NOW }).then(
      () => should.fail(null, null, 'should have stopped'),
      (err: unknown) => should(isNetatmoError(err, 'transient')).be.true(),
    );
    const saved = store.states.get(state.key) as BackfillState;
    const next = saved.next;
    should(next).be.within(4, 5); // four answers finished at least four pages
    const again = new HandMadeCloud(held);
    const result = await runBackfill(again, store, saved, { now: () => NOW });
    should(again.asked[0].begin).equal(saved.range.dateBegin + next * 1024 * STEP);
    should(result.buckets.map((b) => b.start)).eql(held);
    // Not more than a request of time paging costs, restart included.
    should(first.asked.length - 1 + again.asked.length).be.belowOrEqual(state.pages + 1);
  });

  it('a bucket answered twice (again at the start of the next answer, revised) is kept once, with its newer value', async () => {
    const begin = Date.UTC(2025, 0, 1);
    const end = begin + 3000 * STEP;
    const all = steps(begin, end);
    const answers: Array<{ buckets: Bucket[]; extent: AnswerExtent }> = [];
    const asked: number[] = [];
    const reader: BackfillReader = {
      readMeasures(query: MeasureQuery, options?: ReadOptions): Promise<Bucket[]> {
        asked.push(query.dateBegin);
        // A cloud whose answers start with the bucket before the one asked, revised.
        const from = all.indexOf(query.dateBegin);
        const starts = all.slice(Math.max(0, from - 1), Math.max(0, from - 1) + 1024);
        const buckets = starts.map((s, i) => {
          const value = from > 0 && i === 0 ? valueAt(s) + 1000 : valueAt(s);
          return { start: s, end: s + STEP, values: { sum_energy_elec: value, sum_energy_elec$1: null }, total: value };
        });
        const extent = { rows: buckets.length, lastStart: starts[starts.length - 1] ?? null };
        answers.push({ buckets, extent });
        options?.onAnswer?.(extent);
        return Promise.resolve(buckets);
      },
    };
    const state = rangeState(begin, end);
    const result = await runBackfill(reader, new MemoryBackfillStore(), state, { now: () => NOW });
    should(asked).eql([begin, begin + 1024 * STEP, begin + 2047 * STEP]);
    should(result.buckets.map((b) => b.start)).eql(all);
    const revised = result.buckets.find((b) => b.start === begin + 1023 * STEP) as Bucket;
    should(revised.values.sum_energy_elec).equal(valueAt(revised.start) + 1000);
  });
});

describe('nextCursor', () => {
  const thrown = (f: () => unknown): boolean => {
    try {
      f();
    } catch (err) {
      return isNetatmoError(err, 'api') && /^Unexpected answer/.test(err.message);
    }
    return false;
  };
  const range = { scale: '30min' as const, dateEnd: NOW };
  const at = Date.UTC(2025, 4, 1);

  it('null after an answer of fewer than 1024 rows (the rest of the range is empty), empty ones included', () => {
    should(nextCursor(range, at, { rows: 1023, lastStart: at + 5000 * STEP })).be.null();
    should(nextCursor(range, at, { rows: 0, lastStart: null })).be.null();
  });

  it('after a full answer: the bucket after its last one, or null when that is the range end', () => {
    should(nextCursor(range, at, { rows: 1024, lastStart: at + 1100 * STEP })).equal(at + 1101 * STEP);
    const lastBucket = Math.floor((NOW - 1) / STEP) * STEP;
    should(nextCursor(range, at, { rows: 1024, lastStart: lastBucket })).be.null();
    // A stamp off the middle (a start not on the grid) asks its bucket again rather than skip one.
    should(nextCursor(range, at, { rows: 1024, lastStart: at + 1100 * STEP - 5 * 60_000 })).equal(at + 1100 * STEP);
  });

  it('follows the local calendar at 1day: the next local midnight after a 23-hour day', () => {
    const day = { scale: '1day' as const, timeZone: PARIS, dateEnd: Date.UTC(2026, 5, 1) };
    const springDay = Date.UTC(2026, 2, 28, 23); // 29 March 2026 00:00 in Paris, 23 hours long
    should(nextCursor(day, Date.UTC(2023, 0, 1), { rows: 1024, lastStart: springDay })).equal(Date.UTC(2026, 2, 29, 22));
  });

  it('refuses a full answer that holds no bucket or does not move past the cursor', () => {
    should(thrown(() => nextCursor(range, at, { rows: 1024, lastStart: null }))).be.true();
    should(thrown(() => nextCursor(range, at, { rows: 1024, lastStart: at - STEP }))).be.true();
  });
});
