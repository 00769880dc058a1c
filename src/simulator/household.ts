// The synthetic household: Wh per 30-minute slot for each of the five electrical circuits, as a pure function
// of (seed, circuit, slot, the home's zone). Slots are counted from the epoch (slot = floor(ms / 30 min));
// times of day, weekdays and seasons are the home's local ones: people cook at 19:00 on their own clock.
import { unit } from './hash';
import type { LocalTime } from './local-time';

export const SLOT_MS = 30 * 60 * 1000;
const DAY = 86_400_000;
export const CIRCUITS = 5;
/** Peak / off-peak contract: off-peak 22:00–06:00 local time. */
export const OFF_PEAK_FROM_HOUR = 22;
export const OFF_PEAK_TO_HOUR = 6;

export function isOffPeak(slot: number, local: LocalTime): boolean {
  const hour = Math.floor(localHalfHour(slot, local) / 2);
  return hour >= OFF_PEAK_FROM_HOUR || hour < OFF_PEAK_TO_HOUR;
}

/** Half-hours since local midnight (0..47) at the slot's start. */
function localHalfHour(slot: number, local: LocalTime): number {
  return Math.floor(mod(local.wall(slot * SLOT_MS), DAY) / SLOT_MS);
}

function mod(a: number, n: number): number {
  return ((a % n) + n) % n;
}

interface SlotTime {
  /** Half-hours since midnight, 0..47. */
  halfHour: number;
  day: number;
  weekend: boolean;
  /** +1 at midsummer, -1 at midwinter. */
  season: number;
}

function timeOf(slot: number, local: LocalTime): SlotTime {
  const day = Math.floor(local.wall(slot * SLOT_MS) / DAY); // local days since 1970-01-01
  const weekday = mod(day + 4, 7); // 1970-01-01 was a Thursday; 0 = Sunday
  const dayOfYear = mod(day, 365.2425);
  return {
    halfHour: localHalfHour(slot, local),
    day,
    weekend: weekday === 0 || weekday === 6,
    season: Math.cos((2 * Math.PI * (dayOfYear - 172)) / 365.2425),
  };
}

const KITCHEN = 0;
const WATER_HEATER = 1;
const AIR_CONDITIONING = 2;
const LIGHTING = 3;
const LAUNDRY_OFFICE = 4;

/** Wh drawn by one circuit (0..4) during one 30-minute slot; always 10..1500. */
export function circuitWh(seed: number, circuit: number, slot: number, local: LocalTime): number {
  const t = timeOf(slot, local);
  const noise = unit(seed, 0xc1 + circuit, slot);
  const daily = unit(seed, 0xd1 + circuit, t.day);
  let wh: number;
  switch (circuit) {
    case KITCHEN:
      wh = kitchen(t, noise, daily);
      break;
    case WATER_HEATER:
      wh = waterHeater(t, noise, daily);
      break;
    case AIR_CONDITIONING:
      wh = airConditioning(t, noise, daily);
      break;
    case LIGHTING:
      wh = lighting(t, noise, daily);
      break;
    case LAUNDRY_OFFICE:
      wh = laundryOffice(t, noise, daily, unit(seed, 0xe4, t.day));
      break;
    default:
      wh = 0;
  }
  return Math.max(10, Math.min(1500, Math.round(wh)));
}

/** Fridge all day; breakfast kettle; lunch at weekends (sometimes weekdays); dinner most days. */
function kitchen(t: SlotTime, noise: number, daily: number): number {
  let wh = 30 + 15 * noise;
  const h = t.halfHour;
  if (h === 14 || h === 15) wh += 120 + 250 * noise;
  const cooksLunch = t.weekend || daily < 0.3;
  if (cooksLunch && h >= 24 && h <= 26) wh += 500 + 800 * noise;
  const cooksDinner = daily < 0.85;
  if (cooksDinner && h >= 38 && h <= 40) wh += 450 + 900 * noise;
  return wh;
}

/** Heats at the start of off-peak hours, longer in winter; idles otherwise. */
function waterHeater(t: SlotTime, noise: number, daily: number): number {
  const slotsOfHeating = Math.round(3 + 2 * (1 - t.season) + 2 * daily); // 3..9 half-hours
  const sinceStart = t.halfHour >= 44 ? t.halfHour - 44 : t.halfHour + 4; // 22:00 is 0
  const offPeak = t.halfHour >= 44 || t.halfHour < 12;
  if (offPeak && sinceStart < slotsOfHeating) return 1080 + 120 * noise;
  return 8 + 6 * noise;
}

/** Summer afternoons (warmer days cool longer); a little heat-pump use on winter mornings and evenings. */
function airConditioning(t: SlotTime, noise: number, daily: number): number {
  const h = t.halfHour;
  const summer = Math.max(0, t.season);
  const winter = Math.max(0, -t.season);
  if (summer > 0.35 && h >= 26 && h < 38 && daily < 0.4 + summer * 0.6) {
    return 200 + 650 * summer * (0.6 + 0.4 * noise);
  }
  if (winter > 0.5 && ((h >= 12 && h < 16) || (h >= 36 && h < 44)) && daily < winter) {
    return 200 + 500 * winter * noise;
  }
  return 10 + 5 * noise;
}

/** Evenings from dusk (earlier in winter) to 23:30; winter mornings. */
function lighting(t: SlotTime, noise: number, daily: number): number {
  const h = t.halfHour;
  const dusk = Math.round(36 + 6 * t.season); // 18:00 ± 3 h
  if (h >= dusk && h < 47) return 60 + 110 * noise + 40 * daily;
  if (t.season < 0 && h >= 13 && h < 16) return 40 + 60 * noise;
  return 10 + 4 * noise;
}

/** Home office on weekdays; a washing-machine cycle on about three days a week. */
function laundryOffice(t: SlotTime, noise: number, daily: number, laundryDraw: number): number {
  const h = t.halfHour;
  let wh = 12 + 6 * noise;
  if (!t.weekend && h >= 18 && h < 36) wh += 40 + 40 * noise;
  if (laundryDraw < 0.43) {
    const begin = daily < 0.5 ? 20 : 36; // 10:00 or 18:00
    const k = h - begin;
    if (k === 0)
      wh += 900 + 400 * noise; // heating the water
    else if (k >= 1 && k <= 3) wh += 150 + 150 * noise;
  }
  return wh;
}
