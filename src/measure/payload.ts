// The one definition of what `econetatmo-measure` sends in `msg.payload`, for the regular reads
// and the backfills alike (the contract's shape; `revised`, `timezone`, `historyStart` and
// `warning` are its additive fields).
import type { MeasurePayload, MeasurePoint } from '../contract/measure-payload';
import type { Bucket } from '../netatmo/types';
import type { Scale } from '../contract/measure-types';

/** What a payload is about: the line, its ecocounter, the scale and the types asked for. */
export interface PayloadSubject {
  moduleId: string;
  deviceId: string;
  scale: Scale;
  types: readonly string[];
}

export function toPoints(buckets: readonly Bucket[]): MeasurePoint[] {
  return buckets.map((b) => ({ start: b.start, end: b.end, values: { ...b.values }, total: b.total }));
}

/** The line as the payload names it: its name, and its home's time zone (null: none known). */
export interface PayloadLine {
  name: string;
  timezone: string | null;
}

export function measurePayload(
  subject: PayloadSubject,
  line: PayloadLine,
  buckets: readonly Bucket[],
  revised: number[] = [],
  history?: { historyStart: number | null; warning?: string },
): MeasurePayload {
  const payload: MeasurePayload = {
    moduleId: subject.moduleId,
    deviceId: subject.deviceId,
    name: line.name,
    timezone: line.timezone,
    scale: subject.scale,
    unit: 'Wh',
    types: [...subject.types],
    points: toPoints(buckets),
    revised,
  };
  if (history !== undefined) {
    payload.historyStart = history.historyStart;
    if (history.warning !== undefined) payload.warning = history.warning;
  }
  return payload;
}
