// `/api/homesdata` -> the ecocounters' lines. A line is a module of type NLE with a `bridge`
// (the ecocounter) and an id ending in `#N`, N in 0..8; its role comes from N alone, by the
// convention the known clients share (names are user labels and mean nothing).
import { unexpectedAnswer, isRecord } from './errors';
import { isTimeZone } from '../lib/local-calendar';
import type { ConsumptionType, Line, LineRole, SourceType } from '../contract/line';

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

/** Accepts the whole answer (`{body:{homes}}`) or its `body`. */
export function parseHomesData(answer: unknown): Line[] {
  if (!isRecord(answer)) throw unexpectedAnswer('homes data is not an object');
  const body = 'homes' in answer ? answer : answer.body;
  if (!isRecord(body)) throw unexpectedAnswer('homes data has no body');
  // An account without homes still gets `homes: []`: no list at all is a broken answer, not "no lines".
  if (!Array.isArray(body.homes))
    throw unexpectedAnswer(body.homes === undefined || body.homes === null ? 'homes data has no list of homes' : 'the list of homes is not a list');
  const homes: unknown[] = body.homes;
  const lines: Line[] = [];
  homes.forEach((home, h) => {
    if (!isRecord(home)) throw unexpectedAnswer(`home ${h + 1} is not an object`);
    if (typeof home.id !== 'string') throw unexpectedAnswer(`home ${h + 1} has no id`);
    const homeId = home.id;
    const homeName = optionalString(home.name, `the name of home ${h + 1}`) ?? '';
    // A zone Node.js does not know is no reason to refuse the lines: their days then follow
    // Node-RED's own zone, as for a home without one.
    const timezone = isTimeZone(home.timezone) ? home.timezone : null;
    const roomNames = new Map<string, string>();
    optionalArray(home.rooms, `the rooms of home ${h + 1}`).forEach((room, r) => {
      if (!isRecord(room) || typeof room.id !== 'string') throw unexpectedAnswer(`room ${r + 1} of home ${h + 1} has no id`);
      const name = optionalString(room.name, `the name of room ${r + 1}`);
      if (name !== null) roomNames.set(room.id, name);
    });
    const homeLines: Line[] = [];
    optionalArray(home.modules, `the modules of home ${h + 1}`).forEach((module, m) => {
      if (!isRecord(module)) throw unexpectedAnswer(`module ${m + 1} of home ${h + 1} is not an object`);
      if (typeof module.id !== 'string' || typeof module.type !== 'string') {
        throw unexpectedAnswer(`module ${m + 1} of home ${h + 1} has no id or type`);
      }
      if (module.type !== 'NLE' || typeof module.bridge !== 'string') return;
      const match = /#(\d)$/.exec(module.id);
      const index = match ? Number(match[1]) : NaN;
      const kind = lineKind(index);
      if (!kind) return;
      const roomId = optionalString(module.room_id, `the room of module ${module.id}`);
      const name = optionalString(module.name, `the name of module ${module.id}`) ?? `#${index}`;
      homeLines.push({
        homeId,
        homeName,
        timezone,
        deviceId: module.bridge,
        moduleId: module.id,
        index,
        name,
        ...kind,
        roomId,
        roomName: roomId !== null ? (roomNames.get(roomId) ?? null) : null,
      });
    });
    // Index order within a home; a home with two ecocounters keeps them apart, in the order seen.
    const deviceOrder = [...new Set(homeLines.map((l) => l.deviceId))];
    homeLines.sort((a, b) => deviceOrder.indexOf(a.deviceId) - deviceOrder.indexOf(b.deviceId) || a.index - b.index);
    lines.push(...homeLines);
  });
  return lines;
}
