// The constants the runtime and the editor share, defined once, here or in the contract module
// that owns the rule (the line id: line-id.ts; scales and types: measure-types.ts).
//
// The editor files (nodes/*.html) never carry a hand copy: the build writes EDITOR_CONSTANTS into
// each of them between the `econetatmo:constants` markers (scripts/write-entries.js, through
// withConstants below), so the editor and the runtime cannot drift apart.
import { BACKFILL_OUTPUTS } from './measure-types';
import { DEVICE_ID_PATTERN, ID_PATTERN_FLAGS, LINE_ID_PATTERN, MODULE_ID_PATTERN } from './line-id';
import { DEFAULT_TYPES, familyTypes, MEASURE_TYPES, SCALES, typeFamily } from './measure-types';
import { METER_MODELS, type ConsumptionFamily } from './meter-models';
import { METER_SELECTIONS } from './line';
import { DEFAULT_POWER_INTERVAL_S, MIN_POWER_INTERVAL_S, POWER_OUTPUTS } from './power';

/** The Netatmo cloud, unless the account says otherwise (the simulator, a proxy). */
export const DEFAULT_API_URL = 'https://api.netatmo.com';
/** Where Netatmo sends the browser back after consent, under Node-RED's admin root. */
export const CALLBACK_PATH = '/econetatmo/oauth/callback';

/** A measure node's `interval` when none (or nothing readable) is set, in minutes. */
export const DEFAULT_INTERVAL_MIN = 10;
/**
 * The shortest `interval` (minutes) besides 0, what the rate budget carries: nine lines of one
 * account every 5 min are 108 reads an hour (a read is one request, two at times) of the 450
 * the budget allows, leaving room for backfills, discovery and `auto` nodes. Every minute they
 * would be 540: more than the budget, so reads would queue and backfills starve. The ecocounter
 * uploads about every 3 hours anyway.
 */
export const MIN_INTERVAL_MIN = 5;

/** The editor's text key of a type family's (`econetatmo-measure.families.<key>`). */
const FAMILY_KEYS: Record<string, string> = {
  sum_energy_elec: 'elec',
  sum_energy_buy_from_grid: 'grid',
  sum_energy_self_consumption: 'self',
  sum_energy_resell_to_grid: 'resell',
  sum_energy_price: 'price',
};

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
  /** [type, text key, family text key] in the order the editor lists them. */
  types: Array<[string, string, string]>;
  /** The ecocounter's default types, comma-separated as the node stores them. */
  defaultTypes: string;
  /** Per model: its default types (comma-separated), role, and whether it reports live power. */
  models: Record<string, { types: string; role: string | null; power: boolean }>;
  /** The default types of a model the editor does not know (the range outside the NLE). */
  otherTypes: string;
  /** The sync node's `meters` values, the editor's default first. */
  meters: string[];
  scales: string[];
  /** Source of the module id pattern (a MAC address, `#N` optional), from src/contract/line-id.ts. */
  lineId: string;
  /** Source of the ecocounter line id pattern (`<ecocounter id>#<0..8>`): an unknown id of that shape is read as one. */
  ecocounterLineId: string;
  /** Source of the device id pattern (an ecocounter or a gateway), from src/contract/line-id.ts. */
  deviceId: string;
  /** The flags both patterns are matched with (`new RegExp(lineId, idFlags)`). */
  idFlags: string;
  defaultIntervalMin: number;
  /** The shortest interval besides 0, in minutes. */
  minIntervalMin: number;
  /** How a backfill is sent: one message, or `msg.parts` pages for a Join node. */
  rangeOutputs: string[];
  /** A power node's interval in seconds: its default and the shortest allowed (0 aside). */
  powerIntervalS: { default: number; min: number };
  powerOutputs: string[];
}

export const EDITOR_CONSTANTS: EditorConstants = {
  callbackPath: CALLBACK_PATH.replace(/^\//, ''),
  defaultApiUrl: DEFAULT_API_URL,
  types: MEASURE_TYPES.map((t) => [t, typeTextKey(t), FAMILY_KEYS[typeFamily(t)] ?? 'elec']),
  defaultTypes: DEFAULT_TYPES.join(','),
  models: Object.fromEntries(
    Object.entries(METER_MODELS).map(([model, row]) => [model, { types: familyTypes(row.family).join(','), role: row.role, power: row.power }]),
  ),
  otherTypes: familyTypes('sum_energy_buy_from_grid' satisfies ConsumptionFamily).join(','),
  meters: [...METER_SELECTIONS],
  scales: [...SCALES],
  lineId: MODULE_ID_PATTERN,
  ecocounterLineId: LINE_ID_PATTERN,
  deviceId: DEVICE_ID_PATTERN,
  idFlags: ID_PATTERN_FLAGS,
  defaultIntervalMin: DEFAULT_INTERVAL_MIN,
  minIntervalMin: MIN_INTERVAL_MIN,
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
