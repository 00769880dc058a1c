// `econetatmo-power`'s messages in the `influxdb` format: one point per reading, measurement
// `econetatmo_power`, field `power` in W, at the time the cloud last heard from the module, with
// the tags of energy points (without a scale: power has no buckets). The same reading sent twice
// is the same series and time: InfluxDB keeps one. An unreachable module (power null) has no
// value to write and gives no point.
import { POWER_MEASUREMENT, type PowerReading } from '../contract/power';
import { ExportProblem } from './types';

export interface InfluxPowerPoint {
  measurement: string;
  tags: { moduleId: string; deviceId: string; line: string };
  fields: { power: number };
  timestamp: Date;
}

const MARKUP = /[<>]/;

/** What a point needs of a reading (messages of an older power node have no `role`). */
type PointReading = Omit<PowerReading, 'role'>;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Shaped like a reading: what tells a power message from a measure one. */
function looksLikeReading(v: unknown): v is Record<string, unknown> {
  return isRecord(v) && 'moduleId' in v && 'lastSeen' in v && 'power' in v;
}

/** A power message is `msg.power` (output `each`) or an array of readings in `msg.payload` (`all`). */
export function isPowerMessage(msg: Readonly<Record<string, unknown>>): boolean {
  return looksLikeReading(msg.power) || (Array.isArray(msg.payload) && msg.payload.length > 0 && msg.payload.every(looksLikeReading));
}

function parseReading(raw: Record<string, unknown>, where: string): PointReading {
  const { homeId, deviceId, moduleId, name, model, power, lastSeen, reachable } = raw;
  const bad = (what: string): ExportProblem => new ExportProblem('notMeasure', { what: `${where}.${what}` });
  if (typeof moduleId !== 'string' || moduleId === '') throw bad('moduleId');
  if (typeof deviceId !== 'string' || deviceId === '') throw bad('deviceId');
  if (typeof name !== 'string') throw bad('name');
  if (MARKUP.test(name)) throw new ExportProblem('markup', { name: name.replace(/[<>]/g, '') });
  if (power !== null && (typeof power !== 'number' || !Number.isFinite(power))) throw bad('power');
  if (typeof lastSeen !== 'number' || !Number.isFinite(lastSeen) || lastSeen <= 0) throw bad('lastSeen');
  if (typeof reachable !== 'boolean') throw bad('reachable');
  return {
    homeId: typeof homeId === 'string' ? homeId : '',
    deviceId,
    moduleId,
    name: name.trim() === '' ? moduleId : name,
    model: typeof model === 'string' ? model : '',
    power,
    lastSeen,
    reachable,
  };
}

/** The readings of a power message, checked; an ExportProblem when one is not right. */
export function parsePowerMessage(msg: Readonly<Record<string, unknown>>): PointReading[] {
  if (looksLikeReading(msg.power)) return [parseReading(msg.power, 'msg.power')];
  if (!Array.isArray(msg.payload)) throw new ExportProblem('notMeasure', { what: 'msg.power' });
  return msg.payload.map((r, i) => parseReading(r as Record<string, unknown>, `payload[${i}]`));
}

export function influxPowerPoints(readings: readonly PointReading[]): InfluxPowerPoint[] {
  return readings
    .filter((r): r is PointReading & { power: number } => r.power !== null)
    .map((r) => ({
      measurement: POWER_MEASUREMENT,
      tags: { moduleId: r.moduleId, deviceId: r.deviceId, line: r.name },
      fields: { power: r.power },
      timestamp: new Date(r.lastSeen),
    }));
}
