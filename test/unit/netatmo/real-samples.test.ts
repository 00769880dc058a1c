// The parsers against real Netatmo answers (ids anonymised) kept beside the project in
// ../shared/netatmo-samples: read from there, never copied into the project. Where that folder
// is absent (a copy of the package on its own) the test says so and is skipped.
import fs from 'fs';
import path from 'path';
import should from 'should';
import { decodeMeasure } from '../../../src/netatmo/measure-decode';
import { discover, parseHomesData } from '../../../src/netatmo/discovery';

const SAMPLES = path.resolve(__dirname, '..', '..', '..', '..', '..', 'shared', 'netatmo-samples');
const sample = (name: string): unknown => JSON.parse(fs.readFileSync(path.join(SAMPLES, name), 'utf8'));
const TYPES = ['sum_energy_elec', 'sum_energy_elec$0', 'sum_energy_elec$1', 'sum_energy_elec$2'];

describe('real Netatmo answers (../shared/netatmo-samples)', function () {
  before(function () {
    if (!fs.existsSync(SAMPLES)) this.skip();
  });

  it('homesdata: exactly the nine NLE lines with a bridge, in index order, not the double switch', function () {
    const lines = parseHomesData(sample('homesdata-nle.json'));
    const eco = '12:34:56:00:16:0e';
    should(lines.map((l) => l.moduleId)).eql([...Array(9).keys()].map((i) => `${eco}#${i}`));
    should(lines.every((l) => l.deviceId === eco)).be.true();
    should(lines.map((l) => l.role)).eql(['circuit', 'circuit', 'circuit', 'circuit', 'circuit', 'total', 'gas', 'hot_water', 'cold_water']);
    should(lines.some((l) => l.moduleId.includes('b6#'))).be.false();
    should(lines[0].roomName).eql('Cabinet');
  });

  it('getmeasure, four types at 30 min: buckets start at t - 15 min, totals from the tariff columns', function () {
    const answer = sample('getmeasure-4types-30min.json') as { body: Array<{ beg_time: number; step_time: number; value: Array<Array<number | null>> }> };
    const buckets = decodeMeasure(answer, TYPES, '30min');
    const rows = answer.body.flatMap((s) => s.value.map((row, i) => ({ t: (s.beg_time + i * s.step_time) * 1000, row })));
    should(buckets.length).eql(rows.length);
    buckets.forEach((b, i) => {
      should(b.start).eql(rows[i].t - 900_000);
      should(b.end).eql(rows[i].t + 900_000);
      should(Object.values(b.values)).eql(rows[i].row);
      const [plain, ...tariffs] = rows[i].row;
      const parts = tariffs.filter((v): v is number => v !== null);
      should(b.total).eql(plain !== null ? plain : parts.length > 0 ? parts.reduce((a, v) => a + v, 0) : null);
    });
    // The bucket where the peak tariff begins holds two tariff columns: its total is their sum.
    should(buckets.some((b) => b.values['sum_energy_elec$0'] !== null && b.values['sum_energy_elec$1'] !== null)).be.true();
  });

  it('homesdata, every meter: the NLPC on its gateway, the plugs and switches, the double switch by its outputs, no unknown type', function () {
    const { lines, unknownTypes } = discover(sample('homesdata-nle.json'));
    const gateway = '12:34:56:80:60:40';
    const others = lines.filter((l) => l.model !== 'NLE');
    should(lines.slice(0, 9).every((l) => l.model === 'NLE')).be.true();
    should(others[0]).match({ model: 'NLPC', moduleId: '12:34:56:00:00:a1:4c:da', deviceId: gateway, role: 'meter', index: null });
    should(others.every((l) => l.deviceId === gateway)).be.true();
    should(others.map((l) => l.model)).eql(['NLPC', 'NLP', 'NLPO', 'NLPT', 'NLPD', 'NLF', 'NLFN', 'NLIS', 'NLIS', 'NLL', 'NLLF']);
    should(others.filter((l) => l.model === 'NLIS').map((l) => l.index)).eql([1, 2]);
    should(unknownTypes).eql({});
  });

  it("getmeasure of the NLPC, read as its model's family: the totals come from the tariff columns", function () {
    const grid = ['sum_energy_buy_from_grid', 'sum_energy_buy_from_grid$0', 'sum_energy_buy_from_grid$1', 'sum_energy_buy_from_grid$2'];
    const buckets = decodeMeasure(sample('getmeasure-4types-30min.json'), grid, '30min', undefined, 'sum_energy_buy_from_grid');
    should(buckets.every((b) => b.values.sum_energy_buy_from_grid === null)).be.true();
    should(buckets.every((b) => typeof b.total === 'number')).be.true();
    should(buckets[17].total).equal(498 + 212);
  });

  it('getmeasure with optimize=false: one bucket per timestamp key', function () {
    const answer = sample('getmeasure-optimize-false.json') as { body: Record<string, number[]> };
    const buckets = decodeMeasure(answer, ['sum_energy_elec'], '30min');
    should(buckets.map((b) => b.start + 900_000)).eql(
      Object.keys(answer.body)
        .map((k) => Number(k) * 1000)
        .sort((a, b) => a - b),
    );
  });
});
