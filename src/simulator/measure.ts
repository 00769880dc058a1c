// What the cloud serves for a line: per-bucket columns summed from 30-minute slots, as seen at a given time
// (upload delay, revisions) or finally. The HTTP answer, the stats and the ground truth all go through here,
// so every scale and both answer shapes agree.
import { CIRCUITS, SLOT_MS, circuitWh, isOffPeak } from './household';
import type { LocalTime } from './local-time';
import { alignDown, bucketContaining, bucketEnd, type ScaleName } from './scales';
import type { Timeline } from './timeline';

/** The ecocounter's families (energy and price), then the rest of the range's (energy bought, self-consumed, sold). */
export const TYPE_FAMILIES = [
  'sum_energy_elec',
  'sum_energy_price',
  'sum_energy_buy_from_grid',
  'sum_energy_self_consumption',
  'sum_energy_resell_to_grid',
] as const;
export type TypeFamily = (typeof TYPE_FAMILIES)[number];

/** Every type name: each family plain and with `$0`..`$2`. */
export const MEASURE_TYPES: readonly string[] = TYPE_FAMILIES.flatMap((f) => [f, `${f}$0`, `${f}$1`, `${f}$2`]);

/** €/Wh for the peak ($1) and off-peak ($2) tariffs of the contract. */
export const PEAK_PRICE = 0.00027;
export const OFF_PEAK_PRICE = 0.0002;
const TOTAL_LINE = 5;

export interface Column {
  family: TypeFamily;
  price: boolean;
  /** null = the plain type; 0..2 the tariff. */
  tariff: number | null;
}

/** A type any model knows, or undefined (the cloud's "invalid type"). Whether a model answers it is `Measured.accepts`. */
export function parseType(text: string): Column | undefined {
  if (!MEASURE_TYPES.includes(text)) return undefined;
  const dollar = text.indexOf('$');
  const family = (dollar < 0 ? text : text.slice(0, dollar)) as TypeFamily;
  return { family, price: family === 'sum_energy_price', tariff: dollar < 0 ? null : Number(text.slice(dollar + 1)) };
}

export interface Row {
  start: number;
  end: number;
  values: (number | null)[];
}

export interface View {
  /** The cloud's time. */
  asOf: number;
  /** Ignore upload delay and revisions (still nothing after asOf). */
  final: boolean;
  /** No bucket before this (history kept for the scale). */
  minStart: number;
}

function roundPrice(x: number): number {
  return Math.round(x * 10000) / 10000;
}

/** What getmeasure reads for one module: the ecocounter's lines (LineData) and the range's modules (MeterData). */
export interface Measured {
  /** The model answers this type family (else the cloud's invalid-type error). */
  accepts(column: Column): boolean;
  /** Up to `limit` served buckets from the bucket containing `from`, starting before `to`. */
  rows(columns: Column[], scale: ScaleName, from: number, to: number, view: View, limit: number): Row[];
}

/** The bucket walk shared by every model: served buckets on the scale's grid, from the first that can hold data. */
export function collectRows(
  local: LocalTime,
  scale: ScaleName,
  from: number,
  to: number,
  view: View,
  limit: number,
  bucket: (start: number, end: number) => (number | null)[] | null,
): Row[] {
  const out: Row[] = [];
  const gridStart = alignDown(scale, from, local);
  const stop = Math.min(to, view.asOf);
  // Skip straight to the first bucket that can hold data: a year at 30 min must stay cheap.
  let start = bucketContaining(scale, gridStart, view.minStart, local);
  while (start < stop && out.length < limit) {
    const end = bucketEnd(scale, start, local);
    const values = bucket(start, end);
    if (values) out.push({ start, end, values });
    start = end;
  }
  return out;
}

export class LineData implements Measured {
  constructor(
    private readonly seed: number,
    private readonly timeline: Timeline,
    /** 0..4 circuits, 5 total; other lines hold no electrical data. */
    private readonly index: number,
    /** The home's clock: its hours, days and months. */
    private readonly local: LocalTime,
  ) {}

  get hasData(): boolean {
    return this.index >= 0 && this.index <= TOTAL_LINE;
  }

  /** Wh of one slot as served in `view`, or null when the cloud does not have it. */
  slotEnergy(slot: number, view: View): number | null {
    const start = slot * SLOT_MS;
    if (start < view.minStart || start + SLOT_MS > view.asOf || !this.timeline.exists(slot)) return null;
    if (!view.final && this.timeline.availableAt(slot) > view.asOf) return null;
    const preliminary = !view.final && this.timeline.isRevised(slot) && view.asOf < this.timeline.revisedAt(slot);
    if (this.index < TOTAL_LINE) return this.circuit(this.index, slot, preliminary);
    let total = 0; // the total line is exactly the sum of the circuits, preliminary or not
    for (let c = 0; c < CIRCUITS; c++) total += this.circuit(c, slot, preliminary);
    return total;
  }

  private circuit(c: number, slot: number, preliminary: boolean): number {
    const wh = circuitWh(this.seed, c, slot, this.local);
    return preliminary ? Math.floor(wh * this.timeline.preliminaryFactor(slot, c)) : wh;
  }

  /** The columns of one bucket, or null when none of its slots is served. */
  bucket(columns: Column[], start: number, end: number, view: View): (number | null)[] | null {
    const sums: (number | null)[] = columns.map(() => null);
    let any = false;
    for (let slot = Math.floor(start / SLOT_MS); slot * SLOT_MS < end; slot++) {
      const wh = this.slotEnergy(slot, view);
      if (wh === null) continue;
      any = true;
      const tariff = isOffPeak(slot, this.local) ? 2 : 1;
      for (let i = 0; i < columns.length; i++) {
        const col = columns[i];
        if (col.tariff !== tariff) continue;
        const v = col.price ? roundPrice(wh * (tariff === 1 ? PEAK_PRICE : OFF_PEAK_PRICE)) : wh;
        sums[i] = (sums[i] ?? 0) + v;
      }
    }
    if (!any) return null;
    return sums.map((v, i) => (v !== null && columns[i].price ? roundPrice(v) : v));
  }

  accepts(column: Column): boolean {
    return column.family === 'sum_energy_elec' || column.family === 'sum_energy_price';
  }

  rows(columns: Column[], scale: ScaleName, from: number, to: number, view: View, limit: number): Row[] {
    if (!this.hasData) return [];
    return collectRows(this.local, scale, from, to, view, limit, (start, end) => this.bucket(columns, start, end, view));
  }
}
