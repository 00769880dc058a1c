// The `dashboard` format as an exporter: it keeps every line's recent buckets and sends the whole
// chart after each message, telling the ui-chart to replace what it shows.
import type { Clock } from '../lib/clock';
import { DashboardChart, type DashboardChartKind, type DashboardValue } from './dashboard-chart';
import { measurePayloadOf } from './measure-message';
import { outcome, type ExportOutcome, type Exporter } from './exporter';

export class DashboardExporter implements Exporter {
  private readonly chart: DashboardChart;

  constructor(
    kind: DashboardChartKind,
    /** Hours (`buckets`) or days (`days`) drawn. */
    span: number,
    private readonly clock: Clock,
    value: DashboardValue = 'energy',
  ) {
    this.chart = new DashboardChart(kind, span, value);
  }

  accept(msg: Readonly<Record<string, unknown>>): ExportOutcome {
    const payload = measurePayloadOf(msg);
    this.chart.apply(payload);
    const points = this.chart.chart(this.clock.now());
    // The status says "up to" the newest bucket received, as the other formats do.
    const newest = payload.points.length > 0 ? payload.points[payload.points.length - 1].start : null;
    return outcome({ kind: 'chart', points: points.length, newest }, [{ topic: 'econetatmo', payload: points, action: 'replace' }]);
  }

  close(): void {}
}
