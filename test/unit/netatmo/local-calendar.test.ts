// The home's calendar, checked on the days that matter: both clock changes of Paris, a month
// end, New York's changes (other dates), Tokyo (no change, another offset), and Santiago, where
// the spring change skips midnight itself.
import should from 'should';
import {
  fromWallClock,
  isTimeZone,
  localDateText,
  nextDay,
  nextMonth,
  nextWeek,
  offsetMs,
  offsetText,
  startOfDay,
  startOfMonth,
  startOfWeek,
  systemTimeZone,
} from '../../../src/lib/local-calendar';

const H = 3_600_000;
const PARIS = 'Europe/Paris';
const utc = (y: number, m: number, d: number, h = 0, min = 0): number => Date.UTC(y, m - 1, d, h, min);

describe('local calendar', () => {
  it('knows the offsets of Paris in winter and summer, and Tokyo all year', () => {
    should(offsetMs(PARIS, utc(2026, 1, 15, 12))).equal(1 * H);
    should(offsetMs(PARIS, utc(2026, 7, 15, 12))).equal(2 * H);
    should(offsetMs('Asia/Tokyo', utc(2026, 1, 15))).equal(9 * H);
    should(offsetMs('Asia/Tokyo', utc(2026, 7, 15))).equal(9 * H);
    should(offsetMs('America/New_York', utc(2026, 1, 15))).equal(-5 * H);
    should(offsetText(PARIS, utc(2026, 7, 15))).equal('+02:00');
    should(offsetText('America/New_York', utc(2026, 1, 15))).equal('-05:00');
    should(offsetText('Asia/Kolkata', utc(2026, 1, 15))).equal('+05:30');
  });

  it('Paris, last Sunday of March: a 23-hour day from 23:00 UTC to 22:00 UTC', () => {
    for (const t of [utc(2026, 3, 28, 23), utc(2026, 3, 29, 0, 59), utc(2026, 3, 29, 1), utc(2026, 3, 29, 21, 59)]) {
      should(startOfDay(PARIS, t)).equal(utc(2026, 3, 28, 23));
      should(nextDay(PARIS, t)).equal(utc(2026, 3, 29, 22));
    }
    should(nextDay(PARIS, utc(2026, 3, 29, 22)) - utc(2026, 3, 29, 22)).equal(24 * H);
    should(startOfDay(PARIS, utc(2026, 3, 28, 22, 59))).equal(utc(2026, 3, 27, 23));
  });

  it('Paris, last Sunday of October: a 25-hour day from 22:00 UTC to 23:00 UTC', () => {
    for (const t of [utc(2026, 10, 24, 22), utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 1, 30), utc(2026, 10, 25, 22, 59)]) {
      should(startOfDay(PARIS, t)).equal(utc(2026, 10, 24, 22));
      should(nextDay(PARIS, t)).equal(utc(2026, 10, 25, 23));
    }
    should(localDateText(PARIS, utc(2026, 10, 25, 22, 59))).equal('2026-10-25');
    should(localDateText(PARIS, utc(2026, 10, 25, 23))).equal('2026-10-26');
  });

  it('weeks run from Monday 00:00 local: 167 h and 169 h around the changes', () => {
    const sunday = utc(2026, 3, 29, 12);
    should(startOfWeek(PARIS, sunday)).equal(utc(2026, 3, 22, 23));
    should(nextWeek(PARIS, sunday)).equal(utc(2026, 3, 29, 22));
    should(nextWeek(PARIS, sunday) - startOfWeek(PARIS, sunday)).equal(167 * H);
    const october = utc(2026, 10, 21, 12);
    should(nextWeek(PARIS, october) - startOfWeek(PARIS, october)).equal(169 * H);
    // Monday 00:30 local is in the new week; Sunday 23:30 local in the old one.
    should(startOfWeek(PARIS, utc(2026, 3, 29, 22, 30))).equal(utc(2026, 3, 29, 22));
    should(startOfWeek(PARIS, utc(2026, 3, 29, 21, 30))).equal(utc(2026, 3, 22, 23));
    should(new Date(startOfWeek(PARIS, sunday) + 2 * H).getUTCDay()).equal(1);
  });

  it('months are calendar months from the 1st 00:00 local, across a month end and a change', () => {
    should(startOfMonth(PARIS, utc(2026, 3, 31, 21, 59))).equal(utc(2026, 2, 28, 23));
    should(startOfMonth(PARIS, utc(2026, 3, 31, 22))).equal(utc(2026, 3, 31, 22)); // 1 April 00:00 CEST
    should(nextMonth(PARIS, utc(2026, 3, 15))).equal(utc(2026, 3, 31, 22));
    should(nextMonth(PARIS, utc(2026, 3, 15)) - startOfMonth(PARIS, utc(2026, 3, 15))).equal(31 * 24 * H - H);
    should(nextMonth(PARIS, utc(2026, 10, 15)) - startOfMonth(PARIS, utc(2026, 10, 15))).equal(31 * 24 * H + H);
    should(startOfMonth(PARIS, utc(2026, 10, 31, 23))).equal(utc(2026, 10, 31, 23)); // 1 November 00:00 CET
    should(nextMonth(PARIS, utc(2026, 12, 15))).equal(utc(2026, 12, 31, 23)); // a year end
    should(startOfMonth(PARIS, utc(2028, 2, 29, 12))).equal(utc(2028, 1, 31, 23)); // a leap day
    should(nextMonth(PARIS, utc(2028, 2, 29, 12))).equal(utc(2028, 2, 29, 23));
  });

  it('New York changes on other dates (second Sunday of March, first of November)', () => {
    const NY = 'America/New_York';
    should(nextDay(NY, utc(2026, 3, 8, 12)) - startOfDay(NY, utc(2026, 3, 8, 12))).equal(23 * H);
    should(startOfDay(NY, utc(2026, 3, 8, 12))).equal(utc(2026, 3, 8, 5));
    should(nextDay(NY, utc(2026, 11, 1, 12)) - startOfDay(NY, utc(2026, 11, 1, 12))).equal(25 * H);
    // Paris has not changed yet on New York's day.
    should(nextDay(PARIS, utc(2026, 3, 8, 12)) - startOfDay(PARIS, utc(2026, 3, 8, 12))).equal(24 * H);
  });

  it('Tokyo: every day 24 h from 15:00 UTC', () => {
    let t = startOfDay('Asia/Tokyo', utc(2026, 3, 29, 12));
    should(t).equal(utc(2026, 3, 28, 15));
    for (let i = 0; i < 400; i++) {
      const next = nextDay('Asia/Tokyo', t);
      should(next - t).equal(24 * H);
      t = next;
    }
  });

  it('a day whose midnight is skipped starts at the change (Santiago, September 2024)', () => {
    const S = 'America/Santiago';
    should(startOfDay(S, utc(2024, 9, 8, 16))).equal(utc(2024, 9, 8, 4)); // 01:00 -03
    should(nextDay(S, utc(2024, 9, 7, 16))).equal(utc(2024, 9, 8, 4));
    should(nextDay(S, utc(2024, 9, 8, 16)) - startOfDay(S, utc(2024, 9, 8, 16))).equal(23 * H);
    should(startOfDay(S, utc(2024, 9, 8, 3, 59))).equal(utc(2024, 9, 7, 4));
  });

  it('a wall-clock time that happens twice is its first instant; a skipped one is the change', () => {
    should(fromWallClock(PARIS, utc(2026, 10, 25, 2, 30))).equal(utc(2026, 10, 25, 0, 30));
    should(fromWallClock(PARIS, utc(2026, 3, 29, 2, 30))).equal(utc(2026, 3, 29, 1, 30));
    should(fromWallClock(PARIS, utc(2026, 3, 29, 2))).equal(utc(2026, 3, 29, 1));
    should(fromWallClock('UTC', utc(2026, 3, 29, 2))).equal(utc(2026, 3, 29, 2));
  });

  it('walks two years of Paris days: 365 + 366 days, two 23 h and two 25 h days a year', () => {
    const lengths = new Map<number, number>();
    let t = startOfDay(PARIS, utc(2027, 1, 1, 12));
    const end = startOfDay(PARIS, utc(2029, 1, 1, 12));
    let days = 0;
    while (t < end) {
      const next = nextDay(PARIS, t);
      lengths.set(next - t, (lengths.get(next - t) ?? 0) + 1);
      should(startOfDay(PARIS, next - 1)).equal(t);
      should(startOfDay(PARIS, t + 12 * H)).equal(t);
      t = next;
      days += 1;
    }
    should(days).equal(365 + 366);
    should(lengths.get(23 * H)).equal(2);
    should(lengths.get(25 * H)).equal(2);
    should(lengths.get(24 * H)).equal(days - 4);
  });

  it('tells known zones from unknown ones, and gives the process zone as the fallback', () => {
    should(isTimeZone('Europe/Paris')).be.true();
    should(isTimeZone('UTC')).be.true();
    should(isTimeZone('Mars/Olympus_Mons')).be.false();
    should(isTimeZone('')).be.false();
    should(isTimeZone(42)).be.false();
    should(isTimeZone(null)).be.false();
    should(isTimeZone('x'.repeat(200))).be.false();
    should(isTimeZone(systemTimeZone())).be.true();
    should(systemTimeZone()).equal(new Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC');
  });
});
