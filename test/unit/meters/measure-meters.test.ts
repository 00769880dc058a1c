// Reading a meter other than the ecocounter: the answer decoded (stamps off the step, gaps,
// mostly-null tariff columns), the total of the module's family, the request's device and
// module, the input checked against the account's lines, and the export's ids.
import should from 'should';
import { bucketTotal, decodeMeasure } from '../../../src/netatmo/measure-decode';
import { measureParams } from '../../../src/netatmo/measures';
import { planRequests } from '../../../src/netatmo/measure-plan';
import { isNetatmoError } from '../../../src/netatmo/errors';
import { discover } from '../../../src/netatmo/discovery';
import { planRead, planResolved, resolveRead, type MeasureSettings } from '../../../src/measure/input';
import { parseMeasurePayload } from '../../../src/export/measure-message';
import { statisticIdFor } from '../../../src/export/ha-statistics';
import { MEASURE_TYPES } from '../../../src/contract/measure-types';
import { fixture, GATEWAY, GRID, NLPC, NLY } from './fixtures';

const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.UTC(2024, 11, 2, 23);
const NOW = Date.UTC(2024, 11, 3, 6);

describe('decoding an NLPC answer (test/fixtures/netatmo/getmeasure-nlpc-*.json)', function () {
  it('30min: buckets start 15 min before their stamp; the total sums the tariff columns; gaps stay gaps', function () {
    const buckets = decodeMeasure(fixture('getmeasure-nlpc-30min.json'), GRID, '30min', undefined, 'sum_energy_buy_from_grid');
    should(buckets.map((b) => (b.start - T0) / MIN)).eql([0, 30, 60, 90, 120, 150, 240, 270, 300]);
    should(buckets.every((b) => b.end - b.start === 30 * MIN)).be.true();
    should(buckets.map((b) => b.total)).eql([31, 28, null, 27, 232, 233, 118, 121, 121]);
    should(buckets[4].values).eql({
      sum_energy_buy_from_grid: null,
      sum_energy_buy_from_grid$0: 190,
      sum_energy_buy_from_grid$1: 42,
      sum_energy_buy_from_grid$2: null,
    });
  });

  it('1hour: stamps at :30, a row without values has no total, a plain value wins', function () {
    const buckets = decodeMeasure(fixture('getmeasure-nlpc-1hour.json'), GRID, '1hour');
    should(buckets.map((b) => (b.start - T0) / HOUR)).eql([0, 1, 2, 5, 6, 7]);
    should(buckets.map((b) => b.total)).eql([59, 27, 274, null, 305, 239]);
  });

  it("the family is inferred from the types when the caller does not say, and the ecocounter's stays its own", function () {
    const inferred = decodeMeasure(fixture('getmeasure-nlpc-30min.json'), GRID, '30min');
    should(inferred.map((b) => b.total)).eql([31, 28, null, 27, 232, 233, 118, 121, 121]);
    // Read as if it were the ecocounter's family: none of these columns counts.
    should(decodeMeasure(fixture('getmeasure-nlpc-30min.json'), GRID, '30min', undefined, 'sum_energy_elec').every((b) => b.total === null)).be.true();
  });

  it('the total counts only the consumption family: never production, prices, or the other family', function () {
    const values = {
      sum_energy_buy_from_grid: null,
      sum_energy_buy_from_grid$0: 10,
      sum_energy_buy_from_grid$2: 5,
      sum_energy_self_consumption: 400,
      sum_energy_resell_to_grid$0: 300,
      sum_energy_price: 2,
      sum_energy_elec: 999,
    };
    should(bucketTotal(values, 'sum_energy_buy_from_grid')).equal(15);
    should(bucketTotal({ ...values, sum_energy_buy_from_grid: 16 }, 'sum_energy_buy_from_grid')).equal(16);
    should(bucketTotal({ sum_energy_self_consumption: 400, sum_energy_price: 3 }, 'sum_energy_buy_from_grid')).be.null();
    should(bucketTotal(values, 'sum_energy_elec')).equal(999);
  });
});

describe('the request for a meter', function () {
  it('asks the gateway as device_id and the module as module_id, every type in one request', function () {
    const query = { deviceId: GATEWAY, moduleId: NLPC, types: GRID, scale: '30min' as const, dateBegin: T0, dateEnd: T0 + 6 * HOUR };
    const pages = planRequests(query, NOW);
    should(pages).have.length(1);
    should(measureParams(query, pages[0])).match({ device_id: GATEWAY, module_id: NLPC, type: GRID.join(','), date_begin: String(T0 / 1000) });
    // A phase of the three-phase meter too.
    should(planRequests({ ...query, moduleId: `${NLY}#3` }, NOW)).have.length(1);
  });

  it('refuses an id that is no line or module, and a device that is no device, before any request', function () {
    const refused = (moduleId: string, deviceId = GATEWAY): boolean => {
      try {
        planRequests({ deviceId, moduleId, types: GRID, scale: '30min', dateBegin: T0 }, NOW);
        return false;
      } catch (e) {
        return isNetatmoError(e, 'bad_input');
      }
    };
    for (const moduleId of ['70:ee:50:00:00:5e:7b', '70:ee:50:00:00:5e:7b:10#9', '70:ee:50:3c:11:02', 'nlpc']) should(refused(moduleId)).be.true(moduleId);
    should(refused(NLPC, 'gw')).be.true();
    should(refused(NLPC)).be.false();
  });
});

