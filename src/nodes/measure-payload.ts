// The one definition of what `econetatmo-measure` sends in `msg.payload`, for the regular reads
// and the backfills alike (the contract's shape; `revised`, `historyStart` and `warning` are its
// additive fields).
import type { Bucket, Scale } from '../netatmo/types';

export interface MeasurePoint {
  start: number;
  end: number;
  values: Record<string, number | null>;
  total: number | null;
}

export interface MeasurePayload {
  moduleId: string;
  deviceId: string;
  name: string;
  scale: Scale;
  unit: 'Wh';
  types: string[];
  points: MeasurePoint[];
  /** Starts of the points that revise a bucket sent before; always empty for a range. */
  revised: number[];
  /** Range reads: where the cloud's history starts, when it keeps less than asked. */
  historyStart?: number | null;
  warning?: string;
}

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

export function measurePayload(
  subject: PayloadSubject,
  name: string,
  buckets: readonly Bucket[],
  revised: number[] = [],
  history?: { historyStart: number | null; warning?: string },
): MeasurePayload {
  const payload: MeasurePayload = {
    moduleId: subject.moduleId,
    deviceId: subject.deviceId,
    name,
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
