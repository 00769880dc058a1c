// The account's prices: every home's tariff as last read with the lines (the account's client
// announces each `/api/homesdata` answer's tariffs, whoever asked for it: the line directory
// at the first read, every sync input), the user's own prices when the account says `own`, and
// one warning per home and reason when a home's schedule cannot be priced.
import type { Clock } from '../lib/clock';
import type { Line } from '../contract/line';
import type { OwnPrices } from '../contract/tariff';
import type { TariffProblem, TariffReading } from '../netatmo/tariff';
import { homePrices, type Prices } from './prices';

/** Prices older than this are read again (with the lines) before they price a bucket. */
export const TARIFF_MAX_AGE_MS = 24 * 3_600_000;

/** A home whose schedule gives no prices, and why (said once per home and reason). */
export type TariffWarn = (homeId: string, problem: TariffProblem) => void;

export class TariffBook {
  private readings = new Map<string, TariffReading>();
  private readAt = Number.NEGATIVE_INFINITY;
  private readonly warned = new Map<string, string>();

  constructor(
    private readonly clock: Clock,
    private readonly own: OwnPrices | null = null,
    private readonly warn: TariffWarn = () => undefined,
  ) {}

  /** A new `/api/homesdata` answer's tariffs. */
  update(readings: readonly TariffReading[]): void {
    this.readings = new Map(readings.map((r) => [r.homeId, r]));
    this.readAt = this.clock.now();
    for (const r of readings) {
      const reason = r.problem ? `${r.problem.code}|${r.problem.detail}` : '';
      if (reason !== '' && this.warned.get(r.homeId) !== reason) this.warn(r.homeId, r.problem!);
      this.warned.set(r.homeId, reason);
    }
  }

  /** Whether the prices should be read again before use. */
  stale(): boolean {
    return this.clock.now() - this.readAt >= TARIFF_MAX_AGE_MS;
  }

  /** What each home's tariff is, as last read (the dialog and the diagnostics show it). */
  all(): TariffReading[] {
    return [...this.readings.values()];
  }

  /** The prices of a line's home (its zone: the home's, else `fallbackZone`); null when none is known. */
  pricesOf(line: Pick<Line, 'homeId' | 'timezone'> | null, fallbackZone: string): Prices | null {
    if (line === null) return this.own ? homePrices(null, this.own, fallbackZone) : null;
    const reading = this.readings.get(line.homeId);
    // A home whose schedule is bad has no prices of its own; the user's apply all the same.
    if (reading?.problem && !this.own) return null;
    return homePrices(reading?.tariff ?? null, this.own, line.timezone ?? fallbackZone);
  }
}