describe('measure input for a meter (planRead, then the account record)', function () {
  const lines = discover(fixture('homesdata-meters.json')).lines;
  const lineOf = (id: string) => lines.find((l) => l.moduleId === id) ?? null;
  const config = (moduleId: string, extra: MeasureSettings = {}): MeasureSettings => ({ moduleId, deviceId: '', types: '', scale: '30min', ...extra });

  it("an NLPC: the gateway from the account's lines, the buy_from_grid family by default", function () {
    const r = planResolved(config(NLPC), {}, NOW, lineOf(NLPC));
    should(r).eql({ ok: true, value: { moduleId: NLPC, deviceId: GATEWAY, types: GRID, scale: '30min', consumption: 'sum_energy_buy_from_grid' } });
  });

  it('an NLY phase and an ecocounter line, each with its own default', function () {
    const phase = planResolved(config(`${NLY}#2`), {}, NOW, lineOf(`${NLY}#2`));
    should(phase.ok && phase.value).match({ deviceId: GATEWAY, types: GRID, consumption: 'sum_energy_buy_from_grid' });
    const eco = lines[5];
    const line = planResolved(config(eco.moduleId), {}, NOW, eco);
    should(line.ok && line.value).match({ deviceId: eco.deviceId, types: ['sum_energy_elec', 'sum_energy_elec$0', 'sum_energy_elec$1', 'sum_energy_elec$2'] });
  });

  it('every known family is accepted, in any mix; an unknown family is refused whole', function () {
    const all = planResolved(config(NLPC, { types: MEASURE_TYPES.join(',') }), {}, NOW, lineOf(NLPC));
    should(all.ok && all.value.types).eql([...MEASURE_TYPES]);
    const mixed = planRead(config(NLPC), { types: ['sum_energy_buy_from_grid', 'sum_energy_self_consumption$1', 'sum_fluid_consumption$0'] }, NOW);
    should(mixed).match({ ok: false, problem: { key: 'badType' } });
    should(planRead(config(NLPC), { types: 'sum_energy_resell_to_grid$3' }, NOW)).match({ ok: false, problem: { key: 'badType' } });
  });

  it('a device that is not the module’s gateway is refused; one that is, in any case, is taken', function () {
    should(planResolved(config(NLPC, { deviceId: '70:ee:50:3c:11:03' }), {}, NOW, lineOf(NLPC))).match({ ok: false, problem: { key: 'badDevice' } });
    should(planResolved(config(NLPC, { deviceId: GATEWAY.toUpperCase() }), {}, NOW, lineOf(NLPC))).match({ ok: true, value: { deviceId: GATEWAY } });
  });

  it('a module the account does not list: read with the device given, else one clear problem', function () {
    const stranger = '70:ee:50:00:00:00:00:01';
    should(planResolved(config(stranger), {}, NOW, null)).match({ ok: false, problem: { key: 'unknownModule' } });
    should(planResolved(config(stranger), { deviceId: GATEWAY }, NOW, null)).match({
      ok: true,
      value: { deviceId: GATEWAY, types: GRID, consumption: 'sum_energy_buy_from_grid' },
    });
  });

  it('a six-pair #N id the account lists under a gateway is read from that gateway, not from its prefix', function () {
    const planned = planRead(config('70:ee:50:00:7d:e4#1'), {}, NOW);
    should(planned.ok).be.true();
    if (!planned.ok) return;
    const phase = { ...lines.find((l) => l.model === 'NLY')!, moduleId: '70:ee:50:00:7d:e4#1' };
    should(resolveRead(planned.value, phase)).match({ ok: true, value: { deviceId: GATEWAY, consumption: 'sum_energy_buy_from_grid' } });
    // Unknown to the account, the same id is an ecocounter line, as it always was.
    should(resolveRead(planned.value, null)).match({ ok: true, value: { deviceId: '70:ee:50:00:7d:e4', consumption: 'sum_energy_elec' } });
  });
});

describe('the export of a meter', function () {
  const payload = (moduleId: string, deviceId: string) => ({
    moduleId,
    deviceId,
    name: 'Compteur général',
    timezone: 'Europe/Paris',
    scale: '30min',
    unit: 'Wh',
    types: GRID,
    points: [{ start: T0, end: T0 + 30 * MIN, values: { sum_energy_buy_from_grid$0: 31 }, total: 31 }],
    revised: [],
  });

  it("takes a meter's payload (its gateway as device) and refuses a device that is no device", function () {
    should(parseMeasurePayload(payload(NLPC, GATEWAY))).match({ moduleId: NLPC, deviceId: GATEWAY });
    should(parseMeasurePayload(payload(`${NLY}#1`, GATEWAY))).match({ moduleId: `${NLY}#1` });
    should.throws(() => parseMeasurePayload(payload(NLPC, 'the gateway')));
    should.throws(() => parseMeasurePayload(payload('70:ee:50:3c:11:02', GATEWAY)));
  });

  it('gives a meter a statistic id from its own id, and keeps the ecocounter lines’ as they were', function () {
    should(statisticIdFor('econetatmo', NLPC, '')).equal('econetatmo:70ee5000005e7b10');
    should(statisticIdFor('econetatmo', `${NLY}#3`, '')).equal('econetatmo:70ee5000007de420_3');
    should(statisticIdFor('econetatmo', '70:ee:50:61:0a:4e#5', '')).equal('econetatmo:70ee50610a4e_5');
  });
});
