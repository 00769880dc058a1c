// The export's pure parts: the edge check of measure messages, the hour ledger's sums, Home
// Assistant's commands and baseline, InfluxDB points and the dashboard chart.
import should from 'should';
import { parseMeasurePayload } from '../../src/export/measure-message';
import { HourLedger } from '../../src/export/hour-ledger';
import { HaLedgers } from '../../src/export/ha-ledgers';
import { LedgerRegistry, type LedgerClaims } from '../../src/export/ledger-registry';
import { memoryLedgerStore } from '../../src/export/ledger-store';
import { VALID_STATISTIC_ID, hourIso, importCommands, metadataFor, statisticIdFor, sumBefore } from '../../src/export/ha-statistics';
import { influxPoints } from '../../src/export/influx-points';
import { DashboardChart } from '../../src/export/dashboard-chart';
import { ExportProblem, HALF_HOUR, HOUR } from '../../src/export/types';
import { problemKey } from './export/problem-key';
import { OVEN_MODULE as MODULE, half, ovenPayload } from './export/oven-payload';

const H0 = Date.UTC(2025, 2, 12, 0);

/** A hold on the ledgers of a registry of its own: nothing else competes for them. */
function claims(): LedgerClaims {
  return new LedgerRegistry().claimsFor('/ledgers', 'n1');
}

describe('export: measure message edge', function () {
  it('takes what the measure node sends', function () {
    const p = parseMeasurePayload(ovenPayload([half(H0, 10), half(H0 + HALF_HOUR, 20)]));
    should(p.points).have.length(2);
    should(p.name).equal('Oven');
  });
  it('refuses what is not measure output, markup in names, unordered or negative buckets', function () {
    should(problemKey(() => parseMeasurePayload('hello'))).equal('notMeasure');
    should(problemKey(() => parseMeasurePayload({ ...ovenPayload([]), moduleId: 'x' }))).equal('notMeasure');
    should(problemKey(() => parseMeasurePayload({ ...ovenPayload([]), unit: 'kWh' }))).equal('notMeasure');
    should(problemKey(() => parseMeasurePayload({ ...ovenPayload([]), scale: '2min' }))).equal('notMeasure');
    should(problemKey(() => parseMeasurePayload(ovenPayload([], { name: '<img src=x onerror=alert(1)>' })))).equal('markup');
    should(problemKey(() => parseMeasurePayload(ovenPayload([half(H0 + HALF_HOUR, 1), half(H0, 1)])))).equal('notMeasure');
    should(problemKey(() => parseMeasurePayload(ovenPayload([half(H0, -5)])))).equal('negative');
    should(problemKey(() => parseMeasurePayload(ovenPayload([{ ...half(H0, 1), values: { a: 'x' as unknown as number } }])))).equal('notMeasure');
  });
});

