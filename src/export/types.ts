// What the export node reads (the measure node's message, checked at our edge) and how it says
// what is wrong: a problem is a catalogue key and its arguments, put into words by the node.
import { SCALES, type Scale } from '../netatmo/types';

export { SCALES, type Scale };

export interface ExportPoint {
  start: number;
  end: number;
  values: Record<string, number | null>;
  total: number | null;
}

/** The measure node's `msg.payload`, as the contract gives it. */
export interface MeasurePayload {
  moduleId: string;
  deviceId: string;
  name: string;
  /** The home's IANA time zone (additive, newer measure nodes); null or absent: Node-RED's zone. */
  timezone?: string | null;
  scale: Scale;
  unit: 'Wh';
  types: string[];
  points: ExportPoint[];
  revised: number[];
}

export type ExportFormat = 'homeassistant' | 'influxdb' | 'dashboard';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['homeassistant', 'influxdb', 'dashboard'];

/** A reason to refuse a message: the node turns it into a sentence in the user's language. */
export class ExportProblem extends Error {
  constructor(
    readonly key: string,
    readonly args: Record<string, string> = {},
  ) {
    super(`${key} ${JSON.stringify(args)}`);
    this.name = 'ExportProblem';
  }
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const HALF_HOUR = 30 * MINUTE;
