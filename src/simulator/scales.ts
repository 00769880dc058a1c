// Bucket grids. Fixed-step scales align on the epoch (UTC); weeks are 7 days from the UTC day of date_begin;
// months are calendar months in UTC.

export const SCALES = ['30min', '1hour', '3hours', '1day', '1week', '1month'] as const;
export type ScaleName = (typeof SCALES)[number];

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const FIXED_STEP: Record<Exclude<ScaleName, '1month'>, number> = {
  '30min': HOUR / 2,
  '1hour': HOUR,
  '3hours': 3 * HOUR,
  '1day': DAY,
  '1week': 7 * DAY,
};

/** The scale named on the wire; `max` is the finest scale. Undefined when unknown. */
export function parseScale(text: string): ScaleName | undefined {
  if (text === 'max') return '30min';
  return (SCALES as readonly string[]).includes(text) ? (text as ScaleName) : undefined;
}

export function alignDown(scale: ScaleName, t: number): number {
  if (scale === '1month') {
    const d = new Date(t);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  }
  const step = scale === '1week' ? DAY : FIXED_STEP[scale];
  return Math.floor(t / step) * step;
}

export function bucketEnd(scale: ScaleName, start: number): number {
  if (scale === '1month') {
    const d = new Date(start);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  }
  return start + FIXED_STEP[scale];
}

/** The start of the bucket (on the grid through `gridStart`) that contains t, for t >= gridStart. */
export function bucketContaining(scale: ScaleName, gridStart: number, t: number): number {
  if (t <= gridStart) return gridStart;
  if (scale === '1month') {
    let start = gridStart;
    for (let end = bucketEnd(scale, start); end <= t; end = bucketEnd(scale, start)) start = end;
    return start;
  }
  const step = FIXED_STEP[scale];
  return gridStart + Math.floor((t - gridStart) / step) * step;
}
