// One Home Assistant statistic's memory: every bucket exported so far, hour by hour, and the sum
// it starts from. Home Assistant keeps hourly rows with a cumulative `sum`; this ledger is what
// makes `sum[h] = sum[h-1] + state[h]` hold over the statistic's whole life, whatever order the
// buckets come in. Values are whole units of what is sent: Wh of a kWh statistic, millionths of
// the currency of a cost statistic (`perUnit`); the command builder turns them into what is sent.
import { ExportProblem, HALF_HOUR, HOUR, type ExportPoint } from './types';

/** The ledger as it is kept on disk (compact: a year of 30-minute buckets is ~100 kB). */
export interface LedgerData {
  v: 1;
  statisticId: string;
  moduleId: string;
  /** The first hour held (epoch ms), or null while empty. */
  first: number | null;
  /** Home Assistant's sum (Wh) at the end of the hour before `first`. */
  baseSum: number;
  /** True when `baseSum` came from Home Assistant's own rows (an existing statistic). */
  baseFromHa: boolean;
  /** Two slots per hour from `first`: the Wh of each half-hour bucket, null when unknown. */
  halves: Array<number | null>;
  /** Hours fed by 1-hour buckets: hour index from `first` -> Wh. */
  wholes: Record<string, number>;
  /** Hours taken from Home Assistant's rows after a lost state: hour index -> Wh. */
  adopted: Record<string, number>;
  /** The values per unit sent; missing: 1000 (Wh of a kWh statistic, or a cost ledger of thousandths from before). */
  perUnit?: number;
  /** The unit sent, when it is not kWh: a cost statistic's currency. */
  unit?: string;
}

/** Wh per kWh: the unit of an energy ledger, and of a ledger that does not say. */
export const ENERGY_PER_UNIT = 1000;

export interface HourRow {
  /** The hour's start, epoch ms. */
  start: number;
  /** Wh in the hour. */
  state: number;
  /** Cumulative Wh at the end of the hour. */
  sum: number;
}

/** A running sum kept between two rows() calls: `sum` is the sum at the end of the hour before `index`. */
interface SumMark {
  index: number;
  sum: number;
}

export class HourLedger {
  /**
   * Where the last rows() started: a live read sends the last hours again, and would otherwise
   * sum the whole year from `first` for each one. Dropped when an hour before it changes value,
   * when the base changes, or when the slots shift; the sum is the same additions in the same
   * order, so the rows are exactly those a full pass gives.
   */
  private mark: SumMark | null = null;

  private constructor(private readonly data: LedgerData) {}

  /** `unit`: the currency of a cost statistic, counted in `perUnit` parts of it. */
  static create(statisticId: string, moduleId: string, unit?: { unit: string; perUnit: number }): HourLedger {
    const ledger = new HourLedger({ v: 1, statisticId, moduleId, first: null, baseSum: 0, baseFromHa: false, halves: [], wholes: {}, adopted: {} });
    if (unit !== undefined) Object.assign(ledger.data, unit);
    return ledger;
  }

