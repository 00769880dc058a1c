// The export node's edge: a message is taken only if it is what econetatmo-measure sends (or, for
// Home Assistant, the answer to its own baseline read). Everything is checked here, once, so that
// the rest of src/export works on typed values.
import { isDeviceId, isModuleId, lineDevice } from '../contract/line-id';
import { isTimeZone } from '../lib/local-calendar';
import { ExportProblem, SCALES, type ExportPoint, type MeasurePayload, type Scale } from './types';

/** Line names are the user's free text; a destination may render them as HTML. */
const MARKUP = /[<>]/;
const MAX_POINTS = 200_000;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function notMeasure(what: string): ExportProblem {
  return new ExportProblem('notMeasure', { what });
}

function parsePoint(raw: unknown, i: number): ExportPoint {
  if (!isRecord(raw)) throw notMeasure(`points[${i}]`);
  const { start, end, values, total } = raw;
  if (!isFiniteNumber(start) || !isFiniteNumber(end) || end <= start) throw notMeasure(`points[${i}].start/end`);
  if (!isRecord(values)) throw notMeasure(`points[${i}].values`);
  const clean: Record<string, number | null> = {};
  for (const [type, v] of Object.entries(values)) {
    if (v !== null && !isFiniteNumber(v)) throw notMeasure(`points[${i}].values.${type}`);
    clean[type] = v;
  }
  if (total !== null && !isFiniteNumber(total)) throw notMeasure(`points[${i}].total`);
  if (total !== null && total < 0) throw new ExportProblem('negative', { start: new Date(start).toISOString() });
  return { start, end, values: clean, total };
}

/** The measure node's payload, or an ExportProblem saying what is not right. */
export function parseMeasurePayload(payload: unknown): MeasurePayload {
  if (!isRecord(payload)) throw notMeasure('payload');
  const { moduleId, deviceId, name, timezone, scale, unit, types, points, revised } = payload;
  if (typeof moduleId !== 'string' || !isModuleId(moduleId)) throw notMeasure('payload.moduleId');
  // An ecocounter line's device is its id's prefix; any other module's is its gateway, whatever its id.
  if (typeof deviceId !== 'string' || (deviceId !== lineDevice(moduleId) && !isDeviceId(deviceId))) throw notMeasure('payload.deviceId');
  if (typeof name !== 'string') throw notMeasure('payload.name');
  if (MARKUP.test(name)) throw new ExportProblem('markup', { name: name.replace(/[<>]/g, '') });
  // Optional (measure nodes before it did not send it); a zone Node.js does not know is refused.
  if (timezone !== undefined && timezone !== null && !isTimeZone(timezone)) throw notMeasure('payload.timezone');
  if (typeof scale !== 'string' || !(SCALES as readonly string[]).includes(scale)) throw notMeasure('payload.scale');
  if (unit !== 'Wh') throw notMeasure('payload.unit');
  if (!Array.isArray(types) || !types.every((t) => typeof t === 'string')) throw notMeasure('payload.types');
  if (!Array.isArray(points) || points.length > MAX_POINTS) throw notMeasure('payload.points');
  const parsed = points.map(parsePoint);
  for (let i = 1; i < parsed.length; i++) {
    if (parsed[i].start <= parsed[i - 1].start) throw notMeasure('payload.points (not in ascending order)');
  }
  if (revised !== undefined && (!Array.isArray(revised) || !revised.every(isFiniteNumber))) throw notMeasure('payload.revised');
  return {
    moduleId,
    deviceId,
    name: name.trim() === '' ? moduleId : name,
    timezone: timezone ?? null,
    scale: scale as Scale,
    unit: 'Wh',
    types: types as string[],
    points: parsed,
    revised: (revised as number[] | undefined) ?? [],
  };
}

/** What marks Home Assistant's answer to a baseline read, wired back into the node. */
export interface BaselineTag {
  statisticId: string;
  /** The first hour the read was asked for. */
  from: number;
}

export function baselineTag(msg: Readonly<Record<string, unknown>>): BaselineTag | null {
  const tag = msg.econetatmoBaseline;
  if (!isRecord(tag)) return null;
  const { statisticId, from } = tag;
  return typeof statisticId === 'string' && typeof from === 'number' ? { statisticId, from } : null;
}

/** The measure payload of a message to a format without a baseline loop (which refuses an answer). */
export function measurePayloadOf(msg: Readonly<Record<string, unknown>>): MeasurePayload {
  if (baselineTag(msg)) throw notMeasure('msg.econetatmoBaseline');
  return parseMeasurePayload(msg.payload);
}
