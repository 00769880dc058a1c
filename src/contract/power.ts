// What `econetatmo-power` sends: the live power of a module that reports it (`power` and
// `last_seen` of `/api/homestatus`), and the settings the editor and the runtime share.
import type { LineRole } from './line';

/** One module's live power, as `msg.power` (output `each`) or an item of `msg.payload` (`all`). */
export interface PowerReading {
  homeId: string;
  /** The module's gateway (its `bridge`); the module itself when it has none. */
  deviceId: string;
  moduleId: string;
  /** The module's name in the Netatmo app, else its id. */
  name: string;
  /** The Netatmo module type: `NLPC`, `NLP`, `NLY`… */
  model: string;
  /**
   * The module's role, as `econetatmo-sync` gives it: `meter`, `phase` (one phase of a
   * three-phase meter: its power is part of its meter's) or `appliance`.
   */
  role: LineRole;
  /** Watts; null when the module is unreachable. */
  power: number | null;
  /** When the cloud last heard from the module, epoch ms. */
  lastSeen: number;
  reachable: boolean;
}

export type PowerOutput = 'each' | 'all';
export const POWER_OUTPUTS: readonly PowerOutput[] = ['each', 'all'];

/** Seconds between automatic reads when none is set. */
export const DEFAULT_POWER_INTERVAL_S = 60;
/** The shortest automatic interval: below it a node would spend the account's hour on power alone. */
export const MIN_POWER_INTERVAL_S = 10;

/** The InfluxDB measurement of power points (`econetatmo-export`, format `influxdb`). */
export const POWER_MEASUREMENT = 'econetatmo_power';
