// Lines as discovery gives them, for the tests that hand a service its account's lines.
import type { Line } from '../../src/contract/line';

/** A circuit line of the account's one home, as discovery gives it. */
export function lineRecord(moduleId: string, name: string, timezone: string | null = 'Europe/Paris'): Line {
  return {
    homeId: 'h',
    homeName: 'Home',
    timezone,
    deviceId: moduleId.split('#')[0],
    moduleId,
    model: 'NLE',
    index: Number(moduleId.slice(moduleId.indexOf('#') + 1)),
    name,
    role: 'circuit',
    consumptionType: 'electrical',
    sourceType: 'electricity',
    roomId: null,
    roomName: null,
  };
}

/** An electricity module of home `homeId` (named after it) behind the gateway `gw`, in no room; `l` sets the rest. */
export function moduleLine(l: Pick<Line, 'homeId' | 'moduleId' | 'model' | 'name' | 'role'> & Partial<Line>): Line {
  return {
    homeName: l.homeId,
    timezone: null,
    deviceId: 'gw',
    index: null,
    consumptionType: 'electrical',
    sourceType: 'electricity',
    roomId: null,
    roomName: null,
    ...l,
  };
}
