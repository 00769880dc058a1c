// The rest of the Legrand range, in every home beside (or without) the ecocounter: meters (NLPC, NLPS, the
// NLY and its phases `#1`..`#3`), plugs and switches that measure what they power, and modules that measure
// nothing (NLT remote, NLV shutter) which a client must ignore. All hang off an NLG gateway, except one
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

  meter(m: { id: string; model: string; name: string; bridge: string; role: MeterRole; profile: PowerProfile } & Partial<MeterSpec>): void {
    const index = /#(\d+)$/.exec(m.id);
    this.specs.push({
      homeId: this.home.id,
      index: index ? Number(index[1]) : null,
      household: this.household,
      lastSeen: true,
      unreachablePower: m.role === 'appliance' ? 'zero' : 'absent',
      flaky: false,
      ...m,
    });
  }

  /** A module that measures energy, new in the home. */
  add(m: { id: string; model: string; name: string; bridge: string; role: MeterRole; profile: PowerProfile; room?: string } & Partial<MeterSpec>): void {
    this.module({ id: m.id, type: m.model, name: m.name, room_id: m.room, bridge: m.bridge });
    const { room: _room, ...spec } = m;
    this.meter(spec);
  }

  /** An NLY and its three phases, each phase a share of some circuits. */
  threePhase(id: string, name: string, bridge: string, room: string, phases: ReadonlyArray<readonly number[]>, share: number): void {
    this.add({ id, model: 'NLY', name, bridge, role: 'meter', room, profile: { kind: 'phases' } });
    phases.forEach((circuits, i) =>
      this.add({
        id: `${id}#${i + 1}`,
        model: 'NLY',
        name: `${name} phase ${i + 1}`,
        bridge,
        role: 'phase',
        room,
        profile: { kind: 'share', circuits, share },
      }),
    );
  }
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
  const b = new Builder(home, setupDate, seed);
  const g = ids.gateway;
  b.meter({
    id: `${ids.doubleSwitch}#1`,
    model: 'NLIS',
    name: 'Interrupteur droite',
    bridge: g,
    role: 'appliance',
    on: 'drawing',
    lastSeen: false,
    profile: { kind: 'lamp', circuit: LIGHTING, watts: 40, onFromWh: 55 },
  });
  b.meter({
    id: `${ids.doubleSwitch}#2`,
    model: 'NLIS',
    name: 'Interrupteur gauche',
    bridge: g,
    role: 'appliance',
    on: 'drawing',
    lastSeen: false,
    profile: { kind: 'lamp', circuit: LIGHTING, watts: 25, onFromWh: 110 },
  });
  b.meter({
    id: ids.plug,
    model: 'NLP',
    name: 'Prise cafetière',
    bridge: g,
    role: 'appliance',
    on: 'always',
    profile: { kind: 'share', circuits: [KITCHEN], share: 0.35, onFromWh: 100 },
  });

  const garage = b.room(roomIdOf(seed, 6), 'Garage', 'garage');
  const corridor = b.room(roomIdOf(seed, 7), 'Couloir', 'corridor');
  b.add({
    id: legrandId(seed, 10),
    model: 'NLPC',
    name: 'Compteur général',
    bridge: g,
    role: 'meter',
    room: ids.cabinet,
    profile: { kind: 'share', circuits: ALL, share: 1 },
  });
  b.threePhase(legrandId(seed, 11), 'Compteur atelier', g, garage, [[KITCHEN, WATER_HEATER], [AIR_CONDITIONING, LIGHTING], [4]], 0.5);
  b.add({
    id: legrandId(seed, 12),
    model: 'NLPT',
    name: 'Prise lave-vaisselle',
    bridge: g,
    role: 'appliance',
    room: ids.kitchen,
    on: 'always',
    profile: { kind: 'share', circuits: [KITCHEN], share: 0.4, onFromWh: 400 },
  });
  b.add({
    id: legrandId(seed, 13),
    model: 'NLPM',
    name: 'Prise mobile climatiseur',
    bridge: g,
    role: 'appliance',
    room: ids.living,
    on: 'always',
    flaky: true,
    profile: { kind: 'share', circuits: [AIR_CONDITIONING], share: 0.9, onFromWh: 100 },
  });
  b.add({
    id: legrandId(seed, 14),
    model: 'NLL',
    name: 'Lumière couloir',
    bridge: g,
    role: 'appliance',
    room: corridor,
    on: 'drawing',
    profile: { kind: 'lamp', circuit: LIGHTING, watts: 18, onFromWh: 55 },
  });
  // Bridged by a gateway the home does not list (real answers have such modules).
  const foreign = gatewayId(seed, 15);
  b.add({
    id: legrandId(seed, 16),
    model: 'NLPO',
    name: 'Contacteur chauffe-eau',
    bridge: foreign,
    role: 'appliance',
    room: ids.cabinet,
    on: 'always',
    profile: { kind: 'share', circuits: [WATER_HEATER], share: 1, onFromWh: 500 },
  });
  b.module({ id: legrandId(seed, 17), type: 'NLT', name: 'Commande sans fil', room_id: ids.entry, bridge: g });
  b.module({ id: legrandId(seed, 18), type: 'NLV', name: 'Volet séjour', room_id: ids.living, bridge: g, appliance_type: 'rolling_shutter' });
  home.schedules = [peakOffPeakSchedule(seed)];
  return b.specs;
}

