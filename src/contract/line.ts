// A line: one energy-measuring thing the account can read, as `econetatmo-sync` sends it and
// `econetatmo-measure` reads it. The contract's shape (contract.md, `econetatmo-sync` and
// "Every Legrand energy meter").

/**
 * `circuit`, `total`, `gas`, `hot_water`, `cold_water`: an ecocounter's lines (from the index).
 * `meter`: a whole-module meter (NLPC, NLPS); `phase`: one phase (`#N`) of a three-phase meter;
 * `appliance`: a plug, outlet, switch, contactor, fan or light module measuring what it powers.
 */
export type LineRole = 'circuit' | 'total' | 'gas' | 'hot_water' | 'cold_water' | 'meter' | 'phase' | 'appliance';
export type ConsumptionType = 'electrical' | 'fluid';
export type SourceType = 'electricity' | 'gas' | 'hot_water' | 'cold_water';

/** Which lines `econetatmo-sync` lists: every energy-measuring module, or the ecocounters' lines only. */
export type MeterSelection = 'all' | 'ecocounter';
export const METER_SELECTIONS: readonly MeterSelection[] = ['all', 'ecocounter'];

/** One line, as the contract of `econetatmo-sync` gives it. */
export interface Line {
  homeId: string;
  homeName: string;
  /** The home's IANA time zone (`Europe/Paris`); null when the cloud gives none that Node.js knows. */
  timezone: string | null;
  /** The device `getmeasure` is asked with: the line's `bridge` (the ecocounter, or the gateway). */
  deviceId: string;
  /** An ecocounter line: `<deviceId>#<index>`; any other model: the module's own id. */
  moduleId: string;
  /** The Netatmo module type (`NLE`, `NLPC`, `NLY`, `NLP`…). */
  model: string;
  /** An ecocounter line's index (0..8); else the `N` of a `#N` sub-module, null for a whole module. */
  index: number | null;
  name: string;
  role: LineRole;
  /** `electrical` for every model but the ecocounter's gas and water lines. */
  consumptionType: ConsumptionType;
  sourceType: SourceType;
  roomId: string | null;
  roomName: string | null;
}