describe('export: hour ledger', function () {
  it('sums hours from their half-hour buckets: sum[h] = sum[h-1] + state[h]', function () {
    const l = HourLedger.create('econetatmo:x_4', MODULE);
    should(l.apply([half(H0, 100), half(H0 + HALF_HOUR, 50), half(H0 + HOUR, 30)])).eql([H0, H0 + HOUR]);
    should(l.rows()).eql([
      { start: H0, state: 150, sum: 150 },
      { start: H0 + HOUR, state: 30, sum: 180 },
    ]);
  });
  it('a revised bucket changes its hour; a repeated one changes nothing', function () {
    const l = HourLedger.create('econetatmo:x_4', MODULE);
    l.apply([half(H0, 100), half(H0 + HALF_HOUR, 50), half(H0 + HOUR, 30)]);
    should(l.apply([half(H0 + HALF_HOUR, 50)])).eql([]);
    should(l.apply([half(H0 + HALF_HOUR, 70)])).eql([H0]);
    should(l.rows().map((r) => r.sum)).eql([170, 200]);
  });
  it('older hours extend it backwards; null buckets are unknown, not zero', function () {
    const l = HourLedger.create('econetatmo:x_4', MODULE);
    l.apply([half(H0 + 5 * HOUR, 10)]);
    l.apply([half(H0, 1), half(H0 + HOUR, null)]);
    should(l.rows()).eql([
      { start: H0, state: 1, sum: 1 },
      { start: H0 + 5 * HOUR, state: 10, sum: 11 },
    ]);
  });
  it('refuses buckets that are not 30-minute or 1-hour ones aligned on the hour, changing nothing', function () {
    const l = HourLedger.create('econetatmo:x_4', MODULE);
    l.apply([half(H0, 1)]);
    should(problemKey(() => l.apply([half(H0 + HOUR, 5), { start: H0 + 10 * 60_000, end: H0 + 40 * 60_000, values: {}, total: 3 }]))).equal('notHourly');
    should(l.rows()).have.length(1);
  });
  it('survives its own JSON and refuses other data', function () {
    const l = HourLedger.create('econetatmo:x_4', MODULE);
    l.apply([half(H0, 1), { start: H0 + HOUR, end: H0 + 2 * HOUR, values: {}, total: 7 }]);
    const back = HourLedger.restore(JSON.parse(JSON.stringify(l.toJSON())));
    should(back?.rows()).eql(l.rows());
    should(HourLedger.restore({ v: 2 })).be.null();
    should(HourLedger.restore({ ...l.toJSON(), halves: ['x'] })).be.null();
  });
  it('gives after every change the rows of a ledger read afresh (the running sum it keeps between reads)', function () {
    // A fixed pseudo-random walk through what a ledger lives: live reads, revisions of any hour,
    // 1-hour buckets, older hours, Home Assistant's hours and base.
    let seed = 7;
    const next = (n: number): number => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return (seed >>> 8) % n;
    };
    const l = HourLedger.create('econetatmo:x_4', MODULE);
    l.apply(Array.from({ length: 96 }, (_, i) => half(H0 + i * HALF_HOUR, 10 + (i % 7))));
    for (let step = 0; step < 400; step++) {
      const hour = H0 + (next(60) - 10) * HOUR;
      const kind = next(10);
      if (kind < 5) l.apply([half(hour + next(2) * HALF_HOUR, next(4) === 0 ? null : next(50))]);
      else if (kind === 5) l.apply([{ start: hour, end: hour + HOUR, values: {}, total: next(90) }]);
      // Home Assistant's hours land mostly where the ledger has none (the hours before its first).
      else if (kind === 6) l.adopt(next(2) === 0 ? hour : H0 - (1 + next(10)) * HOUR, next(40));
      else if (kind === 7) l.setBase(next(1000) / 8, next(2) === 0);
      else if (kind === 8) l.extendTo(hour - next(3) * HOUR);
      else l.apply(Array.from({ length: 12 }, (_, i) => half(H0 + 36 * HOUR + i * HALF_HOUR, next(30))));
      const afresh = HourLedger.restore(JSON.parse(JSON.stringify(l.toJSON())))!;
      const from = H0 + (next(70) - 15) * HOUR;
      should(l.rows(from)).eql(afresh.rows(from), `step ${step}, from ${from}`);
      if (step % 5 === 0) should(l.rows()).eql(afresh.rows());
    }
  });
});

