// What getmeasure serves for a module of the Legrand range: each 30-min slot's energy is the integral of
// the module's minute powers (power.ts) over the minutes that reached the cloud, split into the tariff
// column ($0 basic, $1 peak, $2 off-peak) of each minute by the home's schedule and rounded to the Wh per
// column, as the real NLPC answers show (a bucket can hold two columns when a tariff changes inside it).
// Coarser buckets sum their slots. The gateway's timeline says when a slot is uploaded.
import { SLOT_MS } from './household';
import type { LocalTime } from './local-time';
import { collectRows, type Column, type Measured, type Row, type View } from './measure';
import { MINUTES_PER_SLOT, type MeterPower, type Reachability } from './power';
import type { ScaleName } from './scales';
import type { TariffClock } from './schedule';
import type { Timeline } from './timeline';

export type SlotColumns = [number | null, number | null, number | null];

export class MeterData implements Measured {
  constructor(
    private readonly power: MeterPower,
    private readonly reach: Reachability,
    private readonly timeline: Timeline,
    private readonly tariffs: TariffClock,
    private readonly local: LocalTime,
  ) {}

  accepts(column: Column): boolean {
    return column.family === 'sum_energy_buy_from_grid' || column.family === 'sum_energy_self_consumption' || column.family === 'sum_energy_resell_to_grid';
  }

  /** Wh per tariff column of a slot as finally known (null for a column no minute fell in); null when no minute reached the cloud. */
  finalSlot(slot: number): SlotColumns | null {
    if (!this.timeline.exists(slot)) return null;
    const watts = this.power.slot(slot);
    const sums = [0, 0, 0];
    const seen = [false, false, false];
    let any = false;
    // Zones only change on whole local minutes and offsets on whole hours: one lookup per slot, then count on.
    const week = this.tariffs.minuteOfWeek(slot * SLOT_MS);
    const whole = this.reach.wholeSlot(slot);
    for (let k = 0; k < MINUTES_PER_SLOT; k++) {
      if (!whole && !this.reach.reachable(slot * MINUTES_PER_SLOT + k)) continue;
      const col = this.tariffs.column(week + k);
      sums[col] += watts[k];
      seen[col] = true;
      any = true;
    }
    if (!any) return null;
    return [0, 1, 2].map((i) => (seen[i] ? Math.round(sums[i] / 60) : null)) as SlotColumns;
  }

  /** The slot as served in `view` (upload delay, preliminary values), or null. */
  private servedSlot(slot: number, view: View): SlotColumns | null {
    const start = slot * SLOT_MS;
    if (start < view.minStart || start + SLOT_MS > view.asOf) return null;
    if (!view.final && this.timeline.availableAt(slot) > view.asOf) return null;
    const cols = this.finalSlot(slot);
    if (!cols) return null;
    const preliminary = !view.final && this.timeline.isRevised(slot) && view.asOf < this.timeline.revisedAt(slot);
    if (!preliminary) return cols;
    const factor = this.timeline.preliminaryFactor(slot, 0);
    return cols.map((v) => (v === null ? null : Math.floor(v * factor))) as SlotColumns;
  }

  /** Energy bought: in the tariff columns, the plain one null (as real answers). No production: plain 0, tariffs null. */
  private bucket(columns: Column[], start: number, end: number, view: View): (number | null)[] | null {
    const sums: (number | null)[] = columns.map(() => null);
    let any = false;
    for (let slot = Math.floor(start / SLOT_MS); slot * SLOT_MS < end; slot++) {
      const cols = this.servedSlot(slot, view);
      if (!cols) continue;
      any = true;
      columns.forEach((c, i) => {
        const v = c.family === 'sum_energy_buy_from_grid' ? (c.tariff === null ? null : cols[c.tariff]) : c.tariff === null ? 0 : null;
        if (v !== null) sums[i] = (sums[i] ?? 0) + v;
      });
    }
    return any ? sums : null;
  }

  rows(columns: Column[], scale: ScaleName, from: number, to: number, view: View, limit: number): Row[] {
    return collectRows(this.local, scale, from, to, view, limit, (start, end) => this.bucket(columns, start, end, view));
  }

  /** When the slot is first served; +Infinity if never. */
  availableAt(slot: number): number {
    return this.finalSlot(slot) === null ? Number.POSITIVE_INFINITY : this.timeline.availableAt(slot);
  }
}
