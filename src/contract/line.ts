// A line: one energy-measuring thing the account can read, as `econetatmo-sync` sends it and
// `econetatmo-measure` reads it. The contract's shape (contract.md, `econetatmo-sync`).

export type LineRole = 'circuit' | 'total' | 'gas' | 'hot_water' | 'cold_water';
export type ConsumptionType = 'electrical' | 'fluid';
export type SourceType = 'electricity' | 'gas' | 'hot_water' | 'cold_water';

/** One line of an ecocounter, as the contract of `econetatmo-sync` gives it. */
export interface Line {
  homeId: string;
  homeName: string;
  /** The home's IANA time zone (`Europe/Paris`); null when the cloud gives none that Node.js knows. */
  timezone: string | null;
  /** The ecocounter: the line's `bridge`. */
  deviceId: string;
  /** `<deviceId>#<index>` */
  moduleId: string;
  index: number;
  name: string;
  role: LineRole;
  consumptionType: ConsumptionType;
  sourceType: SourceType;
  roomId: string | null;
  roomName: string | null;
}
