// The home's tariff read from /api/homesdata at the edge: a good schedule becomes zones and a
// weekly timetable, the currency comes from the country; a bad one gives no tariff and one
// problem that says why, and never refuses the lines.
import should from 'should';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseHomeTariffs, currencyOfCountry } from '../../../src/netatmo/tariff';
import { parseHomesData } from '../../../src/netatmo/discovery';

const FIXTURE = join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'homesdata-tariffs.json');

function answer(): { body: { homes: Array<Record<string, unknown>> } } {
  return JSON.parse(readFileSync(FIXTURE, 'utf8')) as { body: { homes: Array<Record<string, unknown>> } };
}

/** The first home with its electricity schedule changed by `edit`. */
function withSchedule(edit: (schedule: Record<string, unknown>) => void): unknown {
  const a = answer();
  const schedules = a.body.homes[0].schedules as Array<Record<string, unknown>>;
  edit(schedules[0]);
  return a;
}

const LYON = '5f0a1b2c3d4e5f6a7b8c9d01';

describe('tariff: parsing the electricity schedule', function () {
  it('reads zones, the timetable in minutes of the week, the tariff and the currency of the country', function () {
    const readings = parseHomeTariffs(answer());
    const lyon = readings.get(LYON)!;
    should(lyon.problem).be.null();
    should(lyon.tariff!.zones).eql([
      { id: 2, price: 0.2146, priceType: 'peak' },
      { id: 3, price: 0.1696, priceType: 'off_peak' },
    ]);
    should(lyon.tariff!.timetable).have.length(11);
    should(lyon.tariff!.timetable[1]).eql({ zoneId: 2, minuteOfWeek: 390 });
    should(lyon.tariff!.tariff).equal('edf_tarif_bleu');
    should(lyon.tariff!.tariffOption).equal('peak_and_off_peak');
    should(lyon.tariff!.currency).equal('EUR');
    should(readings.get('5f0a1b2c3d4e5f6a7b8c9d02')!.tariff!.currency).equal('JPY');
  });

  it('a home without an electricity schedule has no tariff and no problem', function () {
    should(parseHomeTariffs(answer()).get('5f0a1b2c3d4e5f6a7b8c9d04')).eql({ homeId: '5f0a1b2c3d4e5f6a7b8c9d04', tariff: null, problem: null });
  });

  it('an unknown price type: no tariff, the problem names it, and the lines are still read', function () {
    const a = answer();
    should(parseHomeTariffs(a).get('5f0a1b2c3d4e5f6a7b8c9d03')).eql({
      homeId: '5f0a1b2c3d4e5f6a7b8c9d03',
      tariff: null,
      problem: { code: 'unknown_price_type', detail: '"tempo_red"' },
    });
    should(parseHomesData(a).map((l) => l.homeId)).eql([]); // no NLE line with a bridge in the fixture: nothing thrown
  });

  const bad: Array<[string, (s: Record<string, unknown>) => void, string]> = [
    ['a negative price', (s) => ((s.zones as Array<Record<string, unknown>>)[0].price = -0.2), 'bad_price'],
    ['a price that is text', (s) => ((s.zones as Array<Record<string, unknown>>)[0].price = '0.21'), 'bad_price'],
    ['an offset past the week', (s) => ((s.timetable as Array<Record<string, unknown>>)[2].m_offset = 10080), 'bad_offset'],
    ['a negative offset', (s) => ((s.timetable as Array<Record<string, unknown>>)[2].m_offset = -30), 'bad_offset'],
    ['an entry pointing to a missing zone', (s) => ((s.timetable as Array<Record<string, unknown>>)[2].zone_id = 7), 'missing_zone'],
    ['no zones', (s) => (s.zones = []), 'bad_schedule'],
  ];
  for (const [what, edit, code] of bad) {
    it(`${what}: no tariff, problem ${code}`, function () {
      const lyon = parseHomeTariffs(withSchedule(edit)).get(LYON)!;
      should(lyon.tariff).be.null();
      should(lyon.problem!.code).equal(code);
    });
  }

  it('two selected electricity schedules: no tariff, problem two_schedules', function () {
    const a = answer();
    const schedules = a.body.homes[0].schedules as Array<Record<string, unknown>>;
    schedules.push({ ...schedules[0], id: 'another' });
    should(parseHomeTariffs(a).get(LYON)!.problem).eql({ code: 'two_schedules', detail: '2' });
  });

  it('an electricity schedule that is not selected is not the tariff', function () {
    const lyon = parseHomeTariffs(withSchedule((s) => (s.selected = false))).get(LYON)!;
    should(lyon).eql({ homeId: LYON, tariff: null, problem: null });
  });

  it('knows the currencies of the countries Netatmo sells in, and none of the others', function () {
    should(currencyOfCountry('FR')).equal('EUR');
    should(currencyOfCountry('gb')).equal('GBP');
    should(currencyOfCountry('CH')).equal('CHF');
    should(currencyOfCountry('ZZ')).be.null();
    should(currencyOfCountry(undefined)).be.null();
  });

  it('a broken answer gives no tariffs rather than throwing', function () {
    should(parseHomeTariffs(null).size).equal(0);
    should(parseHomeTariffs({ body: { homes: 'x' } }).size).equal(0);
  });
});
