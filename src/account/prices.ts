// A home's prices as the pricing of a bucket needs them (src/measure/pricing.ts): the cloud's
// tariff, or the account's own prices laid on the cloud's timetable.
import { TARIFF_COLUMN, type HomeTariff, type OwnPrices, type PriceType } from '../contract/tariff';

/** What pricing needs of a home, once the account's own prices are applied. */
export interface Prices {
  currency: string | null;
  /** Price per kWh of columns `$0`, `$1`, `$2`; null when unknown (or ambiguous: two zones of one type, two prices). */
  columns: [number | null, number | null, number | null];
  /** Zone changes in the home's local week, ascending, each with its price per kWh (null: unknown). */
  timetable: Array<{ minuteOfWeek: number; price: number | null }>;
  /** The home's IANA zone, which the timetable's week is in. */
  timeZone: string;
}

function columnPrices(tariff: HomeTariff): Prices['columns'] {
  const columns: Prices['columns'] = [null, null, null];
  for (const type of Object.keys(TARIFF_COLUMN) as PriceType[]) {
    const prices = new Set(tariff.zones.filter((z) => z.priceType === type).map((z) => z.price));
    if (prices.size === 1) columns[TARIFF_COLUMN[type]] = [...prices][0];
  }
  return columns;
}

/**
 * A home's prices: the cloud's tariff, or with `own` the user's prices on the cloud's timetable
 * (or priceBasic all week when the home has none). Null when nothing is priced.
 */
export function homePrices(tariff: HomeTariff | null, own: OwnPrices | null, timeZone: string): Prices | null {
  let prices: Prices | null = null;
  if (own) {
    const columns: Prices['columns'] = [own.priceBasic, own.pricePeak, own.priceOffPeak];
    const timetable = tariff
      ? tariff.timetable.map((e) => {
          const zone = tariff.zones.find((z) => z.id === e.zoneId);
          return { minuteOfWeek: e.minuteOfWeek, price: zone ? columns[TARIFF_COLUMN[zone.priceType]] : null };
        })
      : [{ minuteOfWeek: 0, price: own.priceBasic }];
    prices = { currency: own.currency ?? tariff?.currency ?? null, columns, timetable, timeZone };
  } else if (tariff) {
    const timetable = tariff.timetable.map((e) => ({ minuteOfWeek: e.minuteOfWeek, price: tariff.zones.find((z) => z.id === e.zoneId)?.price ?? null }));
    prices = { currency: tariff.currency, columns: columnPrices(tariff), timetable, timeZone };
  }
  if (prices === null || (prices.columns.every((p) => p === null) && prices.timetable.every((e) => e.price === null))) return null;
  return prices;
}
