// Turns the node's settings and an input message into what one read asks for, or into a
// problem the user can fix. Runs before any request: a bad input never costs a request. Two
// steps: `planRead` checks everything the input says by itself (no request); `resolveRead` then
// completes it with the account's record of the module (its gateway, its model's default types),
// which the controller looks up in between (`moduleToLookUp`).
// Problems are i18n keys (under `econetatmo-measure.errors.`) with their parameters, so the
// adapter can say them in the user's language.
import { isDeviceId, isModuleId, lineDevice } from '../contract/line-id';
import { isScale } from '../netatmo/measure-plan';
import { familyTypes, MEASURE_TYPES, SCALES, type Scale } from '../contract/measure-types';
import { consumptionFamilyOf, type ConsumptionFamily } from '../contract/meter-models';
import type { Line } from '../contract/line';
import { DEFAULT_INTERVAL_MIN, MIN_INTERVAL_MIN } from '../contract/editor-constants';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

function intervalMinutes(raw: unknown): number | undefined {
  const minutes = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  return typeof minutes === 'number' && Number.isFinite(minutes) && minutes >= 0 ? minutes : undefined;
}

/**
 * The node's `interval` (minutes, 0 = only on input) in ms; anything unreadable is the default,
 * anything shorter than MIN_INTERVAL_MIN is that minimum (see intervalProblem for the warning).
 */
export function intervalMs(raw: unknown): number {
  const minutes = intervalMinutes(raw);
  if (minutes === undefined) return DEFAULT_INTERVAL_MIN * 60_000;
  if (minutes > 0 && minutes < MIN_INTERVAL_MIN) return MIN_INTERVAL_MIN * 60_000;
  return minutes * 60_000;
}

/** What to tell the user when the interval was raised to the minimum, else null. */
export function intervalProblem(raw: unknown): InputProblem | null {
  const minutes = intervalMinutes(raw);
  if (minutes === undefined || minutes === 0 || minutes >= MIN_INTERVAL_MIN) return null;
  return { key: 'intervalTooShort', params: { interval: String(minutes), min: String(MIN_INTERVAL_MIN) } };
}

export interface MeasureSettings {
  moduleId?: string;
  deviceId?: string;
  types?: string;
  scale?: string;
}

export interface ReadPlan {
  moduleId: string;
  deviceId: string;
  types: string[];
  scale: Scale;
  /** Present when the message asked for a range (`msg.dateBegin`): read it whole. */
  range?: { dateBegin: number; dateEnd?: number };
  /** The family whose values make a bucket's `total` (the module's model's). */
  consumption?: ConsumptionFamily;
}

/** A plan checked on its own, before the account's record of the module completes it. */
export interface InputPlan extends Omit<ReadPlan, 'deviceId' | 'types' | 'consumption'> {
  /** As given (settings or message); null: from the account's lines, or the line id's prefix. */
  deviceId: string | null;
  /** As given; null: the default of the module's model. */
  types: string[] | null;
}

export interface InputProblem {
  key: string;
  params: Record<string, string>;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; problem: InputProblem };

function problem(key: string, params: Record<string, string> = {}): { ok: false; problem: InputProblem } {
  return { ok: false, problem: { key, params } };
}

