// What a home's electricity costs: the shapes users see in the account node (its `tariff`
// properties), in the diagnostics, and that the pricing of a measure point works from.

/** The kinds of tariff zone Netatmo knows; each prices one tariff column. */
export const PRICE_TYPES_OF_ZONES = ['basic', 'peak', 'off_peak'] as const;
export type PriceType = (typeof PRICE_TYPES_OF_ZONES)[number];

/** The tariff column (`$0`, `$1`, `$2`) of each price type. */
export const TARIFF_COLUMN: Record<PriceType, 0 | 1 | 2> = { basic: 0, peak: 1, off_peak: 2 };

/** One zone of a tariff: a price per kWh, in the tariff's currency. */
export interface TariffZone {
  id: number;
  price: number;
  priceType: PriceType;
}

/** From `minuteOfWeek` (minutes from Monday 00:00 local) on, until the next entry, the zone `zoneId`. */
export interface TimetableEntry {
  zoneId: number;
  minuteOfWeek: number;
}

/** A home's tariff as read from its selected `electricity` schedule. */
export interface HomeTariff {
  homeId: string;
  zones: TariffZone[];
  /** Ascending by `minuteOfWeek`; the last entry runs to the end of the week, the first starts at 0 or wraps. */
  timetable: TimetableEntry[];
  /** e.g. `edf_tarif_bleu`; null when the cloud gives none. */
  tariff: string | null;
  /** e.g. `basic`, `peak_and_off_peak`; null when the cloud gives none. */
  tariffOption: string | null;
  /** ISO 4217 code from the home's country; null when the country is not one we know. */
  currency: string | null;
}

/** The account node's `tariff` property. */
export const TARIFF_SOURCES = ['cloud', 'own'] as const;
export type TariffSource = (typeof TARIFF_SOURCES)[number];

/** The user's own prices (`tariff: own`): each null when left empty (unknown). */
export interface OwnPrices {
  priceBasic: number | null;
  pricePeak: number | null;
  priceOffPeak: number | null;
  currency: string | null;
}

/** A price per kWh is a finite number above 0. */
export function isPrice(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0;
}

/** A currency the account node accepts: three letters (ISO 4217's shape), upper-cased by the caller. */
export function isCurrencyCode(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Za-z]{3}$/.test(value);
}
