// What the editor (nodes/*.html) must agree on with the runtime: the measure types and their
// text keys, the scales, the line id pattern, the callback path and the default API URL. The
// build writes them into each editor file between the `econetatmo:constants` markers
// (scripts/write-entries.js), so the editor never carries a hand copy that could drift.
import { DEFAULT_TYPES, MEASURE_TYPES, SCALES } from '../netatmo/types';
import { CALLBACK_PATH, DEFAULT_API_URL } from './account-config';

/** The editor's text key of a measure type (`econetatmo-measure.types.<key>`). */
export function typeTextKey(type: string): string {
  const [base, tariff] = type.split('$');
  if (base === 'sum_energy_price') return `price${tariff ?? ''}`;
  return tariff === undefined ? 'total' : `tariff${tariff}`;
}

export interface EditorConstants {
  callbackPath: string;
  defaultApiUrl: string;
  /** [type, text key] in the order the editor lists them. */
  types: Array<[string, string]>;
  defaultTypes: string;
  scales: string[];
  /** Source of the line id pattern (`<ecocounter id>#<0..8>`). */
  lineId: string;
  deviceId: string;
}

export const EDITOR_CONSTANTS: EditorConstants = {
  // Relative to the editor's admin root, as the editor builds URLs.
  callbackPath: CALLBACK_PATH.replace(/^\//, ''),
  defaultApiUrl: DEFAULT_API_URL,
  types: MEASURE_TYPES.map((t) => [t, typeTextKey(t)]),
  defaultTypes: DEFAULT_TYPES.join(','),
  scales: [...SCALES],
  lineId: '^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}#[0-8]$',
  deviceId: '^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$',
};

export const BEGIN_MARK = '/* econetatmo:constants:begin */';
export const END_MARK = '/* econetatmo:constants:end */';

/** The block the build puts between the markers of an editor file. */
export function constantsBlock(): string {
  return `${BEGIN_MARK}\n    // Written by the build from src/nodes/editor-constants.ts: do not edit by hand.\n    var CONSTANTS = ${JSON.stringify(EDITOR_CONSTANTS)};\n    ${END_MARK}`;
}

/** The editor file with its block replaced; throws when the markers are missing. */
export function withConstants(html: string): string {
  const begin = html.indexOf(BEGIN_MARK);
  const end = html.indexOf(END_MARK);
  if (begin < 0 || end < begin) throw new Error('the editor file has no econetatmo:constants markers');
  return `${html.slice(0, begin)}${constantsBlock()}${html.slice(end + END_MARK.length)}`;
}
