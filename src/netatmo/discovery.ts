// `/api/homesdata` -> the account's lines, checked at this edge. An ecocounter line is a module
// of type NLE with a `bridge` (the ecocounter) and an id ending in `#N`, N in 0..8; its role comes
// from N alone, by the convention the known clients share (names are user labels and mean
// nothing). Every other line is a module of a type in METER_MODELS (src/contract/meter-models.ts)
// with a `bridge` (its gateway, listed even when the gateway is not a module of the home): the
// module itself and/or its `#N` sub-modules, as the table says of the model. Types of
// neither table are skipped and counted, for the diagnostics.
import { unexpectedAnswer, isRecord } from './errors';
import { isTimeZone } from '../lib/local-calendar';
import type { ConsumptionType, Line, LineRole, MeterSelection, SourceType } from '../contract/line';
import { meterModel, METER_MODEL_NAMES, OTHER_MODELS } from '../contract/meter-models';

interface LineKind {
  role: LineRole;
  consumptionType: ConsumptionType;
  sourceType: SourceType;
}

export function lineKind(index: number): LineKind | null {
  if (!Number.isInteger(index) || index < 0 || index > 8) return null;
  if (index <= 4) return { role: 'circuit', consumptionType: 'electrical', sourceType: 'electricity' };
  if (index === 5) return { role: 'total', consumptionType: 'electrical', sourceType: 'electricity' };
  if (index === 6) return { role: 'gas', consumptionType: 'fluid', sourceType: 'gas' };
  if (index === 7) return { role: 'hot_water', consumptionType: 'fluid', sourceType: 'hot_water' };
  return { role: 'cold_water', consumptionType: 'fluid', sourceType: 'cold_water' };
}

/** One module of a home as the answer gives it, checked: what the diagnostics and discovery read. */
export interface HomeModule {
  id: string;
  type: string;
  bridge: string | null;
  /** The rest, checked only for the modules that become lines (another device's odd field breaks nothing). */
  raw: Record<string, unknown>;
}

export interface Home {
  id: string;
  name: string;
  timezone: string | null;
  rooms: Map<string, string>;
  modules: HomeModule[];
}

export interface Discovery {
  /** Every line, home order, then the ecocounters' lines, then the other models' lines. */
  lines: Line[];
  /** Module types neither measuring (known) nor known not to, with how many modules have each. */
  unknownTypes: Record<string, number>;
}

function optionalArray(value: unknown, what: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw unexpectedAnswer(`${what} is not a list`);
  return value;
}

function optionalString(value: unknown, what: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw unexpectedAnswer(`${what} is not a text`);
  return value;
}

function parseModule(module: unknown, m: number, h: number): HomeModule {
  if (!isRecord(module)) throw unexpectedAnswer(`module ${m + 1} of home ${h + 1} is not an object`);
  if (typeof module.id !== 'string' || typeof module.type !== 'string') throw unexpectedAnswer(`module ${m + 1} of home ${h + 1} has no id or type`);
  return {
    id: module.id,
    type: module.type,
    // A bridge that is not a text is no bridge: the module cannot be read, but the home still can.
    bridge: typeof module.bridge === 'string' ? module.bridge : null,
    raw: module,
  };
}

/** Accepts the whole answer (`{body:{homes}}`) or its `body`. */
export function parseHomes(answer: unknown): Home[] {
  if (!isRecord(answer)) throw unexpectedAnswer('homes data is not an object');
  const body = 'homes' in answer ? answer : answer.body;
  if (!isRecord(body)) throw unexpectedAnswer('homes data has no body');
  // An account without homes still gets `homes: []`: no list at all is a broken answer, not "no lines".
  if (!Array.isArray(body.homes))
    throw unexpectedAnswer(body.homes === undefined || body.homes === null ? 'homes data has no list of homes' : 'the list of homes is not a list');
  const homes: unknown[] = body.homes;
  return homes.map((home, h) => {
    if (!isRecord(home)) throw unexpectedAnswer(`home ${h + 1} is not an object`);
    if (typeof home.id !== 'string') throw unexpectedAnswer(`home ${h + 1} has no id`);
    const rooms = new Map<string, string>();
    optionalArray(home.rooms, `the rooms of home ${h + 1}`).forEach((room, r) => {
      if (!isRecord(room) || typeof room.id !== 'string') throw unexpectedAnswer(`room ${r + 1} of home ${h + 1} has no id`);
      const name = optionalString(room.name, `the name of room ${r + 1}`);
      if (name !== null) rooms.set(room.id, name);
    });
    return {
      id: home.id,
      name: optionalString(home.name, `the name of home ${h + 1}`) ?? '',
      // A zone Node.js does not know is no reason to refuse the lines: their days then follow
      // Node-RED's own zone, as for a home without one.
      timezone: isTimeZone(home.timezone) ? home.timezone : null,
      rooms,
      modules: optionalArray(home.modules, `the modules of home ${h + 1}`).map((module, m) => parseModule(module, m, h)),
    };
  });
}

