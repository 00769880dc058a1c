// The rest of the Legrand range, in every home beside (or without) the ecocounter: meters (NLPC, NLPS, the
// NLY and its phases `#1`..`#3`), plugs and switches that measure what they power, and modules that measure
// nothing (NLT remote, NLV and Z3V shutters) which a client must ignore. All hang off an NLG gateway, except one
// whose `bridge` is not a module of the home, as in real answers. Appended after the modules that were
// there before, so the ecocounter's answer is unchanged.
import { hash32 } from './hash';
import type { SimHome, SimModule } from './homes';
import { basicSchedule, peakOffPeakSchedule } from './schedule';

export type MeterRole = 'meter' | 'phase' | 'appliance';

/** How a module's power follows the household (circuits 0..4 of household.ts, Wh per 30-min slot). */
export type PowerProfile =
  /** A share of some circuits' draw; below `onFromWh` (those circuits' Wh in the slot) the appliance is off. */
  | { kind: 'share'; circuits: readonly number[]; share: number; onFromWh?: number }
  /** A lamp of `watts`, lit while the circuit draws at least `onFromWh` in the slot. */
  | { kind: 'lamp'; circuit: number; watts: number; onFromWh: number }
  /** The sum of the module's `#N` phases (the NLY itself). */
  | { kind: 'phases' };

export interface MeterSpec {
  homeId: string;
  id: string;
  model: string;
  name: string;
  bridge: string;
  role: MeterRole;
  index: number | null;
  /** The household the module lives in (a seed of household.ts). */
  household: number;
  profile: PowerProfile;
  /** `on` in homestatus: a plug left on ('always'), a light on while it draws ('drawing'), or none. */
  on?: 'always' | 'drawing';
  /** homestatus gives `reachable` and `last_seen` (the `#N` of a real double switch gives neither). */
  lastSeen: boolean;
  /** While unreachable, `power` is left out ('absent') or 0 ('zero'): real answers do both. */
  unreachablePower: 'absent' | 'zero';
  /** Goes unreachable on its own now and then (see meters.ts). */
  flaky: boolean;
}

export function legrandId(seed: number, what: number): string {
  const parts: string[] = [];
  for (let i = 0; i < 3; i++) parts.push((hash32(seed, 0x3ac, what, i) & 0xff).toString(16).padStart(2, '0'));
  return ['00:04:74:00:01', ...parts].join(':');
}

/** Gateways have six-byte ids. */
function gatewayId(seed: number, what: number): string {
  return `00:04:74:${legrandId(seed, what).slice(-8)}`;
}

function roomIdOf(seed: number, n: number): string {
  return String(1000000000 + (hash32(seed, 0x600, n) % 999999999));
}

interface NewModule {
  id: string;
  type: string;
  name: string;
  room_id?: string;
  bridge?: string;
  modules_bridged?: string[];
  appliance_type?: string;
}

class Builder {
  readonly specs: MeterSpec[] = [];

  constructor(
    private readonly home: SimHome,
    private readonly setupDate: number,
    private readonly household: number,
    /** The gateway the modules hang off unless told otherwise. */
    private readonly gateway: string,
  ) {}

  room(id: string, name: string, type: string): string {
    if (!this.home.rooms.some((r) => r.id === id)) this.home.rooms.push({ id, name, type, module_ids: [] });
    return id;
  }

  /** Appends a module to the home, its room and its gateway's `modules_bridged`. */
  module(m: NewModule): void {
    const module: SimModule = { id: m.id, type: m.type, name: m.name, setup_date: this.setupDate };
    // Keys in the order of real answers; absent ones left out.
    if (m.room_id !== undefined) module.room_id = m.room_id;
    if (m.bridge !== undefined) module.bridge = m.bridge;
    if (m.modules_bridged !== undefined) module.modules_bridged = m.modules_bridged;
    if (m.appliance_type !== undefined) module.appliance_type = m.appliance_type;
    this.home.modules.push(module);
    if (m.room_id !== undefined) this.home.rooms.find((r) => r.id === m.room_id)?.module_ids.push(m.id);
    const gateway = this.home.modules.find((g) => g.id === m.bridge);
    if (gateway && Array.isArray(gateway.modules_bridged) && !gateway.modules_bridged.includes(m.id)) gateway.modules_bridged.push(m.id);
  }