describe('export: Home Assistant commands', function () {
  it('builds statistic ids Home Assistant accepts, and refuses forbidden overrides', function () {
    const id = statisticIdFor('econetatmo', MODULE, '');
    should(id).equal('econetatmo:70ee50a1b2c3_4');
    should(VALID_STATISTIC_ID.test(id)).be.true();
    should(statisticIdFor('econetatmo', MODULE, 'kitchen_oven')).equal('econetatmo:kitchen_oven');
    for (const bad of ['Kitchen', 'a__b', '_a', 'a_', 'a:b', 'four-five', 'é']) {
      should(problemKey(() => statisticIdFor('econetatmo', MODULE, bad))).equal('badStatisticId');
    }
    should(problemKey(() => statisticIdFor('Econetatmo', MODULE, ''))).equal('badSource');
  });
  it('rows start at the top of an hour with an offset, in kWh, bounded per message', function () {
    should(hourIso(H0)).equal('2025-03-12T00:00:00+00:00');
    // Every hour of two years, off-the-hour times and times before 1970, as toISOString writes them.
    const times = [H0 + 1, H0 - 1, -HOUR, -1, 0, -(50 * 365 + 3) * 24 * HOUR, ...Array.from({ length: 2 * 8784 }, (_, i) => Date.UTC(2023, 11, 31) + i * HOUR)];
    should(times.map(hourIso)).eql(times.map((t) => new Date(t).toISOString().replace(/\.\d{3}Z$/, '+00:00')));
    const rows = Array.from({ length: 1201 }, (_, i) => ({ start: H0 + i * HOUR, state: 1234, sum: 1234 * (i + 1) }));
    const cmds = importCommands(metadataFor('econetatmo', 'econetatmo:x_1', 'Oven'), rows, 500);
    should(cmds.map((c) => c.stats.length)).eql([500, 500, 201]);
    should(cmds[0].metadata).eql({
      source: 'econetatmo',
      statistic_id: 'econetatmo:x_1',
      name: 'Oven',
      unit_of_measurement: 'kWh',
      unit_class: 'energy',
      has_sum: true,
      mean_type: 0,
    });
    should(cmds[2].stats[200]).eql({ start: hourIso(H0 + 1200 * HOUR), state: 1.234, sum: 1482.034 });
  });
  it("finds Home Assistant's sum before an hour from its rows", function () {
    const rows = [
      { start: H0 - 2 * HOUR, state: 1000, sum: 5000 },
      { start: H0 - HOUR, state: 500, sum: 5500 },
      { start: H0, state: 250, sum: 5750 },
    ];
    should(sumBefore(rows, H0)).eql({ sum: 5500, fromHa: true });
    should(sumBefore(rows.slice(2), H0)).eql({ sum: 5500, fromHa: true });
    should(sumBefore([], H0)).eql({ sum: 0, fromHa: false });
  });
});

