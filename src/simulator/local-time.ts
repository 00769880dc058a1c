// The home's wall clock, for the simulated cloud: the household lives on local hours and the
// day, week and month buckets follow the home's local calendar. Deliberately not shared with the
// client's calendar (src/lib/local-calendar.ts): the two sides of the wire check each other.
//
// Offsets come from Intl. Assumption (true for every zone the simulator's homes use): offsets
// only change on a whole hour UTC, so one lookup per UTC hour is cached.

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export class LocalTime {
  private readonly format: Intl.DateTimeFormat;
  private readonly offsets = new Map<number, number>();

  constructor(readonly zone: string) {
    // Throws RangeError for a zone Intl does not know: a simulator option error, found at start.
    this.format = new Intl.DateTimeFormat('en-GB', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
  }

  /** Local minus UTC at the instant t (ms). */
  offset(t: number): number {
    const hour = Math.floor(t / HOUR);
    let offset = this.offsets.get(hour);
    if (offset === undefined) {
      const at = hour * HOUR;
      const p: Record<string, number> = {};
      for (const part of this.format.formatToParts(new Date(at))) if (part.type !== 'literal') p[part.type] = Number(part.value);
      offset = Date.UTC(p.year, p.month - 1, p.day, p.hour % 24, p.minute, p.second) - at;
      if (this.offsets.size > 50_000) this.offsets.clear();
      this.offsets.set(hour, offset);
    }
    return offset;
  }

  /** The wall-clock reading of t, as if it were UTC. */
  wall(t: number): number {
    return t + this.offset(t);
  }

  /** The first instant whose wall clock reads `wall` or later (a skipped time gives the change). */
  instant(wall: number): number {
    // The answer is within a day of wall - offset; walk the two offsets seen around it.
    const early = wall - this.offset(wall - DAY);
    const late = wall - this.offset(wall + DAY);
    const first = Math.min(early, late);
    if (this.wall(first) >= wall) return first;
    const second = Math.max(early, late);
    if (this.wall(second) >= wall) {
      // A gap between them: the change is on a whole hour, find it.
      let t = Math.ceil(first / HOUR) * HOUR;
      while (this.wall(t) < wall) t += HOUR;
      return Math.min(t, second);
    }
    return second;
  }

  /** Local midnight (as an instant) of the local day containing t. */
  dayStart(t: number): number {
    const start = this.instant(Math.floor(this.wall(t) / DAY) * DAY);
    return start <= t ? start : this.instant(Math.floor(this.wall(t) / DAY) * DAY - DAY);
  }

  /** Local midnight after the local day containing t. */
  dayEnd(t: number): number {
    return this.instant(Math.floor(this.wall(this.dayStart(t)) / DAY) * DAY + DAY);
  }

  /** Monday 00:00 local of the week containing t. */
  weekStart(t: number): number {
    const wallDay = Math.floor(this.wall(this.dayStart(t)) / DAY); // days since 1970-01-01, a Thursday
    const sinceMonday = (((wallDay + 3) % 7) + 7) % 7;
    return this.instant((wallDay - sinceMonday) * DAY);
  }

  weekEnd(t: number): number {
    const monday = Math.floor(this.wall(this.weekStart(t)) / DAY);
    return this.instant((monday + 7) * DAY);
  }

  /** The 1st 00:00 local of the month containing t. */
  monthStart(t: number): number {
    const d = new Date(this.wall(this.dayStart(t)));
    return this.instant(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
  }

  monthEnd(t: number): number {
    const d = new Date(this.wall(this.dayStart(t)));
    return this.instant(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
  }
}