/** Home 2 (basic contract, another household): a gateway and its range, and no ecocounter. */
export function extendSecondHome(home: SimHome, seed: number, setupDate: number): MeterSpec[] {
  const household = (seed ^ 0x70c) | 0;
  const b = new Builder(home, setupDate, household);
  const cabinet = b.room(roomIdOf(seed, 8), 'Tableau électrique', 'electrical_cabinet');
  const kitchen = b.room(roomIdOf(seed, 9), 'Cuisine', 'kitchen');
  const entry = b.room(roomIdOf(seed, 10), 'Entrée', 'lobby');
  const g = gatewayId(seed, 30);
  b.module({ id: g, type: 'NLG', name: 'Passerelle', room_id: cabinet, modules_bridged: [] });
  b.add({
    id: legrandId(seed, 31),
    model: 'NLPC',
    name: 'Compteur',
    bridge: g,
    role: 'meter',
    room: cabinet,
    profile: { kind: 'share', circuits: ALL, share: 0.9 },
  });
  b.threePhase(legrandId(seed, 32), 'Triphasé', g, cabinet, [[KITCHEN], [WATER_HEATER, AIR_CONDITIONING], [LIGHTING, 4]], 0.6);
  b.add({
    id: legrandId(seed, 33),
    model: 'NLPS',
    name: 'Délesteur',
    bridge: g,
    role: 'meter',
    room: cabinet,
    profile: { kind: 'share', circuits: [WATER_HEATER, AIR_CONDITIONING], share: 1 },
  });
  b.add({
    id: legrandId(seed, 34),
    model: 'NLP',
    name: 'Prise bouilloire',
    bridge: g,
    role: 'appliance',
    room: kitchen,
    on: 'always',
    flaky: true,
    profile: { kind: 'share', circuits: [KITCHEN], share: 0.3, onFromWh: 100 },
  });
  const double = `${legrandId(seed, 35).slice(0, -2)}b6`;
  b.module({ id: double, type: 'NLIS', name: 'Double interrupteur', bridge: g });
  b.add({
    id: `${double}#1`,
    model: 'NLIS',
    name: 'Plafonnier',
    bridge: g,
    role: 'appliance',
    room: entry,
    on: 'drawing',
    lastSeen: false,
    profile: { kind: 'lamp', circuit: LIGHTING, watts: 60, onFromWh: 55 },
  });
  b.add({
    id: `${double}#2`,
    model: 'NLIS',
    name: 'Applique',
    bridge: g,
    role: 'appliance',
    room: entry,
    on: 'drawing',
    lastSeen: false,
    profile: { kind: 'lamp', circuit: LIGHTING, watts: 12, onFromWh: 110 },
  });
  b.add({
    id: legrandId(seed, 36),
    model: 'NLL',
    name: 'Lampe entrée',
    bridge: g,
    role: 'appliance',
    room: entry,
    on: 'drawing',
    profile: { kind: 'lamp', circuit: LIGHTING, watts: 9, onFromWh: 80 },
  });
  b.module({ id: legrandId(seed, 37), type: 'NLT', name: 'Télécommande', room_id: entry, bridge: g });
  b.module({ id: legrandId(seed, 38), type: 'NLV', name: 'Volet cuisine', room_id: kitchen, bridge: g, appliance_type: 'rolling_shutter' });
  home.schedules = [basicSchedule(seed)];
  return b.specs;
}
