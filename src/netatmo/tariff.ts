// `/api/homesdata` -> each home's tariff, from its selected `electricity` schedule (zones with a
// price per kWh and a `price_type`, a weekly timetable in minutes from Monday 00:00 local).
// Read from the same answer as the lines, at the edge. A bad schedule never refuses the lines:
// the home then has no tariff and one problem that says why (its costs become null, its energy
// is still sent).
import { isRecord } from './errors';
import { PRICE_TYPES_OF_ZONES, type HomeTariff, type PriceType, type TariffZone, type TimetableEntry } from '../contract/tariff';

export const MINUTES_PER_WEEK = 7 * 1440;

/**
 * The currency of each country Netatmo sells its Legrand range in (the answer gives a `country`
 * and no currency). A country missing here gives no currency; the account's own currency wins.
 */
const CURRENCY_OF_COUNTRY: Readonly<Record<string, string>> = {
  AT: 'EUR',
  BE: 'EUR',
  CY: 'EUR',
  DE: 'EUR',
  EE: 'EUR',
  ES: 'EUR',
  FI: 'EUR',
  FR: 'EUR',
  GR: 'EUR',
  HR: 'EUR',
  IE: 'EUR',
  IT: 'EUR',
  LT: 'EUR',
  LU: 'EUR',
  LV: 'EUR',
  MC: 'EUR',
  MT: 'EUR',
  NL: 'EUR',
  PT: 'EUR',
  SI: 'EUR',
  SK: 'EUR',
  AD: 'EUR',
  GB: 'GBP',
  CH: 'CHF',
  LI: 'CHF',
  PL: 'PLN',
  CZ: 'CZK',
  HU: 'HUF',
  RO: 'RON',
  BG: 'BGN',
  SE: 'SEK',
  NO: 'NOK',
  DK: 'DKK',
  IS: 'ISK',
  TR: 'TRY',
  IL: 'ILS',
  AE: 'AED',
  SA: 'SAR',
  ZA: 'ZAR',
  MA: 'MAD',
  US: 'USD',
  CA: 'CAD',
  MX: 'MXN',
  BR: 'BRL',
  CL: 'CLP',
  AR: 'ARS',
  CO: 'COP',
  AU: 'AUD',
  NZ: 'NZD',
  JP: 'JPY',
  KR: 'KRW',
  CN: 'CNY',
  HK: 'HKD',
  SG: 'SGD',
  IN: 'INR',
  TW: 'TWD',
  TH: 'THB',
  MY: 'MYR',
};

/** The currency of a home's `country` (ISO 3166 alpha-2), or null. */
export function currencyOfCountry(country: unknown): string | null {
  if (typeof country !== 'string') return null;
  return CURRENCY_OF_COUNTRY[country.toUpperCase()] ?? null;
}

/** Why a home's schedule gives no prices; `detail` is the offending value, as text. */
export type TariffProblemCode = 'unknown_price_type' | 'bad_price' | 'bad_offset' | 'missing_zone' | 'two_schedules' | 'bad_schedule';

export interface TariffProblem {
  code: TariffProblemCode;
  detail: string;
}

/** A home's prices: a tariff, or none (no schedule, or a bad one: then `problem` says why). */
export interface TariffReading {
  homeId: string;
  tariff: HomeTariff | null;
  problem: TariffProblem | null;
}

class BadSchedule extends Error {
  constructor(readonly problem: TariffProblem) {
    super(problem.code);
  }
}

function bad(code: TariffProblemCode, detail: unknown): never {
  throw new BadSchedule({ code, detail: String(JSON.stringify(detail) ?? detail).slice(0, 60) });
}

function isPriceType(value: unknown): value is PriceType {
  return typeof value === 'string' && (PRICE_TYPES_OF_ZONES as readonly string[]).includes(value);
}

function parseZones(value: unknown): TariffZone[] {
  if (!Array.isArray(value) || value.length === 0) bad('bad_schedule', 'zones');
  const zones: TariffZone[] = [];
  for (const zone of value as unknown[]) {
    if (!isRecord(zone) || typeof zone.id !== 'number' || !Number.isInteger(zone.id)) bad('bad_schedule', 'zone id');
    if (!isPriceType(zone.price_type)) bad('unknown_price_type', zone.price_type);
    // A free zone (0) is a price; a negative or non-numeric one is not.
    if (typeof zone.price !== 'number' || !Number.isFinite(zone.price) || zone.price < 0) bad('bad_price', zone.price);
    if (zones.some((z) => z.id === zone.id)) bad('bad_schedule', `zone ${String(zone.id)}`);
    zones.push({ id: zone.id, price: zone.price, priceType: zone.price_type });
  }
  return zones;
}

function parseTimetable(value: unknown, zones: TariffZone[]): TimetableEntry[] {
  if (value === undefined || value === null || (Array.isArray(value) && value.length === 0)) {
    // One zone needs no timetable; several without one cannot be told apart.
    if (zones.length === 1) return [{ zoneId: zones[0].id, minuteOfWeek: 0 }];
    bad('bad_schedule', 'timetable');
  }
  if (!Array.isArray(value)) bad('bad_schedule', 'timetable');
  const entries: TimetableEntry[] = [];
  for (const entry of value as unknown[]) {
    if (!isRecord(entry)) bad('bad_schedule', 'timetable entry');
    const m = entry.m_offset;
    if (typeof m !== 'number' || !Number.isInteger(m) || m < 0 || m >= MINUTES_PER_WEEK) bad('bad_offset', m);
    if (!zones.some((z) => z.id === entry.zone_id)) bad('missing_zone', entry.zone_id);
    entries.push({ zoneId: entry.zone_id as number, minuteOfWeek: m });
  }
  entries.sort((a, b) => a.minuteOfWeek - b.minuteOfWeek);
  return entries;
}

function optionalText(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value.slice(0, 80) : null;
}

/** One home's reading; never throws. */
function readHomeTariff(home: Record<string, unknown>, homeId: string): TariffReading {
  const schedules = Array.isArray(home.schedules) ? (home.schedules as unknown[]) : [];
  const selected = schedules.filter((s): s is Record<string, unknown> => isRecord(s) && s.type === 'electricity' && s.selected === true);
  if (selected.length === 0) return { homeId, tariff: null, problem: null };
  if (selected.length > 1) return { homeId, tariff: null, problem: { code: 'two_schedules', detail: String(selected.length) } };
  const schedule = selected[0];
  try {
    const zones = parseZones(schedule.zones);
    const timetable = parseTimetable(schedule.timetable, zones);
    return {
      homeId,
      tariff: {
        homeId,
        zones,
        timetable,
        tariff: optionalText(schedule.tariff),
        tariffOption: optionalText(schedule.tariff_option),
        currency: currencyOfCountry(home.country),
      },
      problem: null,
    };
  } catch (err) {
    if (err instanceof BadSchedule) return { homeId, tariff: null, problem: err.problem };
    throw err;
  }
}

/** Every home's reading, by home id. Accepts the whole answer or its `body`; a broken answer gives none. */
export function parseHomeTariffs(answer: unknown): Map<string, TariffReading> {
  const readings = new Map<string, TariffReading>();
  if (!isRecord(answer)) return readings;
  const body = 'homes' in answer ? answer : answer.body;
  if (!isRecord(body) || !Array.isArray(body.homes)) return readings;
  for (const home of body.homes as unknown[]) {
    if (!isRecord(home) || typeof home.id !== 'string') continue;
    readings.set(home.id, readHomeTariff(home, home.id));
  }
  return readings;
}