  /** A ledger read back from disk; null when the data is not one. */
  static restore(raw: unknown): HourLedger | null {
    if (typeof raw !== 'object' || raw === null) return null;
    const d = raw as Partial<LedgerData>;
    const okNumber = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);
    const okMap = (m: unknown): boolean => typeof m === 'object' && m !== null && Object.values(m).every(okNumber);
    if (d.v !== 1 || typeof d.statisticId !== 'string' || typeof d.moduleId !== 'string') return null;
    if (!(d.first === null || (okNumber(d.first) && (d.first as number) % HOUR === 0))) return null;
    if (!okNumber(d.baseSum) || typeof d.baseFromHa !== 'boolean') return null;
    if (!Array.isArray(d.halves) || !d.halves.every((x) => x === null || okNumber(x))) return null;
    if (!okMap(d.wholes) || !okMap(d.adopted)) return null;
    if (d.perUnit !== undefined && !(okNumber(d.perUnit) && (d.perUnit as number) > 0)) return null;
    if (d.unit !== undefined && typeof d.unit !== 'string') return null;
    return new HourLedger(d as LedgerData);
  }

  toJSON(): LedgerData {
    return this.data;
  }

  get statisticId(): string {
    return this.data.statisticId;
  }

  get moduleId(): string {
    return this.data.moduleId;
  }

  get first(): number | null {
    return this.data.first;
  }

  get baseFromHa(): boolean {
    return this.data.baseFromHa;
  }

  get perUnit(): number {
    return this.data.perUnit ?? ENERGY_PER_UNIT;
  }

  /** The currency of a cost statistic; undefined for energy, and for a cost ledger from before that said none. */
  get unit(): string | undefined {
    return this.data.unit;
  }

  /** Records the unit of a ledger that said none (a cost ledger from before: its first currency seen). */
  setUnit(unit: string): void {
    this.data.unit = unit;
  }

  /**
   * Counts in `perUnit` parts of the unit from now on, every value held multiplied to match (a
   * cost ledger of thousandths from before becoming one of millionths: exact, whole numbers stay whole).
   */
  rescale(perUnit: number): void {
    const d = this.data;
    const factor = perUnit / this.perUnit;
    if (factor === 1) return;
    const times = (m: Record<string, number>): Record<string, number> => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v * factor]));
    d.halves = d.halves.map((v) => (v === null ? null : v * factor));
    d.wholes = times(d.wholes);
    d.adopted = times(d.adopted);
    d.baseSum *= factor;
    d.perUnit = perUnit;
    this.mark = null; // a running sum kept from before is in the old unit
  }

  get isEmpty(): boolean {
    return this.data.first === null;
  }

  /** The number of hours the ledger spans. */
  get span(): number {
    return this.data.halves.length / 2;
  }

  /** Make room so that `hour` is held, shifting the slots when it is before `first`. */
  private ensure(hour: number): number {
    const d = this.data;
    if (d.first === null) d.first = hour;
    if (hour < d.first) {
      this.mark = null;
      const shift = (d.first - hour) / HOUR;
      d.halves = [...new Array<number | null>(shift * 2).fill(null), ...d.halves];
      const move = (m: Record<string, number>): Record<string, number> => Object.fromEntries(Object.entries(m).map(([k, v]) => [String(Number(k) + shift), v]));
      d.wholes = move(d.wholes);
      d.adopted = move(d.adopted);
      d.first = hour;
    }
    const index = (hour - d.first) / HOUR;
    while (d.halves.length < (index + 1) * 2) d.halves.push(null);
    return index;
  }

  /** The hour's Wh: its own buckets when complete, else Home Assistant's, else what is known. */
  private value(index: number): number | undefined {
    const d = this.data;
    const whole = d.wholes[index];
    if (whole !== undefined) return whole;
    const a = d.halves[index * 2];
    const b = d.halves[index * 2 + 1];
    if (a !== null && a !== undefined && b !== null && b !== undefined) return a + b;
    const adopted = d.adopted[index];
    if (adopted !== undefined) return adopted;
    if ((a === null || a === undefined) && (b === null || b === undefined)) return undefined;
    return (a ?? 0) + (b ?? 0);
  }

  /** The Wh of the hour starting at `hour`, if the ledger knows it. */
  stateAt(hour: number): number | undefined {
    const d = this.data;
    if (d.first === null || hour < d.first || hour >= d.first + this.span * HOUR) return undefined;
    return this.value((hour - d.first) / HOUR);
  }

  /**
   * Takes buckets (30-minute or 1-hour, aligned) and returns the starts of the hours whose Wh
   * changed. Null totals are not known yet and change nothing.
   */
  apply(points: ExportPoint[]): number[] {
    // Check every bucket first: a refused message changes nothing.
    for (const p of points) {
      const length = p.end - p.start;
      if (!((length === HALF_HOUR && p.start % HALF_HOUR === 0) || (length === HOUR && p.start % HOUR === 0))) {
        throw new ExportProblem('notHourly', { start: new Date(p.start).toISOString() });
      }
    }
    const changed = new Set<number>();
    for (const p of points) {
      if (p.total === null) continue;
      const length = p.end - p.start;
      const hour = p.start - (p.start % HOUR);
      const before = this.stateAt(hour);
      const index = this.ensure(hour);
      const d = this.data;
      if (length === HOUR) {
        d.wholes[index] = p.total;
        d.halves[index * 2] = null;
        d.halves[index * 2 + 1] = null;
      } else {
        // A half-hour bucket takes over from a 1-hour one: the other half is unknown until it comes.
        delete d.wholes[index];
        d.halves[index * 2 + (p.start === hour ? 0 : 1)] = p.total;
      }
      if (this.stateAt(hour) !== before) {
        changed.add(hour);
        this.changedAt(index);
      }
    }
    return [...changed].sort((a, b) => a - b);
  }

  /** Sets where the sum starts: Home Assistant's sum at the end of the hour before `first`. */
  setBase(sum: number, fromHa: boolean): void {
    this.mark = null;
    this.data.baseSum = sum;
    this.data.baseFromHa = fromHa;
  }

  /** Makes `hour` the first hour held when it is earlier (or when the ledger is empty). */
  extendTo(hour: number): void {
    this.ensure(hour);
  }

  /** Home Assistant's hourly Wh for an hour the ledger has no complete value of its own for. */
  adopt(hour: number, wh: number): void {
    const index = this.ensure(hour);
    this.data.adopted[index] = wh;
    this.changedAt(index);
  }

  /** The hour at `index` may have a new value: a running sum kept past it no longer holds. */
  private changedAt(index: number): void {
    if (this.mark !== null && index < this.mark.index) this.mark = null;
  }

  /** Every hour with a value from `from` on, with its state and cumulative sum (Wh). */
  rows(from: number = Number.NEGATIVE_INFINITY): HourRow[] {
    const d = this.data;
    const out: HourRow[] = [];
    if (d.first === null) return out;
    // No hour before `fromIndex` is a row; the kept sum is used only when it starts no later.
    const fromIndex = Math.max(0, Math.ceil((from - d.first) / HOUR));
    const kept = this.mark !== null && this.mark.index <= fromIndex ? this.mark : null;
    let sum = kept === null ? d.baseSum : kept.sum;
    const span = this.span;
    for (let i = kept === null ? 0 : kept.index; i < span; i++) {
      if (i === fromIndex) this.mark = { index: i, sum };
      const v = this.value(i);
      if (v === undefined) continue;
      sum += v;
      const start = d.first + i * HOUR;
      if (start >= from) out.push({ start, state: v, sum });
    }
    return out;
  }

  /** The last hour with a value, or null. */
  lastHour(): number | null {
    const d = this.data;
    if (d.first === null) return null;
    for (let i = this.span - 1; i >= 0; i--) if (this.value(i) !== undefined) return d.first + i * HOUR;
    return null;
  }
}
