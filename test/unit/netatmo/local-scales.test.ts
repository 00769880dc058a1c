// Planning and decoding of every scale around both clock changes of Paris and a month end:
// `1day`, `1week` and `1month` follow the home's local calendar (23 h and 25 h days, calendar
// months), the sub-day scales keep their fixed steps on the epoch.
import should from 'should';
import { alignDown, alignUp, nextBucketStart, planRequests, recentWindow, validateQuery } from '../../../src/netatmo/measure-plan';
import { decodeMeasure } from '../../../src/netatmo/measure-decode';
import { backfillKey, backfillPages, isBackfillRange, rangeQuery, toRange } from '../../../src/netatmo/backfill';
import { readMeasures } from '../../../src/netatmo/measures';
import { isNetatmoError } from '../../../src/netatmo/errors';
import { startOfDay } from '../../../src/lib/local-calendar';
import { SCALES, type Scale } from '../../../src/contract/measure-types';
import { type MeasureQuery } from '../../../src/netatmo/types';

const H = 3_600_000;
const PARIS = 'Europe/Paris';
const TYPES = ['sum_energy_elec', 'sum_energy_elec$0', 'sum_energy_elec$1', 'sum_energy_elec$2'];
const utc = (y: number, m: number, d: number, h = 0, min = 0): number => Date.UTC(y, m - 1, d, h, min);

/** The clock changes of 2026 and a month end, with the local boundaries around them. */
const SPRING = { day: utc(2026, 3, 29, 12), start: utc(2026, 3, 28, 23), end: utc(2026, 3, 29, 22) }; // 23 h
const AUTUMN = { day: utc(2026, 10, 25, 12), start: utc(2026, 10, 24, 22), end: utc(2026, 10, 25, 23) }; // 25 h
const MONTH_END = { last: utc(2026, 3, 31, 12), nextStart: utc(2026, 3, 31, 22) }; // 1 April 00:00 CEST

function query(over: Partial<MeasureQuery>): MeasureQuery {
  return { deviceId: '70:ee:50:aa:bb:cc', moduleId: '70:ee:50:aa:bb:cc#5', types: TYPES, scale: '1day', dateBegin: 0, timeZone: PARIS, ...over };
}

function row(n: number): Array<number | null> {
  return [n, null, null, null];
}

