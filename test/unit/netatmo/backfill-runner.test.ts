// The backfill's pure parts and its runner, against a fake reader (no Node-RED, no HTTP): the
// node tests (measure-backfill.test.ts) cover the same through the simulator.
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import should from 'should';
import { tempDir } from '../../support/temp-dir';
import { backfillKey, historyVerdict, isBackfillState, newBackfillState, percentDone, type BackfillState } from '../../../src/netatmo/backfill';
import { BackgroundShare } from '../../../src/netatmo/backfill-pacer';
import { runBackfill, type BackfillReader } from '../../../src/netatmo/backfill-runner';
import { BackfillFileStore, MemoryBackfillStore } from '../../../src/netatmo/backfill-store';
import { abortedError } from '../../../src/netatmo/errors';
import type { Bucket, MeasureQuery, ReadOptions } from '../../../src/netatmo/types';
import { VirtualClock } from '../../support/virtual-clock';

const MIN = 60_000;
const STEP = 30 * MIN;
const DAY = 86_400_000;
const NOW = Date.UTC(2025, 5, 1, 10, 7);
const MODULE = '70:ee:50:00:00:01#2';
const DEVICE = '70:ee:50:00:00:01';

/**
 * A cloud that holds a bucket every 30 min from `historyFrom`, answers at most 1024 buckets from
 * the request's start (as Netatmo does), and counts the requests.
 */
class FakeCloud implements BackfillReader {
  calls: Array<{ query: MeasureQuery; priority: unknown; seek: boolean }> = [];
  failAt = -1;
  constructor(private readonly historyFrom: number) {}

  async readMeasures(query: MeasureQuery, options: ReadOptions = {}): Promise<Bucket[]> {
    this.calls.push({ query, priority: options.priority, seek: options.seek === true });
    if (this.calls.length - 1 === this.failAt) throw abortedError();
    const out: Bucket[] = [];
    const end = Math.min(query.dateEnd ?? NOW, NOW);
    for (let s = Math.max(query.dateBegin, Math.ceil(this.historyFrom / STEP) * STEP); s < end && out.length < 1024; s += STEP) {
      out.push({ start: s, end: s + STEP, values: { sum_energy_elec: s / STEP }, total: s / STEP });
    }
    return out;
  }
}

function yearQuery(): MeasureQuery {
  return { moduleId: MODULE, deviceId: DEVICE, types: ['sum_energy_elec'], scale: '30min', dateBegin: NOW - 365 * DAY };
}

function newState(output: 'message' | 'parts' = 'message', query: MeasureQuery = yearQuery()): BackfillState {
  return newBackfillState({ nodeId: 'n1', query, output, partsId: 'p1', now: NOW });
}

