// The parsers against answers in the shapes Netatmo really gives (test/fixtures/netatmo, our own
// data written in the shapes of recorded answers): a home with many device kinds and a double
// switch whose ids also end in #N, lines listed out of index order, four types in one getmeasure
// with the tariff switching over, stamps at bucket middles, nulls and a gap between two series,
// and an optimize=false answer keyed by irregular stamps.
import fs from 'fs';
import path from 'path';
import should from 'should';
import { decodeMeasure } from '../../../src/netatmo/measure-decode';
import { parseHomesData } from '../../../src/netatmo/discovery';

// Run from dist/test/unit/netatmo: the fixtures stay in the source tree.
const SAMPLES = path.resolve(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'netatmo');
const sample = (name: string): unknown => JSON.parse(fs.readFileSync(path.join(SAMPLES, name), 'utf8'));
const TYPES = ['sum_energy_elec', 'sum_energy_elec$0', 'sum_energy_elec$1', 'sum_energy_elec$2'];

describe('Netatmo answers in their real shapes (test/fixtures/netatmo)', function () {
  it('homesdata: exactly the nine NLE lines with a bridge, in index order, not the double switch', function () {
    const lines = parseHomesData(sample('homesdata-nle.json'));
    const eco = '70:ee:50:3c:9a:21';
    should(lines.map((l) => l.moduleId)).eql([...Array(9).keys()].map((i) => `${eco}#${i}`));
    should(lines.every((l) => l.deviceId === eco && l.homeId === '64f1c2a9e8b07d3a5c1b2e90' && l.homeName === 'Maison')).be.true();
    should(lines.every((l) => l.timezone === 'Europe/Paris')).be.true();
    should(lines.map((l) => l.role)).eql(['circuit', 'circuit', 'circuit', 'circuit', 'circuit', 'total', 'gas', 'hot_water', 'cold_water']);
    should(lines.some((l) => l.moduleId.includes('c4#'))).be.false();
    should(lines.map((l) => l.name)).eql([
      'Plaques de cuisson',
      'Lave-linge',
      'Chauffe-eau',
      'Prises bureau',
      'Éclairage',
      'Total',
      'Gaz',
      'Eau chaude',
      'Eau froide',
    ]);
    should(lines[0].roomName).eql('Garage');
    should(lines[1].roomName).eql('Buanderie');
    should(lines[6]).match({ roomId: null, roomName: null }); // a line in no room
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
    // A bucket the meter did not report has no total; the gap between the two series stays a gap.
    should(buckets.some((b) => b.total === null)).be.true();
    const starts = buckets.map((b) => b.start);
    should(starts.slice(1).some((s, i) => s - starts[i] > 1_800_000)).be.true();
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
