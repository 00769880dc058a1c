import should from 'should';
import { DeviceSchedule } from '../../../src/netatmo/device-schedule';
import { UploadLearner, UPLOAD_DEFAULTS, type ReadObservation } from '../../../src/netatmo/upload-schedule';

const MIN = 60_000;
const SLOT = 30 * MIN;
const T0 = Date.UTC(2025, 2, 1);

/** A deterministic upload process: every `period`, each upload shifted by a jitter in ±jitter. */
function uploadsOf(period: number, jitter: number, count: number, first = T0 + 37 * MIN): number[] {
  const out: number[] = [];
  let seed = 7;
  for (let k = 0; k < count; k++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    out.push(first + k * period + Math.round(((seed / 2 ** 31) * 2 - 1) * jitter));
  }
  return out;
}

/** The end of the newest slot the cloud holds at `t` (a slot is served from the first upload after its end). */
function newestEndAt(uploads: number[], t: number): number | null {
  let last: number | null = null;
  for (const u of uploads) if (u <= t) last = u;
  return last === null ? null : Math.floor(last / SLOT) * SLOT;
}

function readAt(lineId: string, uploads: number[], t: number, known: number | null): ReadObservation {
  const newestEnd = newestEndAt(uploads, t);
  return { lineId, at: t, newestEnd, changed: newestEnd !== null && newestEnd !== known, fine: true };
}

/** Poll one line every `every` ms from `from` to `to`; returns the learner. */
function poll(learner: UploadLearner, uploads: number[], from: number, to: number, every: number, lineId = 'a'): void {
  let known: number | null = null;
  for (let t = from; t <= to; t += every) {
    const obs = readAt(lineId, uploads, t, known);
    learner.observe(obs);
    known = obs.newestEnd ?? known;
  }
}

describe('UploadLearner', () => {
  it('is not learnt before it has seen enough uploads', () => {
    const learner = new UploadLearner();
    const uploads = uploadsOf(180 * MIN, 20 * MIN, 10);
    should(learner.isLearnt()).be.false();
    should(learner.predict(T0)).be.null();
    poll(learner, uploads, T0, uploads[1] + 5 * MIN, 10 * MIN);
    should(learner.isLearnt()).be.false();
    should(learner.uploads().length).be.within(1, 2);
  });

  it('brackets each upload between the last read without it and the first read with it', () => {
    const learner = new UploadLearner();
    const uploads = uploadsOf(180 * MIN, 20 * MIN, 10);
    poll(learner, uploads, T0, uploads[4] + 1, 10 * MIN);
    const seen = learner.uploads();
    should(seen.length).be.aboveOrEqual(4);
    // The first bracket comes from the first read (newest slot's end .. now); later ones from
    // two reads 10 min apart.
    for (const [i, e] of seen.entries()) {
      should(e.hi - e.lo).be.belowOrEqual(i === 0 ? UPLOAD_DEFAULTS.maxBracketMs : 10 * MIN);
      should(uploads.some((u) => u >= e.lo && u <= e.hi)).be.true();
    }
  });

  it('learns the period and predicts the next upload inside its window', () => {
    const learner = new UploadLearner();
    const uploads = uploadsOf(180 * MIN, 20 * MIN, 12);
    poll(learner, uploads, T0, uploads[6] + 11 * MIN, 10 * MIN);
    should(learner.isLearnt()).be.true();
    should(Math.abs((learner.periodMs() as number) - 180 * MIN)).be.below(10 * MIN);
    const p = learner.predict(uploads[6] + 12 * MIN);
    should(p).not.be.null();
    const next = uploads[7];
    should(next).be.within((p?.at ?? 0) - (p?.spread ?? 0), (p?.at ?? 0) + (p?.spread ?? 0));
    should(p?.spread).be.within(UPLOAD_DEFAULTS.minSpreadMs, 60 * MIN);
  });

  it('follows a period that is not the nominal one (drifting clock)', () => {
    const learner = new UploadLearner();
    const uploads = uploadsOf(167 * MIN, 3 * MIN, 10);
    poll(learner, uploads, T0, uploads[7] + 1, 5 * MIN);
    should(Math.abs((learner.periodMs() as number) - 167 * MIN)).be.below(3 * MIN);
  });

  it('counts a missed upload as two periods, not one long one', () => {
    const learner = new UploadLearner();
    const uploads = uploadsOf(180 * MIN, 5 * MIN, 10);
    // Brackets for uploads 0, 1, 3, 4, 5: upload 2 was never seen on its own.
    for (const i of [0, 1, 3, 4, 5]) learner.add({ lo: uploads[i] - 2 * MIN, hi: uploads[i] + 2 * MIN });
    should(Math.abs((learner.periodMs() as number) - 180 * MIN)).be.below(5 * MIN);
  });

  it('merges brackets of the same upload seen by several lines into their intersection', () => {
    const learner = new UploadLearner();
    should(learner.add({ lo: 100 * MIN, hi: 130 * MIN })).not.be.null();
    should(learner.add({ lo: 120 * MIN, hi: 140 * MIN })).be.null();
    should(learner.uploads()).eql([{ lo: 120 * MIN, hi: 130 * MIN }]);
    should(learner.add({ lo: 300 * MIN, hi: 305 * MIN })).not.be.null();
    should(learner.uploads().length).eql(2);
  });

  it('ignores reads without data and out-of-order answers', () => {
    const learner = new UploadLearner();
    should(learner.observe({ lineId: 'gas', at: T0, newestEnd: null, changed: false, fine: true })).be.null();
    should(learner.hasData('gas')).be.false();
    learner.observe({ lineId: 'a', at: T0 + 60 * MIN, newestEnd: T0, changed: true, fine: true });
    should(learner.observe({ lineId: 'a', at: T0 + 50 * MIN, newestEnd: T0 + 30 * MIN, changed: true, fine: true })).be.null();
  });

  it('survives a round trip through JSON, and starts afresh from garbage', () => {
    const learner = new UploadLearner();
    const uploads = uploadsOf(180 * MIN, 15 * MIN, 8);
    poll(learner, uploads, T0, uploads[5] + 1, 10 * MIN);
    const copy = UploadLearner.fromJSON(JSON.parse(JSON.stringify(learner.toJSON())));
    should(copy.uploads()).eql(learner.uploads());
    should(copy.periodMs()).eql(learner.periodMs());
    should(UploadLearner.fromJSON({ version: 9 }).uploads()).eql([]);
    should(UploadLearner.fromJSON(null).isLearnt()).be.false();
    should(UploadLearner.fromJSON({ version: 1, events: [{ lo: 'x' }, null] }).uploads()).eql([]);
  });
});

