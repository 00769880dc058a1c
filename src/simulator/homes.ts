// The simulated account: two homes, the first with one ecocounter (nine NLE lines) among other Legrand and
// Netatmo modules that a careless filter would take for lines (a double switch with `#1`/`#2` ids). Each home
// has its time zone: the first Europe/Paris (by default), the second another offset (Asia/Tokyo). The rest of
// the Legrand range (range.ts) is appended to both.
import { hash32, hex } from './hash';
import { extendFirstHome, extendSecondHome, type MeterSpec } from './range';
import type { ElectricitySchedule } from './schedule';
import type { SimLine } from './types';

export interface SimModule {
  id: string;
  type: string;
  name: string;
  setup_date: number;
  room_id?: string;
  bridge?: string;
  modules_bridged?: string[];
  [extra: string]: unknown;
}

export interface SimRoom {
  id: string;
  name: string;
  type: string;
  module_ids: string[];
}

export interface SimHome {
  id: string;
  name: string;
  altitude: number;
  coordinates: [number, number];
  country: string;
  timezone: string;
  rooms: SimRoom[];
  modules: SimModule[];
  /** The `electricity` schedule (range.ts adds it). */
  schedules?: ElectricitySchedule[];
}

/**
 * Line labels as a user would type them, with accents, in circuit order (kitchen, water heater, air
 * conditioning, lighting, laundry and office, total, gas, hot and cold water). Hostile names belong to
 * the tests: they pass their own (`lineNames`).
 */
export const LINE_NAMES: readonly string[] = [
  'Prises cuisine',
  'Chauffe-eau',
  'Climatisation',
  'Éclairage séjour',
  'Lave-linge et bureau',
  'Total',
  'Gaz',
  'Eau chaude',
  'Eau froide',
];

/** The zone of the home with the ecocounter unless the options say otherwise. */
export const DEFAULT_TIME_ZONE = 'Europe/Paris';
/** The second home's: another offset, and no clock change. */
export const SECOND_HOME_TIME_ZONE = 'Asia/Tokyo';

export interface HomeOptions {
  /** The nine line labels (default LINE_NAMES). */
  lineNames?: readonly string[];
  /** The first home's time zone (default Europe/Paris). */
  timeZone?: string;
}

function mac(seed: number, prefix: string, what: number, bytes: number): string {
  const parts: string[] = [];
  for (let i = 0; i < bytes; i++) parts.push((hash32(seed, 0x3ac, what, i) & 0xff).toString(16).padStart(2, '0'));
  return [prefix, ...parts].join(':');
}

function roomId(seed: number, n: number): string {
  return String(1000000000 + (hash32(seed, 0x600, n) % 999999999));
}

