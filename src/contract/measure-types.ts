// The scales, measure types and range outputs a user writes in a flow or picks in the editor.

/** The scales the contract allows for `econetatmo-measure`. */
export const SCALES = ['30min', '1hour', '3hours', '1day', '1week', '1month'] as const;
export type Scale = (typeof SCALES)[number];

/**
 * The energy families the cloud is known to answer (Wh): the ecocounter's `sum_energy_elec`, the
 * rest of the range's `sum_energy_buy_from_grid`, and the solar set-ups' self-consumption and
 * resale (reported, unconfirmed). Each is plain or per tariff (`$0` basic, `$1` peak, `$2` off-peak).
 */
export const ENERGY_FAMILIES = ['sum_energy_elec', 'sum_energy_buy_from_grid', 'sum_energy_self_consumption', 'sum_energy_resell_to_grid'] as const;
export type EnergyFamily = (typeof ENERGY_FAMILIES)[number];
export const PRICE_FAMILY = 'sum_energy_price';

/** A family's four types: plain, then `$0..$2`. */
export function familyTypes(family: string): string[] {
  return [family, `${family}$0`, `${family}$1`, `${family}$2`];
}

/** The family of a type: its name before `$`. */
export function typeFamily(type: string): string {
  const i = type.indexOf('$');
  return i < 0 ? type : type.slice(0, i);
}

/** Energy types of the ecocounter (Wh), and their cost counterparts. */
export const ENERGY_TYPES: readonly string[] = familyTypes('sum_energy_elec');
export const PRICE_TYPES: readonly string[] = familyTypes(PRICE_FAMILY);
/** Every type accepted, families in ENERGY_FAMILIES order, prices last. */
export const MEASURE_TYPES: readonly string[] = [...ENERGY_FAMILIES.flatMap(familyTypes), ...PRICE_TYPES];
/** The ecocounter's default (a measure node whose `types` is empty takes its model's: defaultTypesOf). */
export const DEFAULT_TYPES: readonly string[] = [...ENERGY_TYPES];

/** How a range read is sent: one message, or `msg.parts` pages for a Join node (`rangeOutput`). */
export const BACKFILL_OUTPUTS = ['message', 'parts'] as const;
export type BackfillOutput = (typeof BACKFILL_OUTPUTS)[number];
