// The Legrand "with Netatmo" modules that measure energy, one row per Netatmo module type: which
// of its modules are lines, the role they get, the measure family read by default, whether
// `/api/homestatus` gives it a live `power`, and the evidence behind the row. Discovery, the
// measure node, the editor and the README's table of supported modules all read this one table.
// A type that is in neither this table nor OTHER_MODELS is "unknown": skipped, and counted so
// that the diagnostics can name it.
import type { LineRole } from './line';

export type RangeRole = Extract<LineRole, 'meter' | 'phase' | 'appliance'>;

/** The family a model's `getmeasure` answers for its consumption (`$0..$2` are its tariffs). */
export const CONSUMPTION_FAMILIES = ['sum_energy_elec', 'sum_energy_buy_from_grid'] as const;
export type ConsumptionFamily = (typeof CONSUMPTION_FAMILIES)[number];

/**
 * Where the evidence for a row comes from: a real recorded answer of the cloud (pyatmo's test
 * data), an open-source client's source (pyatmo's module classes), or an assumption.
 */
export type Evidence = 'recorded' | 'source' | 'assumption';

export interface MeterModel {
  /** What it is, in the README's words. */
  what: string;
  /**
   * The role of the module itself as a line; null when it is not one (the ecocounter, whose
   * lines are its `#0..#8` with roles from their index; a double switch, whose outputs measure).
   */
  role: RangeRole | null;
  /** The role of its `#N` sub-modules (a three-phase meter's phases, a double switch's outputs); null: they are not lines. */
  subRole: RangeRole | null;
  family: ConsumptionFamily;
  /** `/api/homestatus` gives its lines a `power` in W. */
  power: boolean;
  /** Evidence for the energy read, and for the live power. */
  evidence: { energy: Evidence; power: Evidence };
}

const APPLIANCE = { role: 'appliance', subRole: null, family: 'sum_energy_buy_from_grid', power: true } as const;
const RECORDED_POWER = { energy: 'source', power: 'recorded' } as const;
const FROM_SOURCE = { energy: 'source', power: 'source' } as const;

export const METER_MODELS: Readonly<Record<string, MeterModel>> = {
  NLE: {
    what: 'Ecocounter (Drivia with Netatmo, 412032/412033): 5 circuits, total, gas, hot and cold water',
    role: null,
    subRole: null,
    family: 'sum_energy_elec',
    power: false,
    evidence: { energy: 'source', power: 'recorded' },
  },
  NLPC: {
    what: 'DIN-rail consumption meter',
    role: 'meter',
    subRole: null,
    family: 'sum_energy_buy_from_grid',
    power: true,
    evidence: { energy: 'recorded', power: 'recorded' },
  },
  NLPS: { what: 'Load shedder (smart load shedder)', role: 'meter', subRole: null, family: 'sum_energy_buy_from_grid', power: true, evidence: FROM_SOURCE },
  NLY: {
    what: 'Three-phase meter (the whole module, and its phases #1 to #3)',
    role: 'meter',
    subRole: 'phase',
    family: 'sum_energy_buy_from_grid',
    power: true,
    // Its class (energy history and power) is in the pyatmo that Home Assistant's netatmo_custom
    // integration ships; that its #1..#3 are the phases is what the API notes say, unconfirmed.
    evidence: FROM_SOURCE,
  },
  NLP: { what: 'Plug', ...APPLIANCE, evidence: RECORDED_POWER },
  NLPM: { what: 'Mobile plug', ...APPLIANCE, evidence: FROM_SOURCE },
  NLPBS: { what: 'British standard plug', ...APPLIANCE, evidence: FROM_SOURCE },
  NLPO: { what: 'Contactor', ...APPLIANCE, evidence: RECORDED_POWER },
  NLPT: { what: 'Latching relay (teleruptor)', ...APPLIANCE, evidence: RECORDED_POWER },
  NLPD: { what: 'Dry contact', ...APPLIANCE, evidence: RECORDED_POWER },
  NLC: { what: 'Cable outlet', ...APPLIANCE, evidence: FROM_SOURCE },
  NLUP: { what: 'Power outlet', ...APPLIANCE, evidence: FROM_SOURCE },
  NLF: { what: '2-wire light switch (dimmer)', ...APPLIANCE, evidence: RECORDED_POWER },
  NLFN: { what: 'Light switch with neutral (dimmer)', ...APPLIANCE, evidence: FROM_SOURCE },
  NLFE: { what: 'On/off dimmer switch, evolution', ...APPLIANCE, evidence: FROM_SOURCE },
  NLM: { what: 'Light micro-module', ...APPLIANCE, evidence: FROM_SOURCE },
  NLIS: { what: 'Double light switch (its outputs #1 and #2)', ...APPLIANCE, role: null, subRole: 'appliance', evidence: RECORDED_POWER },
  NLL: { what: 'Light switch with neutral (Italian range)', ...APPLIANCE, evidence: RECORDED_POWER },
  NLLF: { what: 'Fan / ventilation control', ...APPLIANCE, evidence: RECORDED_POWER },
};

/** The models in the table's order (the README's, the editor's). */
export const METER_MODEL_NAMES: readonly string[] = Object.keys(METER_MODELS);

/**
 * Types known not to measure energy (gateways, remotes, shutters, and Netatmo's other ranges):
 * skipped without being counted as unknown.
 */
export const OTHER_MODELS: ReadonlySet<string> = new Set([
  // Legrand / BTicino, no energy
  'NLG',
  'NLGS',
  'NLT',
  'NLD',
  'NLDD',
  'NLAO',
  'NLAS',
  'NLUI',
  'NLV',
  'NLLV',
  'NLLM',
  'NLJ',
  'NLTS',
  'Z3V',
  'BNS',
  'BNCX',
  'BNDL',
  'BNEU',
  'BNSL',
  'BNTH',
  // Netatmo's weather, energy (heating), security and Bubendorff ranges
  'NAMain',
  'NAModule1',
  'NAModule2',
  'NAModule3',
  'NAModule4',
  'NHC',
  'NAPlug',
  'NATherm1',
  'NRV',
  'OTH',
  'OTM',
  'NACamera',
  'NPC',
  'NOC',
  'NDB',
  'NACamDoorTag',
  'NIS',
  'NSD',
  'NCO',
  'NBG',
  'NBR',
  'NBO',
  'NBS',
  'NBU',
]);

/** The row of a module type, or null when it is not a known energy meter. */
export function meterModel(type: string): MeterModel | null {
  return Object.prototype.hasOwnProperty.call(METER_MODELS, type) ? METER_MODELS[type] : null;
}

/** The consumption family of a model's lines; an unknown model is read as the range outside the NLE is. */
export function consumptionFamilyOf(model: string | null | undefined): ConsumptionFamily {
  return (model !== null && model !== undefined ? meterModel(model)?.family : undefined) ?? 'sum_energy_buy_from_grid';
}