describe('export: Home Assistant ledgers', function () {
  it("asks for the baseline of a statistic it has no hours for, then continues from Home Assistant's sum", function () {
    const store = memoryLedgerStore();
    const ex = new HaLedgers({ source: 'econetatmo', statisticIdOverride: '', store, claims: claims(), askBaseline: true });
    const first = ex.handle(ovenPayload([half(H0, 100), half(H0 + HALF_HOUR, 100)]));
    should(first.commands).have.length(0);
    should(first.asks).have.length(1);
    should(first.asks[0].command).eql({
      type: 'recorder/statistics_during_period',
      start_time: hourIso(H0 - 400 * 24 * HOUR),
      statistic_ids: ['econetatmo:70ee50a1b2c3_4'],
      period: 'hour',
      types: ['state', 'sum'],
    });
    // A second message while waiting is queued, not lost.
    should(ex.handle(ovenPayload([half(H0 + HOUR, 40)])).waiting).eql(['econetatmo:70ee50a1b2c3_4']);
    const id = 'econetatmo:70ee50a1b2c3_4';
    const out = ex.answer(id, { [id]: [{ start: H0 - HOUR, end: H0, state: 0.5, sum: 10 }] });
    should(out.commands).have.length(1);
    should(out.commands[0].stats).eql([
      { start: hourIso(H0), state: 0.2, sum: 10.2 },
      { start: hourIso(H0 + HOUR), state: 0.04, sum: 10.24 },
    ]);
    // Then only what changes: a revised bucket re-sends its hour and every later one.
    const rev = ex.handle(ovenPayload([half(H0 + HALF_HOUR, 150)]));
    should(rev.commands[0].stats.map((s) => s.sum)).eql([10.25, 10.29]);
    should(ex.handle(ovenPayload([half(H0 + HALF_HOUR, 150)])).commands).have.length(0);
  });
  it('gives up on a silent Home Assistant with a warning and starts from 0', function () {
    const ex = new HaLedgers({ source: 'econetatmo', statisticIdOverride: '', store: memoryLedgerStore(), claims: claims(), askBaseline: true });
    ex.handle(ovenPayload([half(H0, 100)]));
    const out = ex.giveUp('econetatmo:70ee50a1b2c3_4');
    should(out.warnings.map((w) => w.key)).eql(['baselineTimeout']);
    should(out.commands[0].stats).eql([{ start: hourIso(H0), state: 0.1, sum: 0.1 }]);
  });
  it('refuses coarse scales and a statistic already holding another line, changing nothing', function () {
    const store = memoryLedgerStore();
    const ex = new HaLedgers({ source: 'econetatmo', statisticIdOverride: 'oven', store, claims: claims(), askBaseline: false });
    should(problemKey(() => ex.handle(ovenPayload([], { scale: '1day' })))).equal('scaleTooCoarse');
    ex.handle(ovenPayload([half(H0, 1)]));
    const before = store.files.get('econetatmo:oven');
    should(problemKey(() => ex.handle(ovenPayload([half(H0, 9)], { moduleId: '70:ee:50:a1:b2:c3#2' })))).equal('statisticTaken');
    should(store.files.get('econetatmo:oven')).equal(before);
  });
  it('refuses a statistic another node writes, without reading or writing its ledger, and takes it once that node let go', function () {
    const registry = new LedgerRegistry();
    const store = memoryLedgerStore();
    const first = registry.claimsFor('/ledgers', 'kitchen');
    const a = new HaLedgers({ source: 'econetatmo', statisticIdOverride: '', store, claims: first, askBaseline: false });
    const b = new HaLedgers({ source: 'econetatmo', statisticIdOverride: '', store, claims: registry.claimsFor('/ledgers', 'garage'), askBaseline: false });
    a.handle(ovenPayload([half(H0, 100)]));
    const before = store.files.get('econetatmo:70ee50a1b2c3_4');
    let refusal: unknown;
    try {
      b.handle(ovenPayload([half(H0, 999), half(H0 + HALF_HOUR, 5)]));
    } catch (err) {
      refusal = err;
    }
    should(refusal).be.instanceOf(ExportProblem);
    should((refusal as ExportProblem).key).equal('statisticInUse');
    should((refusal as ExportProblem).args).eql({ id: 'econetatmo:70ee50a1b2c3_4', owner: 'kitchen' });
    should(store.files.get('econetatmo:70ee50a1b2c3_4')).equal(before);
    // The first node closes: the second reads what it left and carries the sum on.
    first.release();
    const out = b.handle(ovenPayload([half(H0 + HALF_HOUR, 50)]));
    should(out.commands[0].stats).eql([{ start: hourIso(H0), state: 0.15, sum: 0.15 }]);
  });
});

describe('export: InfluxDB points and dashboard chart', function () {
  it('one point per bucket at its start, Wh fields without nulls', function () {
    const pts = influxPoints(
      ovenPayload([
        { start: H0, end: H0 + HALF_HOUR, values: { sum_energy_elec: null, sum_energy_elec$0: 3, sum_energy_elec$1: 4 }, total: 7 },
        half(H0 + HALF_HOUR, null),
      ]),
      'energy',
    );
    should(pts).have.length(1);
    should(pts[0]).eql({
      measurement: 'energy',
      tags: { moduleId: MODULE, deviceId: '70:ee:50:a1:b2:c3', line: 'Oven', scale: '30min' },
      fields: { sum_energy_elec$0: 3, sum_energy_elec$1: 4, total: 7 },
      timestamp: new Date(H0),
    });
  });
  it('the chart replaces revised buckets and keeps lines of the same name apart', function () {
    const c = new DashboardChart('buckets', 48);
    c.apply(ovenPayload([half(H0, 1), half(H0 + HALF_HOUR, 2)]));
    c.apply(ovenPayload([half(H0 + HALF_HOUR, 5)]));
    c.apply(ovenPayload([half(H0, 9)], { moduleId: '70:ee:50:a1:b2:c3#1' }));
    should(c.chart(H0 + HOUR)).eql([
      { x: H0, y: 9, series: 'Oven (#1)' },
      { x: H0, y: 1, series: 'Oven (#4)' },
      { x: H0 + HALF_HOUR, y: 5, series: 'Oven (#4)' },
    ]);
    should(c.chart(H0 + 49 * HOUR)).eql([]);
  });
});