describe('backfill planning and runner', () => {
  it('plans a year at 30 min as 18 pages of at most 1024 buckets, one request each, at background priority', async () => {
    const state = newState();
    should(state.pages).eql(Math.ceil((365 * 48 + 1) / 1024));
    const cloud = new FakeCloud(0);
    const result = await runBackfill(cloud, new MemoryBackfillStore(), state, { now: () => NOW });
    should(cloud.calls.length).eql(18);
    // Each request goes to the range's end (the cloud answers its first 1024 buckets) from just
    // after the last bucket of the answer before: without gaps, one page after the other.
    should(cloud.calls.map((c) => c.seek)).eql(Array(18).fill(true));
    for (const c of cloud.calls) should(c.query.dateEnd).eql(state.range.dateEnd);
    for (const c of cloud.calls) should(c.priority).eql('background');
    for (let i = 1; i < cloud.calls.length; i++) should(cloud.calls[i].query.dateBegin).eql(cloud.calls[i - 1].query.dateBegin + 1024 * STEP);
    should(result.buckets.length).eql(365 * 48 + 1);
    should(result.buckets[0].start).eql(Math.floor((NOW - 365 * DAY) / STEP) * STEP);
    should(result.verdict.kind).eql('whole');
    should(percentDone(result.state)).eql(100);
  });

  it('resumes at the page after the last one saved, without reading earlier pages again', async () => {
    const store = new MemoryBackfillStore();
    const state = newState();
    const cloud = new FakeCloud(0);
    cloud.failAt = 7;
    await runBackfill(cloud, store, state, { now: () => NOW }).then(
      () => should.fail(null, null, 'should have stopped'),
      (err: unknown) => should((err as Error).message).match(/abort/i),
    );
    const saved = store.states.get(state.key) as BackfillState;
    should(saved.next).eql(7);
    should(percentDone(saved)).eql(Math.floor(700 / 18));
    const again = new FakeCloud(0);
    const result = await runBackfill(again, store, saved, { now: () => NOW });
    should(again.calls.length).eql(18 - 7);
    should(again.calls[0].query.dateBegin).eql(cloud.calls[7].query.dateBegin);
    // The buckets of the first run come back from the store: the message is whole.
    should(result.buckets.length).eql(365 * 48 + 1);
  });

  it('emits each page for the parts output, and tells where the history starts', async () => {
    const historyFrom = NOW - 30 * DAY;
    const pages: Array<{ index: number; count: number; last: boolean }> = [];
    const state = newState('parts');
    const result = await runBackfill(new FakeCloud(historyFrom), new MemoryBackfillStore(), state, {
      now: () => NOW,
      onPage: (p) => pages.push({ index: p.index, count: p.buckets.length, last: p.last }),
    });
    should(pages.map((p) => p.index)).eql([...Array(18).keys()]);
    should(pages.filter((p) => p.last).length).eql(1);
    // The first request found where the history begins: the empty pages before it cost nothing.
    const firstFull = pages.findIndex((p) => p.count > 0);
    should(pages.slice(0, firstFull).every((p) => p.count === 0)).be.true();
    should(result.state.buckets).eql(pages.reduce((n, p) => n + p.count, 0));
    should(result.state.buckets).eql(Math.ceil((NOW - Math.ceil(historyFrom / STEP) * STEP) / STEP));
    should(result.buckets).eql([]); // parts carry them
    should(result.verdict.kind).eql('limited');
    should(result.verdict.historyStart).eql(Math.ceil(historyFrom / STEP) * STEP);
    should(historyVerdict({ dateBegin: 0, scale: '30min' }, null).kind).eql('empty');
    should(historyVerdict({ dateBegin: 0, scale: '30min' }, 6 * STEP).kind).eql('whole');
  });

  it('skips the empty years before the history with one request, and reads an empty range with one', async () => {
    const historyFrom = NOW - 30 * DAY;
    const decade: MeasureQuery = { ...yearQuery(), dateBegin: NOW - 10 * 365 * DAY };
    const cloud = new FakeCloud(historyFrom);
    const result = await runBackfill(cloud, new MemoryBackfillStore(), newState('message', decade), { now: () => NOW });
    const held = Math.ceil((NOW - Math.ceil(historyFrom / STEP) * STEP) / STEP);
    should(result.state.pages).be.above(170); // ten years of pages planned…
    // …but only the buckets held are read: the first request lands on the first of them, and
    // each next one starts after the last bucket received.
    should(cloud.calls.length).eql(Math.ceil(held / 1024));
    should(result.buckets.length).eql(held);
    should(result.verdict.kind).eql('limited');
    should(percentDone(result.state)).eql(100);

    const nothing = new FakeCloud(NOW + DAY);
    const empty = await runBackfill(nothing, new MemoryBackfillStore(), newState('message', decade), { now: () => NOW });
    should(nothing.calls.length).eql(1);
    should(empty.buckets).eql([]);
    should(empty.verdict.kind).eql('empty');
  });

  it('keeps the cursor and the buckets in files that survive a new store, and checks what it reads back', async () => {
    const made = tempDir('econetatmo-backfill-');
    const dir = made.dir;
    try {
      const store = new BackfillFileStore(dir);
      const state = newState();
      const cloud = new FakeCloud(0);
      cloud.failAt = 3;
      await runBackfill(cloud, store, state, { now: () => NOW }).catch(() => undefined);
      const listed = new BackfillFileStore(dir).list('n1');
      should(listed.length).eql(1);
      should(listed[0].next).eql(3);
      should(listed[0].key).eql(backfillKey('n1', state.range));
      should(new BackfillFileStore(dir).loadBuckets(listed[0]).length).eql(3 * 1024);
      // A damaged file is dropped, not trusted.
      writeFileSync(join(dir, 'n1-0000000000000000.json'), '{"version":1,');
      should(new BackfillFileStore(dir).list('n1').length).eql(1);
      should(readdirSync(dir).some((f) => f.startsWith('n1-0000'))).be.false();
      should(isBackfillState({ ...listed[0], next: 99 })).be.false();
      should(isBackfillState({ ...listed[0], key: 'other' })).be.false();
      store.remove(listed[0]);
      should(readdirSync(dir)).eql([]);
      // An id that is not a plain name stays a file name inside the directory (safeFileName).
      const odd = { ...state, nodeId: '../x', key: backfillKey('../x', state.range) };
      store.save(odd);
      should(readdirSync(dir)).have.length(1);
      should(readdirSync(dir)[0]).match(/^_\._x-[0-9a-f]{16}-[0-9a-f]{16}\.json$/);
      should(store.list('../x').map((s) => s.key)).eql([odd.key]);
      store.removeNode('../x');
      should(readdirSync(dir)).eql([]);
    } finally {
      made.cleanup();
    }
  });

  it('the background share holds pages beyond its hourly share until the hour slides, and few in flight', async () => {
    const clock = new VirtualClock({ start: NOW });
    const share = new BackgroundShare({ clock, maxPerHour: 3, maxInFlight: 2, spacingMs: 0 });
    const r1 = await share.take();
    const r2 = await share.take();
    let third = false;
    const pending3 = share.take().then((r) => ((third = true), r));
    await new Promise((r) => setImmediate(r));
    should(third).be.false(); // two in flight
    r1();
    const r3 = await pending3;
    r2();
    r3();
    let fourth = false;
    const waits: number[] = [];
    const pending = share.take(undefined, (ms) => waits.push(ms)).then(() => (fourth = true));
    await new Promise((r) => setImmediate(r));
    should(fourth).be.false();
    should(waits).eql([3_600_000]);
    clock.advanceSync(3_600_000);
    await pending;
    should(fourth).be.true();
    should(share.used()).eql(1);
    // An aborted wait leaves the queue.
    const controller = new AbortController();
    const share2 = new BackgroundShare({ clock, maxPerHour: 1, spacingMs: 0 });
    await share2.take();
    const aborted = share2.take(controller.signal);
    controller.abort();
    await aborted.then(
      () => should.fail(null, null, 'should abort'),
      (err: Error) => should(err.message).match(/abort/i),
    );
    // Pages go a little apart.
    const share3 = new BackgroundShare({ clock, spacingMs: 50 });
    (await share3.take())();
    let next = false;
    const later = share3.take().then((r) => ((next = true), r));
    await new Promise((r) => setImmediate(r));
    should(next).be.false();
    should(clock.dueBy(clock.now() + 49)).equal(0);
    should(clock.dueBy(clock.now() + 50)).equal(1);
    clock.advanceSync(50);
    (await later)();
    should(next).be.true();
  });
});
