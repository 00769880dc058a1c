// What the cloud serves for a line: per-bucket columns summed from 30-minute slots, as seen at a given time
// (upload delay, revisions) or finally. The HTTP answer, the stats and the ground truth all go through here,
// so every scale and both answer shapes agree.
import { CIRCUITS, SLOT_MS, circuitWh, isOffPeak } from './household';
import type { LocalTime } from './local-time';
import { alignDown, bucketContaining, bucketEnd, type ScaleName } from './scales';
import type { Timeline } from './timeline';

export const MEASURE_TYPES = [
  'sum_energy_elec',
  'sum_energy_elec$0',
  'sum_energy_elec$1',
  'sum_energy_elec$2',
  'sum_energy_price',
  'sum_energy_price$0',
  'sum_energy_price$1',
  'sum_energy_price$2',
] as const;

/** €/Wh for the peak ($1) and off-peak ($2) tariffs of the contract. */
export const PEAK_PRICE = 0.00027;
export const OFF_PEAK_PRICE = 0.0002;
const TOTAL_LINE = 5;

export interface Column {
  price: boolean;
  /** null = the plain type; 0..2 the tariff. */
  tariff: number | null;
}

export function parseType(text: string): Column | undefined {
  if (!(MEASURE_TYPES as readonly string[]).includes(text)) return undefined;
  const dollar = text.indexOf('$');
  return { price: text.startsWith('sum_energy_price'), tariff: dollar < 0 ? null : Number(text.slice(dollar + 1)) };
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

export class LineData {
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

  /** Up to `limit` served buckets from the bucket containing `from`, starting before `to`. */
  rows(columns: Column[], scale: ScaleName, from: number, to: number, view: View, limit: number): Row[] {
    const out: Row[] = [];
    if (!this.hasData) return out;
    const gridStart = alignDown(scale, from, this.local);
    const stop = Math.min(to, view.asOf);
    // Skip straight to the first bucket that can hold data: a year at 30 min must stay cheap.
    let start = bucketContaining(scale, gridStart, view.minStart, this.local);
    while (start < stop && out.length < limit) {
      const end = bucketEnd(scale, start, this.local);
      const values = this.bucket(columns, start, end, view);
      if (values) out.push({ start, end, values });
      start = end;
    }
    return out;
  }
}