describe('local scales: plan', () => {
  it('aligns 1day, 1week and 1month to local midnights, Mondays and 1sts in Paris', () => {
    should(alignDown(SPRING.day, '1day', PARIS)).equal(SPRING.start);
    should(nextBucketStart(SPRING.start, '1day', PARIS)).equal(SPRING.end);
    should(alignDown(AUTUMN.day, '1day', PARIS)).equal(AUTUMN.start);
    should(nextBucketStart(AUTUMN.start, '1day', PARIS)).equal(AUTUMN.end);
    should(alignUp(SPRING.day, '1day', PARIS)).equal(SPRING.end);
    should(alignUp(SPRING.start, '1day', PARIS)).equal(SPRING.start);
    should(alignDown(SPRING.day, '1week', PARIS)).equal(utc(2026, 3, 22, 23));
    should(nextBucketStart(utc(2026, 3, 22, 23), '1week', PARIS)).equal(utc(2026, 3, 29, 22));
    should(alignDown(MONTH_END.last, '1month', PARIS)).equal(utc(2026, 2, 28, 23));
    should(nextBucketStart(utc(2026, 2, 28, 23), '1month', PARIS)).equal(MONTH_END.nextStart);
    should(alignDown(MONTH_END.nextStart, '1month', PARIS)).equal(MONTH_END.nextStart);
  });

  it('keeps the sub-day scales on the epoch whatever the zone, across both changes', () => {
    for (const t of [SPRING.day, AUTUMN.day, utc(2026, 10, 25, 0, 45), utc(2026, 10, 25, 1, 15)]) {
      should(alignDown(t, '30min', PARIS)).equal(Math.floor(t / (H / 2)) * (H / 2));
      should(alignDown(t, '1hour', PARIS)).equal(Math.floor(t / H) * H);
      should(alignDown(t, '3hours', PARIS)).equal(Math.floor(t / (3 * H)) * (3 * H));
      should(nextBucketStart(alignDown(t, '3hours', PARIS), '3hours', PARIS)).equal(alignDown(t, '3hours') + 3 * H);
    }
  });

  it('plans pages that begin and end on local boundaries, for every scale, across the changes', () => {
    for (const scale of SCALES) {
      const q = query({ scale, dateBegin: utc(2026, 3, 1), dateEnd: utc(2026, 11, 20) });
      const pages = planRequests(q, utc(2026, 12, 1));
      should(pages.length).be.above(0);
      pages.forEach((p, i) => {
        should(alignDown(p.dateBegin * 1000, scale, PARIS)).equal(p.dateBegin * 1000);
        should(alignDown(p.dateEnd * 1000, scale, PARIS)).equal(p.dateEnd * 1000);
        if (i > 0) should(p.dateBegin).equal(pages[i - 1].dateEnd);
      });
      should(pages[0].dateBegin * 1000).equal(alignDown(q.dateBegin, scale, PARIS));
      should(pages[pages.length - 1].dateEnd * 1000).equal(alignUp(q.dateEnd as number, scale, PARIS));
    }
    // A day-scale range over the spring change starts at local midnight (23:00 UTC in winter).
    const days = planRequests(query({ dateBegin: utc(2026, 3, 27, 12), dateEnd: utc(2026, 3, 31, 12) }), utc(2026, 4, 1));
    should(days).eql([{ dateBegin: utc(2026, 3, 26, 23) / 1000, dateEnd: utc(2026, 3, 31, 22) / 1000 }]);
  });

  it('pages 1024 local days at a time: every page starts at a Paris midnight', () => {
    const pages = planRequests(query({ dateBegin: utc(2016, 1, 1), dateEnd: utc(2026, 1, 1) }), utc(2026, 6, 1));
    should(pages.length).equal(4); // 3653 days
    for (const p of pages) should(startOfDay(PARIS, p.dateBegin * 1000)).equal(p.dateBegin * 1000);
  });

  it('a periodic read looks back over local days and months', () => {
    const now = utc(2026, 10, 26, 8);
    should(recentWindow('1day', now, PARIS)).eql({ dateBegin: utc(2026, 10, 22, 22), dateEnd: now });
    should(recentWindow('1month', now, PARIS).dateBegin).equal(utc(2026, 8, 31, 22));
    should(recentWindow('1week', now, PARIS).dateBegin).equal(utc(2026, 10, 11, 22));
    should(recentWindow('1month', utc(2026, 3, 31, 22, 30), PARIS).dateBegin).equal(utc(2026, 2, 28, 23));
    should(recentWindow('30min', now, PARIS)).eql(recentWindow('30min', now));
  });

  it('refuses a time zone Node.js does not know, before any request', () => {
    try {
      validateQuery(query({ timeZone: 'Mars/Olympus_Mons', dateBegin: utc(2026, 1, 1) }), utc(2026, 2, 1));
    } catch (err) {
      should(isNetatmoError(err, 'bad_input')).be.true();
      should((err as Error).message).match(/Unknown time zone "Mars\/Olympus_Mons"/);
      return;
    }
    throw new Error('expected bad input');
  });

  it('refuses dates no calendar holds', () => {
    should(() => validateQuery(query({ dateBegin: -1e16 }), utc(2026, 2, 1))).throw(/start date is not a valid date/);
    should(() => validateQuery(query({ dateBegin: 0, dateEnd: 1e16 }), utc(2026, 2, 1))).throw(/end date is not a valid date/);
  });
});

