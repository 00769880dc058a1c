// What the export node reads (the measure node's message, checked at our edge) and how it says
// what is wrong: a problem is a catalogue key and its arguments, put into words by the node.
import { SCALES, type Scale } from '../contract/measure-types';
import type { MeasurePayload as MeasureOutput, MeasurePoint } from '../contract/measure-payload';

export { SCALES, type Scale };

// The payload has one definition, the measure node's (a type-only import: nothing of Node-RED
// comes with it). The export reads it less what it ignores, and an older measure node may send
// no `timezone`.
export type ExportPoint = MeasurePoint;

/** The measure node's `msg.payload`, as the export reads it. */
export type MeasurePayload = Omit<MeasureOutput, 'timezone' | 'historyStart' | 'warning'> & { timezone?: string | null };

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
