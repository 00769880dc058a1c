// The cost of a bucket: tariff columns × their prices; a plain value alone split across the
// timetable's zones by minutes, walked in the home's local week (clock changes included);
// null without a price.
import should from 'should';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseHomeTariffs } from '../../../src/netatmo/tariff';
import { bucketCost, timetableShares } from '../../../src/measure/pricing';
import { homePrices, type Prices } from '../../../src/account/prices';
import { fromWallClock, nextDay, startOfDay } from '../../../src/lib/local-calendar';
import type { HomeTariff } from '../../../src/contract/tariff';

const FIXTURE = join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'homesdata-tariffs.json');
const M = 60_000;
const H = 60 * M;
const PARIS = 'Europe/Paris';
const PEAK = 0.2146;
const OFF = 0.1696;

function tariff(homeId: string): HomeTariff {
  return parseHomeTariffs(JSON.parse(readFileSync(FIXTURE, 'utf8'))).get(homeId)!.tariff!;
}
const lyon = (): Prices => homePrices(tariff('5f0a1b2c3d4e5f6a7b8c9d01'), null, PARIS)!;
/** Paris wall time as epoch ms. */
const paris = (iso: string): number => fromWallClock(PARIS, Date.parse(`${iso}Z`));
const half = (iso: string, values: Record<string, number | null>) => ({ start: paris(iso), end: paris(iso) + 30 * M, values });
const close = (actual: number | null, expected: number): void => {
  should(actual).be.a.Number();
  should(Math.abs((actual as number) - expected)).be.below(1e-6);
};