describe('DeviceSchedule', () => {
  it('polls at the fallback interval until learnt, and only the scout polls', () => {
    const schedule = new DeviceSchedule();
    schedule.join('a', () => undefined);
    schedule.join('b', () => undefined);
    // Nobody has data: everyone polls at the fallback interval.
    should(schedule.advise('a', T0, T0)).eql({ at: T0 + 10 * MIN, mode: 'learning' });
    should(schedule.advise('b', T0, T0)).eql({ at: T0 + 10 * MIN, mode: 'learning' });
    schedule.observe({ lineId: 'b', at: T0, newestEnd: T0 - 60 * MIN, changed: true, fine: true });
    should(schedule.scout()).eql('b');
    should(schedule.advise('b', T0, T0).mode).eql('learning');
    should(schedule.advise('a', T0, T0)).eql({ at: T0 + UPLOAD_DEFAULTS.safetyMs, mode: 'following' });
  });

  it('wakes the other lines, a few seconds apart, when a read reveals an upload', () => {
    const schedule = new DeviceSchedule();
    const woken: Array<[string, number]> = [];
    for (const id of ['a', 'b', 'c']) schedule.join(id, (delay) => woken.push([id, delay]));
    schedule.observe({ lineId: 'a', at: T0, newestEnd: T0 - 3 * 60 * MIN, changed: true, fine: true });
    should(woken).eql([]);
    should(schedule.observe({ lineId: 'a', at: T0 + 10 * MIN, newestEnd: T0, changed: true, fine: true })).be.true();
    should(woken).eql([
      ['b', UPLOAD_DEFAULTS.staggerMs],
      ['c', 2 * UPLOAD_DEFAULTS.staggerMs],
    ]);
    // The same upload seen by another line wakes nobody again.
    schedule.observe({ lineId: 'b', at: T0 - 20 * MIN, newestEnd: T0 - 3 * 60 * MIN, changed: true, fine: true });
    should(schedule.observe({ lineId: 'b', at: T0 + 10 * MIN + 2000, newestEnd: T0, changed: true, fine: true })).be.false();
    should(woken.length).eql(2);
  });

  it('once learnt, waits slowly, probes around the predicted upload, then gives up until the next', () => {
    const schedule = new DeviceSchedule();
    schedule.join('a', () => undefined);
    const uploads = uploadsOf(180 * MIN, 10 * MIN, 12);
    poll(schedule.learner, uploads, T0, uploads[5] + 3 * MIN, 5 * MIN);
    should(schedule.learner.isLearnt()).be.true();
    const now = uploads[5] + 3 * MIN;
    const p = schedule.learner.predict(now);
    if (p === null) throw new Error('no prediction');
    const start = p.at - p.spread;
    const end = p.at + p.spread;
    should(schedule.advise('a', now, now)).eql({ at: now + UPLOAD_DEFAULTS.safetyMs, mode: 'waiting' });
    should(schedule.advise('a', start - 10 * MIN, start - 10 * MIN)).eql({ at: start, mode: 'probing' });
    should(schedule.advise('a', start + MIN, start + MIN)).eql({ at: start + MIN + UPLOAD_DEFAULTS.probeMs, mode: 'probing' });
    should(schedule.advise('a', end + MIN, end + MIN)).eql({ at: end + MIN + UPLOAD_DEFAULTS.fallbackMs, mode: 'probing' });
    const late = end + UPLOAD_DEFAULTS.overdueMs + MIN;
    should(schedule.advise('a', late, late).mode).eql('waiting');
  });

  it('following its advice, a scout sees each upload soon and reads far less than every 10 min', () => {
    const schedule = new DeviceSchedule();
    schedule.join('a', () => undefined);
    const uploads = uploadsOf(180 * MIN, 25 * MIN, 40);
    let t = T0;
    let known: number | null = null;
    let reads = 0;
    const delays: number[] = [];
    const end = uploads[38];
    while (t < end) {
      const obs = readAt('a', uploads, t, known);
      reads += 1;
      if (obs.newestEnd !== null && obs.newestEnd !== known && known !== null) {
        const upload = uploads.filter((u) => u <= t).pop() as number;
        if (t > T0 + 24 * 60 * MIN) delays.push(t - upload);
      }
      schedule.observe(obs);
      known = obs.newestEnd ?? known;
      t = Math.max(schedule.advise('a', t, t).at, t + 1000);
    }
    const hours = (end - T0) / (60 * MIN);
    // Fixed 10 min would read 6 times an hour.
    should(reads / hours).be.below(3.5);
    delays.sort((a, b) => a - b);
    should(delays[Math.floor(delays.length / 2)]).be.belowOrEqual(UPLOAD_DEFAULTS.probeMs);
    should(Math.max(...delays)).be.belowOrEqual(UPLOAD_DEFAULTS.safetyMs);
  });
});
