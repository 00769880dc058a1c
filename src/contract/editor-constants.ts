// The constants the runtime and the editor share, defined once, here or in the contract module
// that owns the rule (the line id: line-id.ts; scales and types: measure-types.ts).
//
// The editor files (nodes/*.html) never carry a hand copy: the build writes EDITOR_CONSTANTS into
// each of them between the `econetatmo:constants` markers (scripts/write-entries.js, through
// withConstants below), so the editor and the runtime cannot drift apart.
import { BACKFILL_OUTPUTS } from './measure-types';
import { DEVICE_ID_PATTERN, ID_PATTERN_FLAGS, LINE_ID_PATTERN } from './line-id';
import { DEFAULT_TYPES, MEASURE_TYPES, SCALES } from './measure-types';
import { DEFAULT_POWER_INTERVAL_S, MIN_POWER_INTERVAL_S, POWER_OUTPUTS } from './power';

/** The Netatmo cloud, unless the account says otherwise (the simulator, a proxy). */
export const DEFAULT_API_URL = 'https://api.netatmo.com';
/** Where Netatmo sends the browser back after consent, under Node-RED's admin root. */
export const CALLBACK_PATH = '/econetatmo/oauth/callback';

/** A measure node's `interval` when none (or nothing readable) is set, in minutes. */
export const DEFAULT_INTERVAL_MIN = 10;

/** The editor's text key of a measure type (`econetatmo-measure.types.<key>`). */
export function typeTextKey(type: string): string {
  const [base, tariff] = type.split('$');
  if (base === 'sum_energy_price') return `price${tariff ?? ''}`;
  return tariff === undefined ? 'total' : `tariff${tariff}`;
}

/** What an editor needs, as plain JSON. */
export interface EditorConstants {
  /** Relative to the editor's admin root, as the editor builds URLs. */
  callbackPath: string;
  defaultApiUrl: string;
  /** [type, text key] in the order the editor lists them. */
  types: Array<[string, string]>;
  /** The default types, comma-separated as the node stores them. */
  defaultTypes: string;
  scales: string[];
  /** Source of the line id pattern (`<ecocounter id>#<0..8>`), from src/netatmo/line-id.ts. */
  lineId: string;
  /** Source of the ecocounter id pattern, from src/netatmo/line-id.ts. */
  deviceId: string;
  /** The flags both patterns are matched with (`new RegExp(lineId, idFlags)`). */
  idFlags: string;
  defaultIntervalMin: number;
  /** How a backfill is sent: one message, or `msg.parts` pages for a Join node. */
  rangeOutputs: string[];
  /** A power node's interval in seconds: its default and the shortest allowed (0 aside). */
  powerIntervalS: { default: number; min: number };
  powerOutputs: string[];
}

export const EDITOR_CONSTANTS: EditorConstants = {
  callbackPath: CALLBACK_PATH.replace(/^\//, ''),
  defaultApiUrl: DEFAULT_API_URL,
  types: MEASURE_TYPES.map((t) => [t, typeTextKey(t)]),
  defaultTypes: DEFAULT_TYPES.join(','),
  scales: [...SCALES],
  lineId: LINE_ID_PATTERN,
  deviceId: DEVICE_ID_PATTERN,
  idFlags: ID_PATTERN_FLAGS,
  defaultIntervalMin: DEFAULT_INTERVAL_MIN,
  rangeOutputs: [...BACKFILL_OUTPUTS],
  powerIntervalS: { default: DEFAULT_POWER_INTERVAL_S, min: MIN_POWER_INTERVAL_S },
  powerOutputs: [...POWER_OUTPUTS],
};

export const BEGIN_MARK = '/* econetatmo:constants:begin */';
export const END_MARK = '/* econetatmo:constants:end */';

/** The block the build puts between the markers of an editor file. */
export function constantsBlock(): string {
  return `${BEGIN_MARK}\n    // Written by the build from src/contract/editor-constants.ts: do not edit by hand.\n    var CONSTANTS = ${JSON.stringify(EDITOR_CONSTANTS)};\n    ${END_MARK}`;
}

/** The editor file with its block replaced; throws when the markers are missing. */
export function withConstants(html: string): string {
  const begin = html.indexOf(BEGIN_MARK);
  const end = html.indexOf(END_MARK);
  if (begin < 0 || end < begin) throw new Error('the editor file has no econetatmo:constants markers');
  return `${html.slice(0, begin)}${constantsBlock()}${html.slice(end + END_MARK.length)}`;
}