describe('local scales: decode', () => {
  it('a day series stamped at local noon gives the 24 h, 25 h and 24 h days around the autumn change', () => {
    // As the cloud sends it: one series, step_time 86400 s, so the stamps drift an hour after the change.
    const answer = { body: [{ beg_time: utc(2026, 10, 24, 10) / 1000, step_time: 86400, value: [row(1), row(2), row(3)] }] };
    const buckets = decodeMeasure(answer, TYPES, '1day', PARIS);
    should(buckets.map((b) => [b.start, b.end, b.total])).eql([
      [utc(2026, 10, 23, 22), AUTUMN.start, 1],
      [AUTUMN.start, AUTUMN.end, 2],
      [AUTUMN.end, utc(2026, 10, 26, 23), 3],
    ]);
  });

  it('a 23 h spring day, keyed by its local middle or by its start (real_time)', () => {
    const middle = (SPRING.start + SPRING.end) / 2000;
    for (const key of [middle, SPRING.start / 1000, utc(2026, 3, 29, 10) / 1000]) {
      const [b] = decodeMeasure({ body: { [String(key)]: row(5) } }, TYPES, '1day', PARIS);
      should([b.start, b.end]).eql([SPRING.start, SPRING.end]);
      should(b.end - b.start).equal(23 * H);
    }
  });

  it('weeks and months take their local boundaries, not step_time', () => {
    const week = decodeMeasure({ body: [{ beg_time: utc(2026, 3, 26, 11) / 1000, step_time: 604800, value: [row(7), row(8)] }] }, TYPES, '1week', PARIS);
    should(week.map((b) => [b.start, b.end])).eql([
      [utc(2026, 3, 22, 23), utc(2026, 3, 29, 22)],
      [utc(2026, 3, 29, 22), utc(2026, 4, 5, 22)],
    ]);
    const months = decodeMeasure(
      {
        body: [
          { beg_time: utc(2026, 3, 16, 11) / 1000, step_time: 2678400, value: [row(1)] },
          { beg_time: utc(2026, 4, 15, 22) / 1000, step_time: 2592000, value: [row(2)] },
        ],
      },
      TYPES,
      '1month',
      PARIS,
    );
    should(months.map((b) => [b.start, b.end])).eql([
      [utc(2026, 2, 28, 23), MONTH_END.nextStart],
      [MONTH_END.nextStart, utc(2026, 4, 30, 22)],
    ]);
  });

  it('sub-day scales keep stamp ± half a step across the changes', () => {
    for (const scale of ['30min', '1hour', '3hours'] as Scale[]) {
      const step = { '30min': H / 2, '1hour': H, '3hours': 3 * H }[scale as '30min'];
      const first = alignDown(utc(2026, 10, 24, 22), scale);
      const count = Math.round((6 * H) / step);
      const answer = { body: [{ beg_time: (first + step / 2) / 1000, step_time: step / 1000, value: Array.from({ length: count }, (_, i) => row(i)) }] };
      const buckets = decodeMeasure(answer, TYPES, scale, PARIS);
      should(buckets).length(count);
      buckets.forEach((b, i) => should([b.start, b.end]).eql([first + i * step, first + (i + 1) * step]));
    }
  });

  it('refuses a stamp no calendar holds, as an unexpected answer', () => {
    for (const scale of ['1day', '1month', '30min'] as Scale[]) {
      try {
        decodeMeasure({ body: [{ beg_time: 1e300, value: [row(1)] }] }, TYPES, scale, PARIS);
      } catch (err) {
        should(isNetatmoError(err, 'api')).be.true();
        should((err as Error).message).match(/out of range/);
        continue;
      }
      throw new Error(`expected an unexpected answer at ${scale}`);
    }
  });

  it('the same stamps in Tokyo are other days', () => {
    const [b] = decodeMeasure({ body: { [String(utc(2026, 10, 25, 16) / 1000)]: row(1) } }, TYPES, '1day', 'Asia/Tokyo');
    should([b.start, b.end]).eql([utc(2026, 10, 25, 15), utc(2026, 10, 26, 15)]);
  });
});

describe('local scales: reads and backfills', () => {
  it('a read keeps the local days of its range, and none before its local start', async () => {
    const asked: Array<Record<string, string>> = [];
    const fetchPage = async (params: Record<string, string>): Promise<unknown> => {
      asked.push(params);
      // Days from 23 to 27 October, keyed at local noon; the first one is before the range.
      const body: Record<string, Array<number | null>> = {};
      for (let d = 23; d <= 27; d++) body[String(utc(2026, 10, d, 11) / 1000)] = row(d);
      return { body, status: 'ok' };
    };
    const q = query({ dateBegin: utc(2026, 10, 24, 22, 30), dateEnd: utc(2026, 10, 27, 6) });
    const buckets = await readMeasures(fetchPage, q, utc(2026, 11, 1));
    should(asked[0].date_begin).equal(String(AUTUMN.start / 1000));
    should(buckets.map((b) => b.total)).eql([25, 26, 27]);
    should(buckets[0]).match({ start: AUTUMN.start, end: AUTUMN.end });
  });

  it('a backfill range keeps its zone: aligned locally, in its key, in its pages', () => {
    const now = utc(2026, 11, 20);
    const range = toRange(query({ dateBegin: utc(2026, 10, 25, 12) }), now);
    should(range.dateBegin).equal(AUTUMN.start);
    should(range.timeZone).equal(PARIS);
    should(rangeQuery(range).timeZone).equal(PARIS);
    should(isBackfillRange(range)).be.true();
    should(isBackfillRange({ ...range, timeZone: 'Nowhere/Else' })).be.false();
    should(backfillKey('n1', range)).endWith(`|${PARIS}`);
    should(backfillKey('n1', range)).not.equal(backfillKey('n1', { ...range, timeZone: 'Asia/Tokyo' }));
    should(backfillPages(range)[0].dateBegin).equal(AUTUMN.start / 1000);
    // Sub-day ranges have no zone, and their keys are the keys of before.
    const fine = toRange(query({ scale: '30min', dateBegin: utc(2026, 10, 25, 12) }), now);
    should(fine.timeZone).be.undefined();
    should(backfillKey('n1', fine)).equal(['n1', fine.moduleId, '30min', TYPES.join(','), String(fine.dateBegin), 'now'].join('|'));
  });

  it("without a zone, the local scales use Node-RED's own", () => {
    const zone = new Intl.DateTimeFormat().resolvedOptions().timeZone;
    should(alignDown(SPRING.day, '1day')).equal(alignDown(SPRING.day, '1day', zone));
    should(toRange(query({ timeZone: undefined, dateBegin: SPRING.day }), utc(2026, 5, 1)).dateBegin).equal(alignDown(SPRING.day, '1day', zone));
  });
});