function subIndex(id: string): number | null {
  const match = /#(\d)$/.exec(id);
  return match ? Number(match[1]) : null;
}

type LinePart = Omit<Line, 'homeId' | 'homeName' | 'timezone' | 'roomName'>;

/**
 * An ecocounter line's name and room, checked as they always were (a wrong one is a broken
 * answer). Another model's odd field is no name or no room: it must not cost the account its
 * ecocounter lines, which sync nodes made before other models read alone.
 */
function nameAndRoom(module: HomeModule, strict: boolean): { name: string | null; roomId: string | null } {
  const { name, room_id: room } = module.raw;
  if (!strict) return { name: typeof name === 'string' ? name : null, roomId: typeof room === 'string' ? room : null };
  return {
    name: optionalString(name, `the name of module ${module.id}`),
    roomId: optionalString(room, `the room of module ${module.id}`),
  };
}

/** The line of an ecocounter's module, or null (the ecocounter itself, an index out of 0..8). */
function ecocounterLine(module: HomeModule): LinePart | null {
  if (module.bridge === null) return null;
  const index = subIndex(module.id);
  const kind = index === null ? null : lineKind(index);
  if (index === null || kind === null) return null;
  const { name, roomId } = nameAndRoom(module, true);
  return { deviceId: module.bridge, moduleId: module.id, model: 'NLE', index, name: name ?? `#${index}`, ...kind, roomId };
}

/** The line of another model's module, or null when this module of it does not measure. */
function meterLine(module: HomeModule): LinePart | null {
  const row = meterModel(module.type);
  if (row === null || module.bridge === null) return null;
  const index = subIndex(module.id);
  const role = index === null ? row.role : row.subRole;
  if (role === null) return null;
  const { name, roomId } = nameAndRoom(module, false);
  return {
    deviceId: module.bridge,
    moduleId: module.id,
    model: module.type,
    index,
    name: name ?? module.id,
    role,
    consumptionType: 'electrical',
    sourceType: 'electricity',
    roomId,
  };
}

const ROLE_ORDER: readonly LineRole[] = ['meter', 'phase', 'appliance'];

/** Every line of the account, and the module types it does not know. */
export function discover(answer: unknown): Discovery {
  const lines: Line[] = [];
  const unknownTypes: Record<string, number> = {};
  for (const home of parseHomes(answer)) {
    const place = { homeId: home.id, homeName: home.name, timezone: home.timezone };
    const withRoom = (l: LinePart): Line => ({
      ...place,
      ...l,
      roomName: l.roomId !== null ? (home.rooms.get(l.roomId) ?? null) : null,
    });
    const ecocounter: Line[] = [];
    const others: Line[] = [];
    for (const module of home.modules) {
      if (module.type === 'NLE') {
        const line = ecocounterLine(module);
        if (line) ecocounter.push(withRoom(line));
      } else if (meterModel(module.type) !== null) {
        const line = meterLine(module);
        if (line) others.push(withRoom(line));
      } else if (!OTHER_MODELS.has(module.type)) {
        unknownTypes[module.type] = (unknownTypes[module.type] ?? 0) + 1;
      }
    }
    // Index order within a home; a home with two ecocounters keeps them apart, in the order seen.
    const deviceOrder = [...new Set(ecocounter.map((l) => l.deviceId))];
    ecocounter.sort((a, b) => deviceOrder.indexOf(a.deviceId) - deviceOrder.indexOf(b.deviceId) || (a.index ?? 0) - (b.index ?? 0));
    // The others in an order that depends on nothing but their ids and types: meters, phases,
    // appliances; by model in the table's order; by id (a sub-module after its siblings' base).
    others.sort(
      (a, b) =>
        ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role) ||
        METER_MODEL_NAMES.indexOf(a.model) - METER_MODEL_NAMES.indexOf(b.model) ||
        (a.moduleId < b.moduleId ? -1 : a.moduleId > b.moduleId ? 1 : 0),
    );
    lines.push(...ecocounter, ...others);
  }
  return { lines, unknownTypes };
}

/** Only the ecocounters' lines: what `econetatmo-sync` sends with `meters: ecocounter` (and without the property). */
export function isEcocounterLine(line: Line): boolean {
  return line.model === 'NLE';
}

/** The lines a sync node lists. Accepts the whole answer or its `body`. */
export function parseHomesData(answer: unknown, meters: MeterSelection = 'ecocounter'): Line[] {
  const { lines } = discover(answer);
  return meters === 'all' ? lines : lines.filter(isEcocounterLine);
}
