// The dashboard's `chart: days` cuts its days in the home's zone (the measure payload's
// `timezone`), not in Node-RED's: around a Paris midnight at 23:00 UTC, across a clock change,
// and what the export's edge accepts for the field.
import should from 'should';
import { DashboardChart } from '../../../src/export/dashboard-chart';
import { parseMeasurePayload } from '../../../src/export/measure-message';
import { ExportProblem, HALF_HOUR, HOUR, type ExportPoint, type MeasurePayload } from '../../../src/export/types';
import { half, ovenPayload } from './oven-payload';
import { localDateText, systemTimeZone } from '../../../src/lib/local-calendar';

/** 2026-01-15 00:00 in Paris (winter, UTC+1). */
const PARIS_MIDNIGHT = Date.UTC(2026, 0, 14, 23);
/** 23:45 UTC on the 14th: still the 14th in UTC (and in Node-RED's zone on a UTC machine). */
const NOW = Date.UTC(2026, 0, 14, 23, 45);

function payload(points: ExportPoint[], timezone?: string | null): MeasurePayload {
  return timezone === undefined ? ovenPayload(points) : ovenPayload(points, { timezone });
}

/** Half-hour buckets, 100 Wh each, the hour before and the hour after the Paris midnight. */
const AROUND_MIDNIGHT = [
  half(PARIS_MIDNIGHT - HOUR, 100),
  half(PARIS_MIDNIGHT - HALF_HOUR, 100),
  half(PARIS_MIDNIGHT, 100),
  half(PARIS_MIDNIGHT + HALF_HOUR, 100),
];

describe("export: the dashboard's days in the home's zone", function () {
  it('at 23:45 UTC a Paris home is already on its next day: yesterday and today are Paris days', function () {
    const c = new DashboardChart('days', 2);
    c.apply(payload(AROUND_MIDNIGHT, 'Europe/Paris'));
    should(c.chart(NOW)).eql([
      { x: '2026-01-14', y: 0.2, series: 'Oven' },
      { x: '2026-01-15', y: 0.2, series: 'Oven' },
    ]);
  });

  it("the same buckets in a UTC home all fall on the 14th (the zone is the payload's, not the process's)", function () {
    const c = new DashboardChart('days', 2);
    c.apply(payload(AROUND_MIDNIGHT, 'UTC'));
    should(c.chart(NOW)).eql([
      { x: '2026-01-13', y: 0, series: 'Oven' },
      { x: '2026-01-14', y: 0.4, series: 'Oven' },
    ]);
  });

  it("just before the Paris midnight, today is still the 14th and the 15th's buckets are not drawn yet", function () {
    const c = new DashboardChart('days', 2);
    c.apply(payload(AROUND_MIDNIGHT.slice(0, 2), 'Europe/Paris'));
    should(c.chart(PARIS_MIDNIGHT - 1).map((p) => p.x)).eql(['2026-01-13', '2026-01-14']);
  });

  it("a payload without a zone (an older measure node) or with null keeps Node-RED's zone", function () {
    const now = NOW;
    const zone = systemTimeZone();
    const expected = [localDateText(zone, now - 24 * HOUR), localDateText(zone, now)];
    for (const timezone of [undefined, null]) {
      const c = new DashboardChart('days', 2);
      c.apply(payload(AROUND_MIDNIGHT, timezone));
      should(c.chart(now).map((p) => p.x)).eql(expected);
    }
  });

  it('a day of 23 hours (the spring change in Paris) is one bar, and the week keeps seven labels', function () {
    const c = new DashboardChart('days', 7);
    const springDay = Date.UTC(2026, 2, 28, 23); // 2026-03-29 00:00 in Paris, 23 hours long
    const points: ExportPoint[] = [];
    for (let s = springDay; s < springDay + 23 * HOUR; s += HALF_HOUR) points.push(half(s, 10));
    c.apply(payload(points, 'Europe/Paris'));
    const out = c.chart(Date.UTC(2026, 2, 30, 12));
    should(out.map((p) => p.x)).eql(['2026-03-24', '2026-03-25', '2026-03-26', '2026-03-27', '2026-03-28', '2026-03-29', '2026-03-30']);
    should(out.find((p) => p.x === '2026-03-29')?.y).equal(0.46);
    should(out.find((p) => p.x === '2026-03-28')?.y).equal(0);
  });

  it("the export's edge takes the optional timezone and refuses one Node.js does not know", function () {
    should(parseMeasurePayload(payload([], 'Europe/Paris')).timezone).equal('Europe/Paris');
    should(parseMeasurePayload(payload([], null)).timezone).equal(null);
    should(parseMeasurePayload(payload([])).timezone).equal(null);
    for (const bad of ['Mars/Olympus_Mons', 42, '']) {
      try {
        parseMeasurePayload({ ...payload([]), timezone: bad });
        should.fail(null, null, `accepted ${String(bad)}`);
      } catch (err) {
        should(err).be.instanceOf(ExportProblem);
        should((err as ExportProblem).key).equal('notMeasure');
      }
    }
  });
});
