// The constants the runtime and the editor share, defined once. The editor files (nodes/*.html)
// must not copy them by hand: the build or an admin route can hand them `EDITOR_CONSTANTS`
// as JSON. Each value is defined here or in the one src/netatmo module that owns its rule.
import { BACKFILL_OUTPUTS } from '../netatmo/backfill';
import { LINE_ID_PATTERN } from '../netatmo/line-id';
import { MAX_ROWS } from '../netatmo/measure-plan';
import { DEFAULT_TYPES, ENERGY_TYPES, MEASURE_TYPES, PRICE_TYPES, SCALES } from '../netatmo/types';

/** The Netatmo cloud, unless the account says otherwise (the simulator, a proxy). */
export const DEFAULT_API_URL = 'https://api.netatmo.com';
/** Where Netatmo sends the browser back after consent, under Node-RED's admin root. */
export const CALLBACK_PATH = '/econetatmo/oauth/callback';

/** A measure node's `interval` when none (or nothing readable) is set, in minutes. */
export const DEFAULT_INTERVAL_MIN = 10;
/** The first automatic read comes shortly after start, not a whole interval later. */
export const FIRST_READ_DELAY_MS = 2000;
/**
 * A range of more pages than this is a backfill (resumable, sent as one message or as parts,
 * beside the node's regular reads). Not to be confused with the client's
 * BACKGROUND_PRIORITY_PAGES (src/netatmo/measures.ts), its place in the rate budget.
 */
export const BACKFILL_PAGES = 2;
export { BACKFILL_OUTPUTS, LINE_ID_PATTERN, MAX_ROWS, SCALES, MEASURE_TYPES, ENERGY_TYPES, PRICE_TYPES, DEFAULT_TYPES };

/** What an editor needs, as plain JSON. */
export const EDITOR_CONSTANTS = {
  defaultApiUrl: DEFAULT_API_URL,
  callbackPath: CALLBACK_PATH,
  lineIdPattern: LINE_ID_PATTERN,
  scales: [...SCALES],
  measureTypes: [...MEASURE_TYPES],
  defaultTypes: [...DEFAULT_TYPES],
  defaultIntervalMin: DEFAULT_INTERVAL_MIN,
  /** How a backfill is sent: one message, or `msg.parts` pages for a Join node. */
  rangeOutputs: [...BACKFILL_OUTPUTS],
} as const;
