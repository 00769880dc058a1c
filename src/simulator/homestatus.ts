// The body of /api/homestatus for one home, shaped like the real answers: every module of the home, the
// range's with `power`, `last_seen`, `reachable` (and `on` for switches) from meters.ts, the ecocounter and
// its lines without power or counters, the gateway and the modules that measure nothing with their own
// fields (a client must ignore them).
import { hash32, tag } from './hash';
import type { SimHome, SimModule } from './homes';
import type { Meters } from './meters';

function reportedAt(now: number, id: string, seed: number): number {
  const offset = hash32(seed, 0x0f6, tag(id)) % 60;
  return Math.floor((Math.floor(now / 1000) - offset) / 60) * 60 + offset;
}

function otherModule(m: SimModule, now: number, meters: Meters): Record<string, unknown> {
  const bridge = m.bridge === undefined ? {} : { bridge: m.bridge };
  switch (m.type) {
    case 'NLE':
      return m.bridge === undefined ? { id: m.id, type: m.type, firmware_revision: 14, wifi_strength: 38 } : { id: m.id, type: m.type, ...bridge };
    case 'NLG':
      return { id: m.id, type: m.type, offload: false, firmware_revision: 211, last_seen: reportedAt(now, m.id, 1), wifi_strength: 51, reachable: true };
    case 'NLIS': {
      const seen = meters.groupStatus(m.id, now) ?? { last_seen: reportedAt(now, m.id, 2), reachable: true };
      return { id: m.id, type: m.type, firmware_revision: 20, last_seen: seen.last_seen, reachable: seen.reachable, ...bridge };
    }
    case 'NLT': // a battery remote: seen by its gateway only when pressed
      return { id: m.id, type: m.type, battery_state: 'full', battery_level: 3300, firmware_revision: 42, last_seen: 0, reachable: false, ...bridge };
    case 'NLV':
    case 'Z3V':
      return {
        id: m.id,
        type: m.type,
        current_position: 0,
        target_position: 0,
        'target_position:step': 100,
        firmware_revision: 47,
        last_seen: reportedAt(now, m.id, 3),
        reachable: true,
        ...bridge,
      };
    case 'NAPlug':
      return { id: m.id, type: m.type, firmware_revision: 174, rf_strength: 107, wifi_strength: 42 };
    case 'NATherm1':
      return {
        id: m.id,
        reachable: true,
        type: m.type,
        firmware_revision: 65,
        rf_strength: 58,
        battery_level: 3793,
        boiler_status: false,
        ...bridge,
        battery_state: 'high',
      };
    default:
      return { id: m.id, type: m.type, ...bridge };
  }
}

export function homeStatus(home: SimHome, meters: Meters, now: number): unknown {
  const modules = home.modules.map((m) => (meters.has(m.id) ? meters.status(m.id, now) : otherModule(m, now, meters)));
  return { home: { id: home.id, modules, rooms: home.rooms.map((r) => ({ id: r.id })) } };
}
