// The one definition of what `econetatmo-measure` sends in `msg.payload`, for the regular reads
// and the backfills alike (the contract's shape; `revised`, `timezone`, `historyStart` and
// `warning` are its additive fields). The export reads the same type.
import type { Scale } from './measure-types';

export interface MeasurePoint {
  start: number;
  end: number;
  values: Record<string, number | null>;
  total: number | null;
  /**
   * What the bucket's energy cost, in the payload's `currency`, with the prices in force when the
   * bucket was first read; null when no price is known. Absent from messages made before costs.
   */
  cost?: number | null;
}

export interface MeasurePayload {
  moduleId: string;
  deviceId: string;
  name: string;
  /**
   * The home's IANA time zone (`Europe/Paris`), the one `1day`/`1week`/`1month` points are cut
   * in; null when the home has none Node.js knows (those points then follow Node-RED's zone).
   */
  timezone: string | null;
  scale: Scale;
  unit: 'Wh';
  types: string[];
  points: MeasurePoint[];
  /** Starts of the points that revise a bucket sent before; always empty for a range. */
  revised: number[];
  /** Range reads: where the cloud's history starts, when it keeps less than asked. */
  historyStart?: number | null;
  warning?: string;
  /** ISO 4217 code of the points' `cost`; null when no price is known. */
  currency?: string | null;
}