/** Builds the account. `setupDate` is epoch seconds (before the history starts). */
export function buildHomes(seed: number, setupDate: number, options: HomeOptions = {}): { homes: SimHome[]; meters: MeterSpec[] } {
  const names = options.lineNames ?? LINE_NAMES;
  if (names.length !== LINE_NAMES.length || names.some((n) => typeof n !== 'string')) {
    throw new Error(`lineNames wants ${LINE_NAMES.length} texts`);
  }
  const eco = mac(seed, '00:04:74', 1, 3);
  const gateway = mac(seed, '00:04:74', 2, 3);
  const doubleSwitch = `${mac(seed, '00:04:74:00:01', 3, 2)}:b6`;
  const plug = mac(seed, '00:04:74:00:01', 4, 3);
  const relay = mac(seed, '70:ee:50', 5, 3);
  const thermostat = mac(seed, '04:00:00', 6, 3);
  const lineIds = names.map((_, i) => `${eco}#${i}`);
  const [cabinet, living, entry, kitchen] = [1, 2, 3, 4].map((n) => roomId(seed, n));

  const home1: SimHome = {
    id: hex(seed, 0x401, 1, 24),
    name: 'Maison Dupré',
    altitude: 48,
    coordinates: [2.3522, 48.8566],
    country: 'FR',
    timezone: options.timeZone ?? DEFAULT_TIME_ZONE,
    rooms: [
      { id: cabinet, name: 'Tableau électrique', type: 'electrical_cabinet', module_ids: [eco, ...lineIds, gateway] },
      { id: living, name: 'Séjour', type: 'livingroom', module_ids: [thermostat] },
      { id: entry, name: 'Entrée', type: 'lobby', module_ids: [`${doubleSwitch}#1`, `${doubleSwitch}#2`] },
      { id: kitchen, name: 'Cuisine', type: 'kitchen', module_ids: [plug] },
    ],
    modules: [
      {
        id: gateway,
        type: 'NLG',
        name: 'Passerelle Legrand',
        setup_date: setupDate,
        room_id: cabinet,
        modules_bridged: [doubleSwitch, `${doubleSwitch}#1`, `${doubleSwitch}#2`, plug],
      },
      { id: relay, type: 'NAPlug', name: 'Relais chaudière', setup_date: setupDate, modules_bridged: [thermostat] },
      { id: thermostat, type: 'NATherm1', name: 'Thermostat séjour', setup_date: setupDate, room_id: living, bridge: relay },
      { id: eco, type: 'NLE', name: 'Écocompteur', setup_date: setupDate, room_id: cabinet, modules_bridged: lineIds },
      ...lineIds.map((id, i): SimModule => ({
        id,
        type: 'NLE',
        name: names[i],
        setup_date: setupDate + 2,
        room_id: cabinet,
        bridge: eco,
      })),
      { id: doubleSwitch, type: 'NLIS', name: 'Double interrupteur', setup_date: setupDate, bridge: gateway },
      { id: `${doubleSwitch}#1`, type: 'NLIS', name: 'Interrupteur droite', setup_date: setupDate, room_id: entry, bridge: gateway },
      { id: `${doubleSwitch}#2`, type: 'NLIS', name: 'Interrupteur gauche', setup_date: setupDate, room_id: entry, bridge: gateway },
      { id: plug, type: 'NLP', name: 'Prise cafetière', setup_date: setupDate, room_id: kitchen, bridge: gateway },
    ],
  };

  // The second home has no ecocounter: lines must come from home 1 only (nine NLE lines in total).
  const relay2 = mac(seed, '70:ee:50', 7, 3);
  const thermostat2 = mac(seed, '04:00:00', 8, 3);
  const flat = roomId(seed, 5);
  const home2: SimHome = {
    id: hex(seed, 0x401, 2, 24),
    name: 'Appartement de Tokyo',
    altitude: 40,
    coordinates: [139.6917, 35.6895],
    country: 'JP',
    timezone: SECOND_HOME_TIME_ZONE,
    rooms: [{ id: flat, name: 'Pièce à vivre', type: 'livingroom', module_ids: [thermostat2] }],
    modules: [
      { id: relay2, type: 'NAPlug', name: 'Relais', setup_date: setupDate, modules_bridged: [thermostat2] },
      { id: thermostat2, type: 'NATherm1', name: 'Thermostat', setup_date: setupDate, room_id: flat, bridge: relay2 },
    ],
  };
  const meters = [
    ...extendFirstHome(home1, seed, setupDate, { gateway, doubleSwitch, plug, cabinet, living, entry, kitchen }),
    ...extendSecondHome(home2, seed, setupDate),
  ];
  return { homes: [home1, home2], meters };
}

/** Ground truth: the NLE lines, home then index order. */
export function linesOf(homes: SimHome[]): SimLine[] {
  const out: SimLine[] = [];
  for (const home of homes) {
    for (const m of home.modules) {
      if (m.type !== 'NLE' || m.bridge === undefined) continue;
      const index = Number(m.id.slice(m.id.lastIndexOf('#') + 1));
      out.push({ homeId: home.id, homeName: home.name, timezone: home.timezone, deviceId: m.bridge, moduleId: m.id, index, name: m.name });
    }
  }
  return out.sort((a, b) => (a.homeId === b.homeId ? a.index - b.index : 0));
}
