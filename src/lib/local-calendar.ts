// The home's calendar: local midnights, Mondays and 1sts of the month of an IANA time zone,
// as epoch ms. Netatmo's buckets of a day or more follow the home's local calendar
// (`timezone` in `/api/homesdata`), so a day is 23 h or 25 h when the clocks change and a
// month is a calendar month. No dependency: the offsets come from Intl.DateTimeFormat, which
// carries the time zone database of the Node.js build.

const MINUTE = 60_000;
const DAY = 86_400_000;
/** The largest epoch ms a Date holds. */
export const MAX_DATE_MS = 8.64e15;

const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(zone: string): Intl.DateTimeFormat {
  let format = formats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
    // Bounded: zones come from the cloud's answers and from messages.
    if (formats.size > 200) formats.clear();
    formats.set(zone, format);
  }
  return format;
}

/** Whether Intl knows `zone` (an IANA name such as `Europe/Paris`, or `UTC`). */
export function isTimeZone(zone: unknown): zone is string {
  if (typeof zone !== 'string' || zone === '' || zone.length > 64) return false;
  try {
    formatFor(zone);
    return true;
  } catch {
    return false;
  }
}

/** Node-RED's own zone: the process's (TZ, else the system's); UTC when it cannot tell. */
export function systemTimeZone(): string {
  const zone = new Intl.DateTimeFormat().resolvedOptions().timeZone;
  return isTimeZone(zone) ? zone : 'UTC';
}

/** The local wall-clock reading of an instant, as if it were UTC (epoch ms, whole seconds). */
function wallClock(zone: string, ms: number): number {
  const fields: Record<string, number> = {};
  let bc = false;
  for (const part of formatFor(zone).formatToParts(new Date(ms))) {
    if (part.type === 'era') bc = part.value.startsWith('B');
    else if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const year = bc ? 1 - fields.year : fields.year;
  // setUTCFullYear, not Date.UTC: Date.UTC maps the years 0..99 to 1900..1999.
  const wall = new Date(0);
  wall.setUTCFullYear(year, fields.month - 1, fields.day);
  wall.setUTCHours(fields.hour % 24, fields.minute, fields.second, 0);
  return wall.getTime();
}

/** Local time minus UTC at the instant `ms`, in ms (Paris: 3 600 000 in winter, 7 200 000 in summer). */
export function offsetMs(zone: string, ms: number): number {
  const whole = Math.floor(ms / 1000) * 1000;
  return wallClock(zone, whole) - whole;
}

/**
 * The instant a local wall-clock time (given as if it were UTC) happens. When the clocks go
 * back the time happens twice: the first one. When they go forward and skip it: the instant
 * of the change (the first local time after the gap). `offset`: offsetMs, or a cache of it.
 */
export function fromWallClock(zone: string, wall: number, offset: (zone: string, ms: number) => number = offsetMs): number {
  const before = offset(zone, wall - DAY);
  const after = offset(zone, wall + DAY);
  const candidates = [wall - before, wall - after].filter((t) => t + offset(zone, t) === wall);
  if (candidates.length > 0) return Math.min(...candidates);
  return wall - before;
}

interface LocalDate {
  year: number;
  /** 0..11 */
  month: number;
  day: number;
  /** 0 = Sunday … 6 = Saturday */
  weekday: number;
}

function localDate(zone: string, ms: number): LocalDate {
  const wall = new Date(wallClock(zone, ms));
  return { year: wall.getUTCFullYear(), month: wall.getUTCMonth(), day: wall.getUTCDate(), weekday: wall.getUTCDay() };
}

/** Local midnights already worked out, by zone and UTC day number: planning and decoding ask often. */
const midnights = new Map<string, number>();

/** The instant of 00:00 local on a local date (month and day may overflow, as with Date.UTC). */
function midnight(zone: string, year: number, month: number, day: number): number {
  const wall = new Date(0);
  wall.setUTCFullYear(year, month, day);
  const key = `${zone}|${wall.getTime() / DAY}`;
  let start = midnights.get(key);
  if (start === undefined) {
    start = fromWallClock(zone, wall.getTime());
    if (midnights.size >= 20_000) midnights.clear();
    midnights.set(key, start);
  }
  return start;
}

/** The local date of the day that contains `ms`, and when that day starts. */
function dayOf(zone: string, ms: number): LocalDate & { start: number } {
  const d = localDate(zone, ms);
  const start = midnight(zone, d.year, d.month, d.day);
  if (start <= ms) return { ...d, start };
  // Only when midnight was skipped (the day starts at the change) and `ms` is just before it.
  return { ...localDate(zone, start - 1), start: midnight(zone, d.year, d.month, d.day - 1) };
}

/** The start of the local day that contains `ms`. */
export function startOfDay(zone: string, ms: number): number {
  return dayOf(zone, ms).start;
}

/** The start of the local day after the one that contains `ms`. */
export function nextDay(zone: string, ms: number): number {
  const d = dayOf(zone, ms);
  return midnight(zone, d.year, d.month, d.day + 1);
}

/** Monday 00:00 local of the week that contains `ms`. */
export function startOfWeek(zone: string, ms: number): number {
  const d = dayOf(zone, ms);
  return midnight(zone, d.year, d.month, d.day - ((d.weekday + 6) % 7));
}

/** The Monday 00:00 local after the week that contains `ms`. */
export function nextWeek(zone: string, ms: number): number {
  const d = dayOf(zone, ms);
  return midnight(zone, d.year, d.month, d.day - ((d.weekday + 6) % 7) + 7);
}

/** The 1st 00:00 local of the month that contains `ms`. */
export function startOfMonth(zone: string, ms: number): number {
  const d = dayOf(zone, ms);
  return midnight(zone, d.year, d.month, 1);
}

/** The 1st 00:00 local of the month after the one that contains `ms`. */
export function nextMonth(zone: string, ms: number): number {
  const d = dayOf(zone, ms);
  return midnight(zone, d.year, d.month + 1, 1);
}

/** `YYYY-MM-DD` of the local day that contains `ms` (for texts and keys). */
export function localDateText(zone: string, ms: number): string {
  const d = localDate(zone, ms);
  const year = d.year >= 0 && d.year <= 9999 ? String(d.year).padStart(4, '0') : String(d.year);
  return `${year}-${String(d.month + 1).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}

/** Minutes, for callers that want an offset as a text such as `+02:00`. */
export function offsetText(zone: string, ms: number): string {
  const minutes = Math.round(offsetMs(zone, ms) / MINUTE);
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
