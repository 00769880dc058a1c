// The scales, measure types and range outputs a user writes in a flow or picks in the editor.

/** The scales the contract allows for `econetatmo-measure`. */
export const SCALES = ['30min', '1hour', '3hours', '1day', '1week', '1month'] as const;
export type Scale = (typeof SCALES)[number];

/** Energy types of the ecocounter (Wh), and their cost counterparts. */
export const ENERGY_TYPES = ['sum_energy_elec', 'sum_energy_elec$0', 'sum_energy_elec$1', 'sum_energy_elec$2'] as const;
export const PRICE_TYPES = ['sum_energy_price', 'sum_energy_price$0', 'sum_energy_price$1', 'sum_energy_price$2'] as const;
export const MEASURE_TYPES: readonly string[] = [...ENERGY_TYPES, ...PRICE_TYPES];
export const DEFAULT_TYPES: readonly string[] = [...ENERGY_TYPES];

/** How a range read is sent: one message, or `msg.parts` pages for a Join node (`rangeOutput`). */
export const BACKFILL_OUTPUTS = ['message', 'parts'] as const;
export type BackfillOutput = (typeof BACKFILL_OUTPUTS)[number];