  /**
   * A module that measures energy, on the builder's gateway unless `bridge` says otherwise. `room` undefined:
   * the module is already in the home (only its measures are new).
   */
  private energy(kind: Kind, id: string, model: string, name: string, room: string | undefined, profile: PowerProfile, extra: Partial<MeterSpec>): void {
    const bridge = extra.bridge ?? this.gateway;
    if (room !== undefined) this.module({ id, type: model, name, room_id: room, bridge });
    const index = /#(\d+)$/.exec(id);
    this.specs.push({
      homeId: this.home.id,
      id,
      model,
      name,
      bridge,
      role: kind === 'meter' ? (index ? 'phase' : 'meter') : 'appliance',
      index: index ? Number(index[1]) : null,
      household: this.household,
      profile,
      on: kind === 'plug' ? 'always' : kind === 'light' ? 'drawing' : undefined,
      // The `#N` of a real double switch has neither.
      lastSeen: !(model === 'NLIS' && index),
      unreachablePower: kind === 'meter' ? 'absent' : 'zero',
      flaky: false,
      ...extra,
    });
  }

  meter(id: string, model: string, name: string, room: string | undefined, profile: PowerProfile, extra: Partial<MeterSpec> = {}): void {
    this.energy('meter', id, model, name, room, profile, extra);
  }

  plug(id: string, model: string, name: string, room: string | undefined, profile: PowerProfile, extra: Partial<MeterSpec> = {}): void {
    this.energy('plug', id, model, name, room, profile, extra);
  }

  light(id: string, model: string, name: string, room: string | undefined, profile: PowerProfile, extra: Partial<MeterSpec> = {}): void {
    this.energy('light', id, model, name, room, profile, extra);
  }

  /** An NLY and its three phases, each phase a share of some circuits. */
  threePhase(id: string, name: string, room: string, phases: ReadonlyArray<readonly number[]>, part: number): void {
    this.meter(id, 'NLY', name, room, { kind: 'phases' });
    phases.forEach((circuits, i) => this.meter(`${id}#${i + 1}`, 'NLY', `${name} phase ${i + 1}`, room, share(circuits, part)));
  }
}

type Kind = 'meter' | 'plug' | 'light';

function share(circuits: readonly number[], part: number, onFromWh?: number): PowerProfile {
  return onFromWh === undefined ? { kind: 'share', circuits, share: part } : { kind: 'share', circuits, share: part, onFromWh };
}

function lamp(watts: number, onFromWh: number): PowerProfile {
  return { kind: 'lamp', circuit: LIGHTING, watts, onFromWh };
}

const ALL = [0, 1, 2, 3, 4];
const KITCHEN = 0;
const WATER_HEATER = 1;
const AIR_CONDITIONING = 2;
const LIGHTING = 3;

export interface FirstHomeIds {
  gateway: string;
  doubleSwitch: string;
  plug: string;
  cabinet: string;
  living: string;
  entry: string;
  kitchen: string;
}

