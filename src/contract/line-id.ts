// The rule of a module id a measure node reads. An ecocounter line is the ecocounter's id (its
// MAC address, six hex pairs), `#`, the line's index 0..8 (`70:ee:50:12:34:56#3`); the API pairs
// it with its ecocounter by this prefix. Every other module of the range is its own id, eight hex
// pairs in every real answer (`12:34:56:00:00:a1:4c:da`), with `#N` for a sub-module (the phases
// of a three-phase meter, the outputs of a double switch; six pairs with `#N` are accepted too);
// its device (the gateway) cannot be read from the id. The editor gets the same patterns through
// src/contract/editor-constants.ts.

const PAIR = '[0-9a-f]{2}';
/** An ecocounter's id: six hex pairs. */
const ECOCOUNTER = `(?:${PAIR}:){5}${PAIR}`;
/** A module of the range (an EUI-64: eight hex pairs); a device's id (ecocounter, gateway): six or eight. */
const MODULE = `(?:${PAIR}:){7}${PAIR}`;
const DEVICE = `(?:${PAIR}:){5}(?:${PAIR}:${PAIR}:)?${PAIR}`;

/**
 * The patterns as text (for the editor, which builds its own RegExp from them), matched with
 * ID_PATTERN_FLAGS (case-insensitive).
 */
export const LINE_ID_PATTERN = `^(${ECOCOUNTER})#([0-8])$`;
/** Six pairs only with `#N` (a bare six-pair id is an ecocounter or a gateway, not a line). */
export const MODULE_ID_PATTERN = `^(${MODULE}(?=#[0-8]$|$)|${ECOCOUNTER}(?=#))(?:#([0-8]))?$`;
export const DEVICE_ID_PATTERN = `^${DEVICE}$`;
export const ID_PATTERN_FLAGS = 'i';

const LINE_ID = new RegExp(LINE_ID_PATTERN, ID_PATTERN_FLAGS);
const MODULE_ID = new RegExp(MODULE_ID_PATTERN, ID_PATTERN_FLAGS);
const DEVICE_ID = new RegExp(DEVICE_ID_PATTERN, ID_PATTERN_FLAGS);

/**
 * The ecocounter part of an id shaped as an ecocounter line (`<6 pairs>#<0..8>`), in the id's
 * own spelling, or null. Only a guess for an id the account's lines do not know: a sub-module of
 * another model may have the same shape.
 */
export function lineDevice(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const m = LINE_ID.exec(value);
  return m ? m[1] : null;
}

/** Shaped as an ecocounter line id. */
export function isLineId(value: unknown): value is string {
  return lineDevice(value) !== null;
}

/** Any id a measure node reads: an ecocounter line, a module, or a `#N` sub-module. */
export function isModuleId(value: unknown): value is string {
  return typeof value === 'string' && MODULE_ID.test(value);
}

/** A device id (an ecocounter or a gateway). */
export function isDeviceId(value: unknown): value is string {
  return typeof value === 'string' && DEVICE_ID.test(value);
}

/** The `N` of a `…#N` id, or null. */
export function subModuleIndex(value: string): number | null {
  const m = MODULE_ID.exec(value);
  return m && m[2] !== undefined ? Number(m[2]) : null;
}
