// Each home's `electricity` schedule in /api/homesdata (shaped like the real one: zones with a price per kWh
// and a weekly timetable in minutes from Monday 00:00 local), and the tariff column ($0 basic, $1 peak,
// $2 off-peak) it gives each minute of the Legrand range's energy.
import { hex } from './hash';
import type { LocalTime } from './local-time';

const DAY = 86_400_000;
const MINUTE = 60_000;
export const MINUTES_PER_WEEK = 7 * 1440;

export type PriceType = 'basic' | 'peak' | 'off_peak';

export interface ElectricitySchedule {
  timetable: Array<{ zone_id: number; m_offset: number }>;
  zones: Array<{ id: number; price: number; price_type: PriceType }>;
  name: string;
  default: boolean;
  tariff: string;
  tariff_option: 'basic' | 'peak_and_off_peak';
  power_threshold: number;
  contract_power_unit: string;
  id: string;
  type: 'electricity';
  selected: boolean;
}

/**
 * Peak 06:00–22:00, off-peak 22:00–06:00 every day: the hours the ecocounter's `$1`/`$2` columns already
 * follow, and the ecocounter's prices (0.27 and 0.20 per kWh).
 */
export function peakOffPeakSchedule(seed: number): ElectricitySchedule {
  const timetable: ElectricitySchedule['timetable'] = [];
  for (let day = 0; day < 7; day++) {
    if (day === 0) timetable.push({ zone_id: 1, m_offset: 0 });
    timetable.push({ zone_id: 0, m_offset: day * 1440 + 6 * 60 });
    timetable.push({ zone_id: 1, m_offset: day * 1440 + 22 * 60 });
  }
  return {
    timetable,
    zones: [
      { id: 0, price: 0.27, price_type: 'peak' },
      { id: 1, price: 0.2, price_type: 'off_peak' },
    ],
    name: 'electricity',
    default: false,
    tariff: 'edf_tarif_bleu',
    tariff_option: 'peak_and_off_peak',
    power_threshold: 9,
    contract_power_unit: 'kVA',
    id: hex(seed, 0x5c4, 1, 24),
    type: 'electricity',
    selected: true,
  };
}

/** One price all week (the second home, in Japan: yen per kWh, no currency field as in the real answer). */
export function basicSchedule(seed: number): ElectricitySchedule {
  return {
    timetable: [{ zone_id: 0, m_offset: 0 }],
    zones: [{ id: 0, price: 31, price_type: 'basic' }],
    name: 'electricity',
    default: false,
    tariff: 'custom',
    tariff_option: 'basic',
    power_threshold: 6,
    contract_power_unit: 'kVA',
    id: hex(seed, 0x5c4, 2, 24),
    type: 'electricity',
    selected: true,
  };
}

const COLUMN: Record<PriceType, number> = { basic: 0, peak: 1, off_peak: 2 };

/** The tariff column (0..2) of every minute of the week, read from a schedule's timetable. */
export class TariffClock {
  private readonly byMinute = new Uint8Array(MINUTES_PER_WEEK);

  constructor(
    schedule: ElectricitySchedule,
    private readonly local: LocalTime,
  ) {
    const column = new Map(schedule.zones.map((z) => [z.id, COLUMN[z.price_type]]));
    const entries = [...schedule.timetable].sort((a, b) => a.m_offset - b.m_offset);
    // Before the first entry of the week, the last one still runs (it wraps over Sunday night).
    let current = column.get(entries[entries.length - 1].zone_id) ?? 0;
    let next = 0;
    for (let m = 0; m < MINUTES_PER_WEEK; m++) {
      while (next < entries.length && entries[next].m_offset <= m) current = column.get(entries[next++].zone_id) ?? 0;
      this.byMinute[m] = current;
    }
  }

  /** Minutes since Monday 00:00 local at the instant t (ms). */
  minuteOfWeek(t: number): number {
    const wall = this.local.wall(t);
    const day = Math.floor(wall / DAY);
    const weekday = (((day + 3) % 7) + 7) % 7; // 1970-01-01 was a Thursday; 0 = Monday
    return weekday * 1440 + Math.floor((wall - day * DAY) / MINUTE);
  }

  /** The column of the minute `m` of the week. */
  column(minuteOfWeek: number): number {
    return this.byMinute[((minuteOfWeek % MINUTES_PER_WEEK) + MINUTES_PER_WEEK) % MINUTES_PER_WEEK];
  }
}