/** Home 1 (peak/off-peak contract): its gateway, double switch and plug measure now, and the range joins them. */
export function extendFirstHome(home: SimHome, seed: number, setupDate: number, ids: FirstHomeIds): MeterSpec[] {
  const b = new Builder(home, setupDate, seed, ids.gateway);
  b.light(`${ids.doubleSwitch}#1`, 'NLIS', 'Interrupteur droite', undefined, lamp(40, 55));
  b.light(`${ids.doubleSwitch}#2`, 'NLIS', 'Interrupteur gauche', undefined, lamp(25, 110));
  b.plug(ids.plug, 'NLP', 'Prise cafetière', undefined, share([KITCHEN], 0.35, 100));
  const garage = b.room(roomIdOf(seed, 6), 'Garage', 'garage');
  const corridor = b.room(roomIdOf(seed, 7), 'Couloir', 'corridor');
  b.meter(legrandId(seed, 10), 'NLPC', 'Compteur général', ids.cabinet, share(ALL, 1));
  b.threePhase(legrandId(seed, 11), 'Compteur atelier', garage, [[KITCHEN, WATER_HEATER], [AIR_CONDITIONING, LIGHTING], [4]], 0.5);
  b.plug(legrandId(seed, 12), 'NLPT', 'Prise lave-vaisselle', ids.kitchen, share([KITCHEN], 0.4, 400));
  b.plug(legrandId(seed, 13), 'NLPM', 'Prise mobile climatiseur', ids.living, share([AIR_CONDITIONING], 0.9, 100), { flaky: true });
  b.light(legrandId(seed, 14), 'NLL', 'Lumière couloir', corridor, lamp(18, 55));
  // Bridged by a gateway the home does not list (real answers have such modules).
  b.plug(legrandId(seed, 16), 'NLPO', 'Contacteur chauffe-eau', ids.cabinet, share([WATER_HEATER], 1, 500), { bridge: gatewayId(seed, 15) });
  b.module({ id: legrandId(seed, 17), type: 'NLT', name: 'Commande sans fil', room_id: ids.entry, bridge: ids.gateway });
  b.module({ id: legrandId(seed, 18), type: 'NLV', name: 'Volet séjour', room_id: ids.living, bridge: ids.gateway, appliance_type: 'rolling_shutter' });
  // A Zigbee shutter bridged by the gateway, as in the real answers: no energy.
  b.module({ id: legrandId(seed, 19), type: 'Z3V', name: 'Volet chambre', room_id: ids.living, bridge: ids.gateway });
  home.schedules = [peakOffPeakSchedule(seed)];
  return b.specs;
}

/** Home 2 (basic contract, another household): a gateway and its range, and no ecocounter. */
export function extendSecondHome(home: SimHome, seed: number, setupDate: number): MeterSpec[] {
  const g = gatewayId(seed, 30);
  const b = new Builder(home, setupDate, (seed ^ 0x70c) | 0, g);
  const cabinet = b.room(roomIdOf(seed, 8), 'Tableau électrique', 'electrical_cabinet');
  const kitchen = b.room(roomIdOf(seed, 9), 'Cuisine', 'kitchen');
  const entry = b.room(roomIdOf(seed, 10), 'Entrée', 'lobby');
  b.module({ id: g, type: 'NLG', name: 'Passerelle', room_id: cabinet, modules_bridged: [] });
  b.meter(legrandId(seed, 31), 'NLPC', 'Compteur', cabinet, share(ALL, 0.9));
  b.threePhase(legrandId(seed, 32), 'Triphasé', cabinet, [[KITCHEN], [WATER_HEATER, AIR_CONDITIONING], [LIGHTING, 4]], 0.6);
  b.meter(legrandId(seed, 33), 'NLPS', 'Délesteur', cabinet, share([WATER_HEATER, AIR_CONDITIONING], 1));
  b.plug(legrandId(seed, 34), 'NLP', 'Prise bouilloire', kitchen, share([KITCHEN], 0.3, 100), { flaky: true });
  const double = `${legrandId(seed, 35).slice(0, -2)}b6`;
  b.module({ id: double, type: 'NLIS', name: 'Double interrupteur', bridge: g });
  b.light(`${double}#1`, 'NLIS', 'Plafonnier', entry, lamp(60, 55));
  b.light(`${double}#2`, 'NLIS', 'Applique', entry, lamp(12, 110));
  b.light(legrandId(seed, 36), 'NLL', 'Lampe entrée', entry, lamp(9, 80));
  b.module({ id: legrandId(seed, 37), type: 'NLT', name: 'Télécommande', room_id: entry, bridge: g });
  b.module({ id: legrandId(seed, 38), type: 'NLV', name: 'Volet cuisine', room_id: kitchen, bridge: g, appliance_type: 'rolling_shutter' });
  home.schedules = [basicSchedule(seed)];
  return b.specs;
}
