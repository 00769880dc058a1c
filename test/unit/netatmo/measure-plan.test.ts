import should from 'should';
import { alignDown, alignUp, planRequests, recentWindow, stepMs, MAX_ROWS } from '../../../src/netatmo/measure-plan';
import { isNetatmoError } from '../../../src/netatmo/errors';
import type { MeasureQuery } from '../../../src/netatmo/types';

const H = 3_600_000;
const D = 24 * H;
const NOW = Date.UTC(2025, 4, 14, 10, 47, 13); // Wednesday

function query(over: Partial<MeasureQuery> = {}): MeasureQuery {
  return {
    deviceId: '70:ee:50:00:00:01',
    moduleId: '70:ee:50:00:00:01#3',
    types: ['sum_energy_elec', 'sum_energy_elec$1'],
    scale: '30min',
    dateBegin: NOW - 6 * H,
    ...over,
  };
}

function expectBadInput(fn: () => unknown, text: RegExp): void {
  try {
    fn();
  } catch (err) {
    should(isNetatmoError(err, 'bad_input')).be.true();
    should((err as Error).message).match(text);
    return;
  }
  throw new Error('expected bad input');
}

describe('bucket arithmetic', () => {
  it('aligns sub-day scales on UTC boundaries, days in the zone given', () => {
    should(alignDown(NOW, '30min')).equal(Date.UTC(2025, 4, 14, 10, 30));
    should(alignDown(NOW, '1hour')).equal(Date.UTC(2025, 4, 14, 10));
    should(alignDown(NOW, '3hours')).equal(Date.UTC(2025, 4, 14, 9));
    should(alignDown(NOW, '3hours', 'Europe/Paris')).equal(Date.UTC(2025, 4, 14, 9)); // sub-day: no zone
    should(alignDown(NOW, '1day', 'UTC')).equal(Date.UTC(2025, 4, 14));
    should(alignUp(NOW, '1day', 'UTC')).equal(Date.UTC(2025, 4, 15));
    should(alignUp(Date.UTC(2025, 4, 14), '1day', 'UTC')).equal(Date.UTC(2025, 4, 14));
  });

  it('starts weeks on Monday 00:00 and months on the 1st (UTC here)', () => {
    const monday = alignDown(NOW, '1week', 'UTC');
    should(monday).equal(Date.UTC(2025, 4, 12));
    should(new Date(monday).getUTCDay()).equal(1);
    should(alignDown(Date.UTC(2025, 4, 12), '1week', 'UTC')).equal(Date.UTC(2025, 4, 12));
    should(alignDown(Date.UTC(2025, 4, 11, 23, 59), '1week', 'UTC')).equal(Date.UTC(2025, 4, 5));
    should(alignDown(NOW, '1month', 'UTC')).equal(Date.UTC(2025, 4, 1));
    should(alignUp(NOW, '1month', 'UTC')).equal(Date.UTC(2025, 5, 1));
  });

  it('gives steps in ms', () => {
    should(stepMs('30min')).equal(H / 2);
    should(stepMs('3hours')).equal(3 * H);
    should(stepMs('1week')).equal(7 * D);
  });

  it('reads a recent window wide enough for the upload delay', () => {
    const w = recentWindow('30min', NOW);
    should(w.dateEnd).equal(NOW);
    should(NOW - w.dateBegin).be.aboveOrEqual(12 * H);
    should(w.dateBegin % (H / 2)).equal(0);
    should(recentWindow('1month', NOW, 'UTC').dateBegin).equal(Date.UTC(2025, 3, 1));
    should(NOW - recentWindow('1day', NOW, 'UTC').dateBegin).be.aboveOrEqual(3 * D);
  });
});

describe('planRequests', () => {
  it('plans one aligned page in epoch seconds for a short range', () => {
    const pages = planRequests(query(), NOW);
    should(pages).eql([{ dateBegin: alignDown(NOW - 6 * H, '30min') / 1000, dateEnd: alignUp(NOW, '30min') / 1000 }]);
  });

  it('pages a long range by at most 1024 buckets, contiguous and aligned', () => {
    const begin = NOW - 60 * D;
    const pages = planRequests(query({ dateBegin: begin, dateEnd: NOW - D }), NOW);
    const buckets = (alignUp(NOW - D, '30min') - alignDown(begin, '30min')) / (H / 2);
    should(pages).length(Math.ceil(buckets / MAX_ROWS));
    pages.forEach((p, i) => {
      should((p.dateEnd - p.dateBegin) / 1800).be.belowOrEqual(MAX_ROWS);
      should(p.dateBegin % 1800).equal(0);
      if (i > 0) should(p.dateBegin).equal(pages[i - 1].dateEnd);
    });
    should(pages[0].dateBegin).equal(alignDown(begin, '30min') / 1000);
    should(pages[pages.length - 1].dateEnd).equal(alignUp(NOW - D, '30min') / 1000);
  });

  it('pages exactly 1024 buckets as one page, 1025 as two', () => {
    const begin = alignDown(NOW - 60 * D, '1hour');
    should(planRequests(query({ scale: '1hour', dateBegin: begin, dateEnd: begin + 1024 * H }), NOW)).length(1);
    should(planRequests(query({ scale: '1hour', dateBegin: begin, dateEnd: begin + 1025 * H }), NOW)).length(2);
  });

  it('clamps the end to now and plans months', () => {
    const pages = planRequests(query({ scale: '1month', dateBegin: Date.UTC(2020, 6, 9), dateEnd: NOW + 100 * D, timeZone: 'UTC' }), NOW);
    should(pages).eql([{ dateBegin: Date.UTC(2020, 6, 1) / 1000, dateEnd: Date.UTC(2025, 5, 1) / 1000 }]);
  });

  it('refuses bad input before any request', () => {
    expectBadInput(() => planRequests(query({ scale: '5min' as never }), NOW), /Unknown scale "5min"/);
    expectBadInput(() => planRequests(query({ types: [] }), NOW), /No measure type/);
    expectBadInput(() => planRequests(query({ types: ['temperature'] }), NOW), /Unknown measure type "temperature"/);
    expectBadInput(() => planRequests(query({ types: ['sum_energy_elec', 'sum_energy_elec'] }), NOW), /twice/);
    expectBadInput(() => planRequests(query({ moduleId: 'aa:bb' }), NOW), /not the id of an ecocounter line/);
    expectBadInput(() => planRequests(query({ moduleId: 'aa:bb#9' }), NOW), /not the id of an ecocounter line/);
    expectBadInput(() => planRequests(query({ deviceId: 'cc:dd' }), NOW), /device id does not match/);
    expectBadInput(() => planRequests(query({ dateBegin: NaN }), NOW), /start date is not a valid date/);
    expectBadInput(() => planRequests(query({ dateEnd: Infinity }), NOW), /end date is not a valid date/);
    expectBadInput(() => planRequests(query({ dateBegin: NOW - H, dateEnd: NOW - 2 * H }), NOW), /not before the end/);
    expectBadInput(() => planRequests(query({ dateBegin: NOW + H }), NOW), /in the future/);
  });
});
