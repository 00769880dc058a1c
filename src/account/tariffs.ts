// The account's prices: every home's tariff as last read with the lines (the account's client
// announces each `/api/homesdata` answer's tariffs, whoever asked for it: the line directory
// at the first read, every sync input), the user's own prices when the account says `own`, and
// one warning per home and reason when a home's schedule cannot be priced.
import type { Clock } from '../lib/clock';
import type { Line } from '../contract/line';
import type { OwnPrices } from '../contract/tariff';
import { currencyOfCountry, parseHomeTariffs, type TariffProblem, type TariffReading } from '../netatmo/tariff';
import { isRecord } from '../netatmo/errors';
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

  /** The prices of a line's home (its zone: the home's, else `fallbackZone`); null when none is known. */
  pricesOf(line: Pick<Line, 'homeId' | 'timezone'> | null, fallbackZone: string): Prices | null {
    if (line === null) return this.own ? homePrices(null, this.own, fallbackZone) : null;
    const reading = this.readings.get(line.homeId);
    // A home whose schedule is bad has no prices of its own; the user's apply all the same.
    if (reading?.problem && !this.own) return null;
    return homePrices(reading?.tariff ?? null, this.own, line.timezone ?? fallbackZone);
  }
}

/** What the dialog shows of a home's tariff: its zones, prices and timetable's size, or why there is none. */
export interface TariffView {
  homeId: string;
  homeName: string;
  currency: string | null;
  tariff: string | null;
  tariffOption: string | null;
  zones: Array<{ priceType: string; price: number }>;
  timetableEntries: number;
  problem: TariffProblem | null;
}

/** Every home of a `/api/homesdata` answer, with its tariff as the dialog shows it. */
export function tariffViews(answer: unknown): TariffView[] {
  const readings = parseHomeTariffs(answer);
  const body = isRecord(answer) ? ('homes' in answer ? answer : answer.body) : null;
  const homes = isRecord(body) && Array.isArray(body.homes) ? (body.homes as unknown[]) : [];
  const views: TariffView[] = [];
  for (const home of homes) {
    if (!isRecord(home) || typeof home.id !== 'string') continue;
    const r = readings.get(home.id);
    views.push({
      homeId: home.id,
      homeName: typeof home.name === 'string' ? home.name : '',
      currency: r?.tariff?.currency ?? currencyOfCountry(home.country),
      tariff: r?.tariff?.tariff ?? null,
      tariffOption: r?.tariff?.tariffOption ?? null,
      zones: r?.tariff?.zones.map((z) => ({ priceType: z.priceType, price: z.price })) ?? [],
      timetableEntries: r?.tariff?.timetable.length ?? 0,
      problem: r?.problem ?? null,
    });
  }
  return views;
}

/**
 * Each home's tariff as the diagnostics file shows it: its shape only (zone types, timetable
 * length, tariff option, currency) and prices rounded to the cent, under the home's hashed id.
 */
export function tariffShapes(answer: unknown, homeKey: (homeId: string) => string): unknown[] {
  return [...parseHomeTariffs(answer).values()].map((r) => ({
    home: homeKey(r.homeId),
    zoneTypes: r.tariff?.zones.map((z) => z.priceType) ?? [],
    prices: r.tariff?.zones.map((z) => Math.round(z.price * 100) / 100) ?? [],
    timetableLength: r.tariff?.timetable.length ?? 0,
    tariffOption: r.tariff?.tariffOption ?? null,
    currency: r.tariff?.currency ?? null,
    problem: r.problem?.code ?? null,
  }));
}
