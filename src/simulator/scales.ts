// Bucket grids. Sub-day scales are fixed steps on the epoch; days, weeks (from Monday) and months follow
// the home's local calendar: 23 h and 25 h days when the clocks change, calendar months.
import type { LocalTime } from './local-time';

export const SCALES = ['30min', '1hour', '3hours', '1day', '1week', '1month'] as const;
export type ScaleName = (typeof SCALES)[number];

const HOUR = 3_600_000;
type LocalScaleName = '1day' | '1week' | '1month';
const FIXED_STEP: Record<Exclude<ScaleName, LocalScaleName>, number> = {
  '30min': HOUR / 2,
  '1hour': HOUR,
  '3hours': 3 * HOUR,
};

function isLocal(scale: ScaleName): scale is LocalScaleName {
  return scale === '1day' || scale === '1week' || scale === '1month';
}

/** The scale named on the wire; `max` is the finest scale. Undefined when unknown. */
export function parseScale(text: string): ScaleName | undefined {
  if (text === 'max') return '30min';
  return (SCALES as readonly string[]).includes(text) ? (text as ScaleName) : undefined;
}

export function alignDown(scale: ScaleName, t: number, local: LocalTime): number {
  if (scale === '1day') return local.dayStart(t);
  if (scale === '1week') return local.weekStart(t);
  if (scale === '1month') return local.monthStart(t);
  const step = FIXED_STEP[scale];
  return Math.floor(t / step) * step;
}

export function bucketEnd(scale: ScaleName, start: number, local: LocalTime): number {
  if (scale === '1day') return local.dayEnd(start);
  if (scale === '1week') return local.weekEnd(start);
  if (scale === '1month') return local.monthEnd(start);
  return start + FIXED_STEP[scale];
}

/** The start of the bucket (on the grid through `gridStart`) that contains t, for t >= gridStart. */
export function bucketContaining(scale: ScaleName, gridStart: number, t: number, local: LocalTime): number {
  if (t <= gridStart) return gridStart;
  if (isLocal(scale)) return alignDown(scale, t, local);
  const step = FIXED_STEP[scale];
  return gridStart + Math.floor((t - gridStart) / step) * step;
}
