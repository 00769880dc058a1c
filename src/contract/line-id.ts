// The one rule of a line id: the ecocounter's id (its MAC address, six hex pairs), `#`, the
// line's index 0..8 (`70:ee:50:12:34:56#3`). The API pairs a line with its ecocounter by this
// prefix. The editor gets the same pattern from src/contract/editor-constants.ts.

/** An ecocounter's id: six hex pairs. */
const DEVICE = '(?:[0-9a-f]{2}:){5}[0-9a-f]{2}';

/**
 * The patterns as text (for the editor, which builds its own RegExp from them), matched with
 * ID_PATTERN_FLAGS (case-insensitive).
 */
export const LINE_ID_PATTERN = `^(${DEVICE})#([0-8])$`;
export const DEVICE_ID_PATTERN = `^${DEVICE}$`;
export const ID_PATTERN_FLAGS = 'i';

const LINE_ID = new RegExp(LINE_ID_PATTERN, ID_PATTERN_FLAGS);

/** The ecocounter part of a line id, in the id's own spelling, or null when it is not one. */
export function lineDevice(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const m = LINE_ID.exec(value);
  return m ? m[1] : null;
}

export function isLineId(value: unknown): value is string {
  return lineDevice(value) !== null;
}
