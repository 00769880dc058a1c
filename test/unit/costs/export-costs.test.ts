// Costs at the export's edge and in its pure parts: the payload's `cost` and `currency` are
// checked, the cost statistic's ledger counts millionths of the currency, and the dashboard
// draws costs when asked to.
import should from 'should';
import { parseMeasurePayload } from '../../../src/export/measure-message';
import { costPayload } from '../../../src/export/ha-costs';
import { DashboardChart } from '../../../src/export/dashboard-chart';
import { influxPoints } from '../../../src/export/influx-points';
import { ExportProblem } from '../../../src/export/types';

const H = 3_600_000;
const T = Date.UTC(2026, 11, 1, 0, 0);

function payload(extra: Record<string, unknown> = {}, cost: Array<number | null | undefined> = [0.054, 0.0405]): Record<string, unknown> {
  return {
    moduleId: '70:ee:50:12:34:56#1',
    deviceId: '70:ee:50:12:34:56',
    name: 'Four',
    timezone: 'Europe/Paris',
    scale: '30min',
    unit: 'Wh',
    types: ['sum_energy_elec$1'],
    revised: [],
    points: cost.map((c, i) => {
      const p: Record<string, unknown> = { start: T + (i * H) / 2, end: T + ((i + 1) * H) / 2, values: { sum_energy_elec$1: 200 }, total: 200 };
      if (c !== undefined) p.cost = c;
      return p;
    }),
    currency: 'EUR',
    ...extra,
  };
}

describe('costs in the export', function () {
  it('keeps cost and currency; a payload without them (an older measure node) still passes', function () {
    const p = parseMeasurePayload(payload());
    should(p.currency).equal('EUR');
    should(p.points.map((x) => x.cost)).eql([0.054, 0.0405]);
    const old = parseMeasurePayload(payload({ currency: undefined }, [undefined, undefined]));
    should(old.currency).be.null();
    should(old.points[0]).not.have.property('cost');
  });

  it('refuses a cost that is not a number and a currency that is not an ISO code', function () {
    should(() => parseMeasurePayload(payload({}, ['0.05' as unknown as number, 0.04]))).throw(ExportProblem);
    should(() => parseMeasurePayload(payload({ currency: 'euro' }))).throw(ExportProblem);
  });

  it('the cost statistic counts millionths of the currency (the measure node prices to them); none without a cost or a currency', function () {
    const c = costPayload(parseMeasurePayload(payload()))!;
    should(c.currency).equal('EUR');
    should(c.payload.points.map((x) => x.total)).eql([54000, 40500]);
    should(costPayload(parseMeasurePayload(payload({ currency: null })))).be.null();
    should(costPayload(parseMeasurePayload(payload({}, [null, null])))).be.null();
    // A bucket without a price is unknown in the cost statistic, not free.
    should(costPayload(parseMeasurePayload(payload({}, [0.054, null])))!.payload.points[1].total).be.null();
  });

  it('InfluxDB gets a cost field when the point has one', function () {
    const points = influxPoints(parseMeasurePayload(payload({}, [0.054, null])) as never, 'energy');
    should(points[0].fields.cost).equal(0.054);
    should(points[1].fields).not.have.property('cost');
  });

  it('the dashboard draws costs per bucket and per day with value cost', function () {
    const buckets = new DashboardChart('buckets', 48, 'cost');
    buckets.apply(parseMeasurePayload(payload()));
    should(buckets.chart(T + H).map((p) => p.y)).eql([0.054, 0.0405]);
    const days = new DashboardChart('days', 1, 'cost');
    days.apply(parseMeasurePayload(payload()));
    should(days.chart(T + H).map((p) => p.y)).eql([0.0945]);
    const energy = new DashboardChart('days', 1);
    energy.apply(parseMeasurePayload(payload()));
    should(energy.chart(T + H).map((p) => p.y)).eql([0.4]);
  });
});
