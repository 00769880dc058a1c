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