describe('pricing: the cost of a bucket', function () {
  // 2026-12-01 is a Tuesday: peak 06:30–22:30, off-peak otherwise; weekends off-peak.
  it('a half-hour in the peak zone and one in the off-peak zone, plain value', function () {
    close(bucketCost(lyon(), half('2026-12-01T10:00:00', { sum_energy_elec: 400 })), 0.4 * PEAK);
    close(bucketCost(lyon(), half('2026-12-01T03:00:00', { sum_energy_elec: 400 })), 0.4 * OFF);
    close(bucketCost(lyon(), half('2026-12-05T10:00:00', { sum_energy_elec: 400 })), 0.4 * OFF); // Saturday
    close(bucketCost(lyon(), half('2026-12-06T23:30:00', { sum_energy_elec: 400 })), 0.4 * OFF); // Sunday night wraps to Monday 00:00
  });

  it('an hour across a zone change splits its plain value by minutes', function () {
    const hour = { start: paris('2026-12-01T22:00:00'), end: paris('2026-12-01T23:00:00'), values: { sum_energy_elec: 1000 } };
    close(bucketCost(lyon(), hour), 0.5 * PEAK + 0.5 * OFF);
    const twoHalves = [half('2026-12-01T22:00:00', { sum_energy_elec: 500 }), half('2026-12-01T22:30:00', { sum_energy_elec: 500 })];
    close(bucketCost(lyon(), twoHalves[0])! + bucketCost(lyon(), twoHalves[1])!, 0.5 * PEAK + 0.5 * OFF);
  });

  it('tariff columns are priced each at its type, for every consumption family', function () {
    for (const family of ['sum_energy_elec', 'sum_energy_buy_from_grid']) {
      const values = { [family]: null, [`${family}$0`]: null, [`${family}$1`]: 300, [`${family}$2`]: 100 };
      close(bucketCost(lyon(), { start: paris('2026-12-01T22:00:00'), end: paris('2026-12-01T23:00:00'), values }), 0.3 * PEAK + 0.1 * OFF);
    }
    // Columns win over the plain value, which is then their sum anyway.
    close(bucketCost(lyon(), half('2026-12-01T10:00:00', { sum_energy_elec: 400, sum_energy_elec$1: 400 })), 0.4 * PEAK);
  });

  it('production alone is never priced', function () {
    should(bucketCost(lyon(), half('2026-12-01T10:00:00', { sum_energy_resell_to_grid: 400 }))).be.null();
  });

  it('days of clock change (23 h and 25 h): the zones keep their local hours', function () {
    const start = startOfDay(PARIS, paris('2026-03-31T12:00:00')); // a Tuesday: no change
    const spring = startOfDay(PARIS, paris('2026-03-29T12:00:00')); // Sunday: all off-peak anyway
    should(nextDay(PARIS, spring) - spring).equal(23 * H);
    close(bucketCost(lyon(), { start: spring, end: nextDay(PARIS, spring), values: { sum_energy_elec: 2300 } }), 2.3 * OFF);
    // Paris changes on Sundays, off-peak all day in the fixture: a timetable with peak hours every day shows the split.
    const everyDay: Prices = { currency: 'EUR', columns: [null, PEAK, OFF], timeZone: PARIS, timetable: [] };
    for (let d = 0; d < 7; d++)
      everyDay.timetable.push(
        { minuteOfWeek: d * 1440, price: OFF },
        { minuteOfWeek: d * 1440 + 360, price: PEAK },
        { minuteOfWeek: d * 1440 + 1320, price: OFF },
      );
    const shares = timetableShares(everyDay, spring, nextDay(PARIS, spring));
    const byPrice = (price: number) => shares.filter(([i]) => everyDay.timetable[i].price === price).reduce((s, [, ms]) => s + ms, 0);
    should(byPrice(OFF)).equal(7 * H); // 00:00–06:00 lost its 02:00–03:00
    should(byPrice(PEAK)).equal(16 * H);
    close(bucketCost(everyDay, { start: spring, end: nextDay(PARIS, spring), values: { sum_energy_elec: 2300 } }), (2.3 * (7 * OFF + 16 * PEAK)) / 23);
    const autumn = startOfDay(PARIS, paris('2026-10-25T12:00:00'));
    const autumnShares = timetableShares(everyDay, autumn, nextDay(PARIS, autumn));
    should(autumnShares.filter(([i]) => everyDay.timetable[i].price === OFF).reduce((s, [, ms]) => s + ms, 0)).equal(9 * H);
    should(nextDay(PARIS, start) - start).equal(24 * H);
  });

  it("a day's cost from its columns equals the sum of its half-hours' costs", function () {
    const dayStart = paris('2026-12-01T00:00:00');
    let sum = 0;
    const day = { sum_energy_elec$1: 0, sum_energy_elec$2: 0 };
    for (let i = 0; i < 48; i++) {
      const start = dayStart + i * 30 * M;
      const m = (start - dayStart) / M;
      const peak = m >= 390 && m < 1350;
      const wh = 100 + (i % 7) * 30;
      const values = peak ? { sum_energy_elec$1: wh, sum_energy_elec$2: 0 } : { sum_energy_elec$1: 0, sum_energy_elec$2: wh };
      day.sum_energy_elec$1 += values.sum_energy_elec$1;
      day.sum_energy_elec$2 += values.sum_energy_elec$2;
      sum += bucketCost(lyon(), { start, end: start + 30 * M, values })!;
      // Same half-hour from the plain value alone: the same cost.
      close(bucketCost(lyon(), { start, end: start + 30 * M, values: { sum_energy_elec: wh } }), peak ? (wh / 1000) * PEAK : (wh / 1000) * OFF);
    }
    close(bucketCost(lyon(), { start: dayStart, end: dayStart + 24 * H, values: day }), sum);
  });

  it('null without a price, never a guess', function () {
    should(bucketCost(null, half('2026-12-01T10:00:00', { sum_energy_elec: 400 }))).be.null();
    // A basic tariff has no peak price: a peak column cannot be priced.
    const basic = homePrices(tariff('5f0a1b2c3d4e5f6a7b8c9d02'), null, 'Asia/Tokyo')!;
    should(bucketCost(basic, half('2026-12-01T10:00:00', { sum_energy_elec$1: 400 }))).be.null();
    close(bucketCost(basic, half('2026-12-01T10:00:00', { sum_energy_elec$0: 400 })), 0.4 * 29.8);
    should(bucketCost(lyon(), half('2026-12-01T10:00:00', { sum_energy_elec: null }))).be.null();
    should(bucketCost(lyon(), half('2026-12-01T10:00:00', { sum_energy_elec: 0 }))).equal(0);
  });

  it("own prices replace the cloud's on its timetable, or price everything at basic without one", function () {
    const own = { priceBasic: 0.25, pricePeak: 0.3, priceOffPeak: 0.15, currency: 'CHF' };
    const mine = homePrices(tariff('5f0a1b2c3d4e5f6a7b8c9d01'), own, PARIS)!;
    should(mine.currency).equal('CHF');
    close(bucketCost(mine, half('2026-12-01T10:00:00', { sum_energy_elec: 1000 })), 0.3);
    close(bucketCost(mine, half('2026-12-01T03:00:00', { sum_energy_elec: 1000 })), 0.15);
    const noTimetable = homePrices(null, { ...own, currency: null }, PARIS)!;
    should(noTimetable.currency).be.null();
    close(bucketCost(noTimetable, half('2026-12-01T10:00:00', { sum_energy_elec: 1000 })), 0.25);
    should(homePrices(null, { priceBasic: null, pricePeak: null, priceOffPeak: null, currency: 'EUR' }, PARIS)).be.null();
  });
});
