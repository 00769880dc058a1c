// The `dashboard` format: the whole chart for a FlowFuse Dashboard 2 `ui-chart`, redrawn from
// every line's buckets of a recent window each time (the chart is told to replace what it shows),
// so that a revised bucket replaces its point and no point is ever drawn twice. The `days` chart
// cuts days in the home's time zone (the payload's `timezone`), else in Node-RED's own.
import { localDateText, nextDay, startOfDay, systemTimeZone } from '../lib/local-calendar';
import type { MeasurePayload } from './types';

export type DashboardChartKind = 'buckets' | 'days';
/** What the chart draws: the energy (Wh a bucket, kWh a day) or its cost (in the home's currency). */
export type DashboardValue = 'energy' | 'cost';

export interface ChartPoint {
  x: number | string;
  y: number;
  series: string;
}

interface LineMemory {
  name: string;
  buckets: Map<number, number | null>;
}

/** The start of the local day `daysBack` days before the one holding `t` (days of 23 to 25 h). */
function localMidnight(zone: string, t: number, daysBack: number): number {
  let start = startOfDay(zone, t);
  for (let i = 0; i < daysBack; i++) start = startOfDay(zone, start - 1);
  return start;
}

export class DashboardChart {
  private readonly lines = new Map<string, LineMemory>();
  /** The zone of the latest payload (the lines of one home share it); null: Node-RED's own. */
  private zone: string | null = null;

  constructor(
    private readonly kind: DashboardChartKind,
    /** Hours of buckets kept and drawn (`buckets`), or days drawn (`days`). */
    private readonly span: number,
    private readonly value: DashboardValue = 'energy',
  ) {}

  apply(payload: MeasurePayload): void {
    const line = this.lines.get(payload.moduleId) ?? { name: payload.name, buckets: new Map() };
    line.name = payload.name;
    this.zone = payload.timezone ?? null;
    for (const p of payload.points) line.buckets.set(p.start, this.value === 'cost' ? (p.cost ?? null) : p.total);
    this.lines.set(payload.moduleId, line);
  }

  /** Two lines may share a name: keep their series apart with the line's index. */
  private labels(): Map<string, string> {
    const ids = [...this.lines.keys()].sort();
    const out = new Map<string, string>();
    for (const id of ids) {
      const name = (this.lines.get(id) as LineMemory).name;
      const same = ids.filter((other) => (this.lines.get(other) as LineMemory).name === name).length;
      out.set(id, same > 1 ? `${name} (#${id.split('#')[1]})` : name);
    }
    return out;
  }

  private forget(cutOff: number): void {
    for (const line of this.lines.values()) for (const start of line.buckets.keys()) if (start < cutOff) line.buckets.delete(start);
  }

  /** Every point of the chart, by series then time; `now` decides the window. */
  chart(now: number): ChartPoint[] {
    const zone = this.zone ?? systemTimeZone();
    const cutOff = this.kind === 'buckets' ? now - this.span * 3_600_000 : localMidnight(zone, now, this.span - 1);
    this.forget(cutOff);
    // The local dates drawn, oldest first: the span's days up to today.
    const dayLabels: string[] = [];
    if (this.kind === 'days') for (let d = cutOff; d <= now; d = nextDay(zone, d)) dayLabels.push(localDateText(zone, d));
    const labels = this.labels();
    const out: ChartPoint[] = [];
    for (const [id, series] of labels) {
      const line = this.lines.get(id) as LineMemory;
      const starts = [...line.buckets.keys()].sort((a, b) => a - b);
      if (this.kind === 'buckets') {
        for (const start of starts) {
          const y = line.buckets.get(start);
          if (typeof y === 'number') out.push({ x: start, y, series });
        }
      } else {
        // kWh (or cost) per local day; days without a bucket yet still get their bar (0) so the axis is stable.
        const days = new Map<string, number>();
        for (const label of dayLabels) days.set(label, 0);
        for (const start of starts) {
          const y = line.buckets.get(start);
          const day = localDateText(zone, start);
          if (typeof y === 'number' && days.has(day)) days.set(day, (days.get(day) as number) + y);
        }
        for (const [day, sum] of days) out.push({ x: day, y: this.value === 'cost' ? Math.round(sum * 10_000) / 10_000 : Math.round(sum) / 1000, series });
      }
    }
    return out;
  }
}