function present(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/** Short, printable echo of a bad value for an error text (never the whole message). */
/** An instant in an error text: ISO 8601 to the second (the milliseconds only lengthen the line). */
function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function echo(value: unknown): string {
  let text: string;
  if (typeof value === 'string') text = JSON.stringify(value);
  else if (value instanceof Date) text = 'Invalid Date';
  else if (typeof value === 'number' || typeof value === 'boolean') text = String(value);
  else if (value === null) text = 'null';
  else text = typeof value;
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function checkModule(config: MeasureSettings, msg: Record<string, unknown>): Checked<{ moduleId: string; deviceId: string | null }> {
  const fromMsg = present(msg.moduleId);
  const rawModule: unknown = fromMsg ? msg.moduleId : (config.moduleId ?? '').trim();
  if (rawModule === '') return problem('noModule');
  if (!isModuleId(rawModule)) return problem('badModule', { moduleId: echo(rawModule) });
  // A configured deviceId belongs to the configured moduleId: a message that changes the
  // line without naming the device gets the new line's own device.
  const rawDevice: unknown = present(msg.deviceId) ? msg.deviceId : fromMsg ? '' : (config.deviceId ?? '').trim();
  if (rawDevice === '') return { ok: true, value: { moduleId: rawModule, deviceId: null } };
  if (typeof rawDevice !== 'string' || !isDeviceId(rawDevice)) return problem('badDevice', { deviceId: echo(rawDevice), moduleId: rawModule });
  // An ecocounter line's device is the part before `#`: said at once, without asking the account.
  const prefix = lineDevice(rawModule);
  if (prefix !== null && rawDevice.toLowerCase() !== prefix.toLowerCase()) return problem('badDevice', { deviceId: echo(rawDevice), moduleId: rawModule });
  return { ok: true, value: { moduleId: rawModule, deviceId: rawDevice } };
}

export function parseTypes(raw: unknown): Checked<string[]> {
  let items: unknown[];
  if (Array.isArray(raw)) items = raw;
  else if (typeof raw === 'string') items = raw.split(',');
  else return problem('badTypes', { types: echo(raw) });
  const types: string[] = [];
  for (const item of items) {
    if (typeof item !== 'string') return problem('badType', { type: echo(item) });
    const type = item.trim();
    if (type === '' && !Array.isArray(raw)) continue;
    if (!MEASURE_TYPES.includes(type)) return problem('badType', { type: echo(type) });
    if (!types.includes(type)) types.push(type);
  }
  if (types.length === 0) return problem('noTypes');
  return { ok: true, value: types };
}

function checkTypes(config: MeasureSettings, msg: Record<string, unknown>): Checked<string[] | null> {
  if (present(msg.types)) return parseTypes(msg.types);
  const configured = (config.types ?? '').trim();
  return configured === '' ? { ok: true, value: null } : parseTypes(configured);
}

function checkScale(config: MeasureSettings, msg: Record<string, unknown>): Checked<Scale> {
  const raw: unknown = present(msg.scale) ? msg.scale : config.scale || '30min';
  return isScale(raw) ? { ok: true, value: raw } : problem('badScale', { scale: echo(raw), scales: SCALES.join(', ') });
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The last instant a Date can hold: anything later cannot even be printed in an error text. */
const MAX_DATE_MS = 8.64e15;

/** Epoch ms a Date can hold, and not before 1970 (no ecocounter data can be older). */
function inDateRange(ms: number): boolean {
  return Number.isFinite(ms) && ms >= 0 && ms <= MAX_DATE_MS;
}

/** An ISO 8601 string, a valid Date, or epoch milliseconds -> epoch milliseconds. */
export function parseDate(raw: unknown): number | null {
  if (raw instanceof Date) return inDateRange(raw.getTime()) ? raw.getTime() : null;
  if (typeof raw === 'number') return inDateRange(raw) ? Math.floor(raw) : null;
  if (typeof raw !== 'string') return null;
  const text = raw.trim();
  const m = ISO_DATE.exec(text);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (m[4] !== undefined && (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6] ?? 0) > 59)) return null;
  const ms = Date.parse(text.replace(' ', 'T'));
  return inDateRange(ms) ? ms : null;
}

function checkRange(msg: Record<string, unknown>, now: number): Checked<ReadPlan['range']> {
  const hasBegin = present(msg.dateBegin);
  const hasEnd = present(msg.dateEnd);
  if (!hasBegin) return hasEnd ? problem('endWithoutBegin') : { ok: true, value: undefined };
  const begin = parseDate(msg.dateBegin);
  if (begin === null) return problem('badDate', { field: 'dateBegin', value: echo(msg.dateBegin) });
  if (begin > now) return problem('beginInFuture', { dateBegin: isoSeconds(begin) });
  if (!hasEnd) return { ok: true, value: { dateBegin: begin } };
  const end = parseDate(msg.dateEnd);
  if (end === null) return problem('badDate', { field: 'dateEnd', value: echo(msg.dateEnd) });
  if (end <= begin) {
    return problem('reversedDates', { dateBegin: isoSeconds(begin), dateEnd: isoSeconds(end) });
  }
  // Up to now is all the cloud can have: a later end means "until now".
  return { ok: true, value: end >= now ? { dateBegin: begin } : { dateBegin: begin, dateEnd: end } };
}

/** What the input says, from the settings overridden by the message; checked whole, no request. */
export function planRead(config: MeasureSettings, msg: Record<string, unknown>, now: number): Checked<InputPlan> {
  const line = checkModule(config, msg);
  if (!line.ok) return line;
  const types = checkTypes(config, msg);
  if (!types.ok) return types;
  const scale = checkScale(config, msg);
  if (!scale.ok) return scale;
  const range = checkRange(msg, now);
  if (!range.ok) return range;
  const plan: InputPlan = { ...line.value, types: types.value, scale: scale.value };
  if (range.value) plan.range = range.value;
  return { ok: true, value: plan };
}

/**
 * The plan completed with the account's record of the module (null: the account does not list
 * it, or its lines cannot be read now). A known module gives its gateway and model; an unknown
 * one shaped as an ecocounter line is read as one, as before other models were known; any other
 * unknown module needs its device given.
 */
export function resolveRead(plan: InputPlan, line: Pick<Line, 'deviceId' | 'model'> | null): Checked<ReadPlan> {
  let deviceId: string;
  let model: string | null;
  if (line !== null) {
    if (plan.deviceId !== null && plan.deviceId.toLowerCase() !== line.deviceId.toLowerCase()) {
      return problem('badDevice', { deviceId: echo(plan.deviceId), moduleId: plan.moduleId });
    }
    deviceId = line.deviceId;
    model = line.model;
  } else {
    const prefix = lineDevice(plan.moduleId);
    if (prefix === null && plan.deviceId === null) return problem('unknownModule', { moduleId: echo(plan.moduleId) });
    // The line id's own spelling: the API pairs them by prefix.
    deviceId = prefix ?? (plan.deviceId as string);
    model = prefix !== null ? 'NLE' : null;
  }
  const consumption = consumptionFamilyOf(model);
  const { range, ...rest } = plan;
  const resolved: ReadPlan = { ...rest, deviceId, types: plan.types ?? familyTypes(consumption), consumption };
  if (range) resolved.range = range;
  return { ok: true, value: resolved };
}

/** Plan and resolve in one step, for a caller that has the module's record at hand (or none). */
export function planResolved(
  config: MeasureSettings,
  msg: Record<string, unknown>,
  now: number,
  line: Pick<Line, 'deviceId' | 'model'> | null,
): Checked<ReadPlan> {
  const planned = planRead(config, msg, now);
  return planned.ok ? resolveRead(planned.value, line) : planned;
}
