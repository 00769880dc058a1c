// The /api/* endpoints: homesdata, getmeasure and homestatus.
import type { ServerResponse } from 'http';
import { sendApiError, sendJson } from './http-util';
import type { SimHome } from './homes';
import { parseType, type Column, type Measured, type Row, type View } from './measure';
import { parseScale, type ScaleName } from './scales';

const MAX_LIMIT = 1024;

export interface ApiDeps {
  homes: SimHome[];
  now: () => number;
  /** The data of a module of a device: its measures, 'module' for a known module without measures, or undefined. */
  find(deviceId: string, moduleId: string): Measured | 'module' | undefined;
  /** The body of homestatus for a home, undefined when unknown. */
  homeStatus(homeId: string): unknown;
  /** A test's rewrite of a path's answer body (the body itself when none). */
  rewrite(path: string, body: unknown): unknown;
  /** How the cloud serves a scale now. */
  view(scale: ScaleName): View;
}

function envelope(body: unknown, now: number, startedAt: bigint): unknown {
  const timeExec = Number(process.hrtime.bigint() - startedAt) / 1e9;
  return { body, status: 'ok', time_exec: timeExec, time_server: Math.floor(now / 1000) };
}

export function homesdata(p: URLSearchParams, res: ServerResponse, deps: ApiDeps): void {
  const started = process.hrtime.bigint();
  const homeId = p.get('home_id');
  const homes = homeId ? deps.homes.filter((h) => h.id === homeId) : deps.homes;
  if (homeId && homes.length === 0) return sendApiError(res, 404, 9, 'Home not found');
  const user = {
    email: 'demo@example.invalid',
    language: 'fr-FR',
    locale: 'fr-FR',
    feel_like_algorithm: 0,
    unit_pressure: 0,
    unit_system: 0,
    unit_wind: 0,
    id: 'simulated-user',
  };
  sendJson(res, 200, envelope(deps.rewrite('/api/homesdata', { homes, user }), deps.now(), started));
}

export function homestatus(p: URLSearchParams, res: ServerResponse, deps: ApiDeps): void {
  const started = process.hrtime.bigint();
  const homeId = p.get('home_id');
  if (!homeId) return sendApiError(res, 400, 10, 'Missing arguments');
  const body = deps.homeStatus(homeId);
  if (body === undefined) return sendApiError(res, 404, 9, 'Home not found');
  sendJson(res, 200, envelope(deps.rewrite('/api/homestatus', body), deps.now(), started));
}

function parseBool(text: string | null, fallback: boolean): boolean | undefined {
  if (text === null || text === '') return fallback;
  if (text === 'true' || text === '1') return true;
  if (text === 'false' || text === '0') return false;
  return undefined;
}

function parseEpochSec(text: string | null): number | undefined {
  if (text === null || !/^\d+(\.\d+)?$/.test(text.trim())) return undefined;
  return Math.floor(Number(text) * 1000);
}

export function getmeasure(p: URLSearchParams, res: ServerResponse, deps: ApiDeps): void {
  const started = process.hrtime.bigint();
  const now = deps.now();
  const deviceId = p.get('device_id');
  const scaleText = p.get('scale');
  const typeText = p.get('type');
  if (!deviceId || !scaleText || !typeText) return sendApiError(res, 400, 10, 'Missing arguments');
  const moduleId = p.get('module_id') || deviceId;
  const scale = parseScale(scaleText);
  if (!scale) return sendApiError(res, 400, 21, 'Invalid scale');
  const columns: Column[] = [];
  for (const t of typeText.split(',')) {
    const col = parseType(t.trim());
    if (!col) return sendApiError(res, 400, 21, 'Invalid type');
    columns.push(col);
  }
  const found = deps.find(deviceId, moduleId);
  if (!found) return sendApiError(res, 404, 9, 'Device not found');
  // A family another model uses (the ecocounter's sum_energy_elec on an NLPC, say) is an invalid type too.
  if (found !== 'module' && columns.some((c) => !found.accepts(c))) return sendApiError(res, 400, 21, 'Invalid type');

  const beginText = p.get('date_begin');
  const endText = p.get('date_end');
  const begin = beginText === null || beginText === '' ? 0 : parseEpochSec(beginText);
  const end = endText === null || endText === '' || endText === 'last' ? now : parseEpochSec(endText);
  if (begin === undefined || end === undefined) return sendApiError(res, 400, 21, 'Invalid date');
  if (end < begin) return sendApiError(res, 400, 25, 'Invalid date');
  const limitText = p.get('limit');
  let limit = MAX_LIMIT;
  if (limitText !== null && limitText !== '') {
    const n = Number(limitText);
    if (!Number.isInteger(n) || n < 1) return sendApiError(res, 400, 21, 'Invalid limit');
    limit = Math.min(n, MAX_LIMIT);
  }
  const optimize = parseBool(p.get('optimize'), true);
  const realTime = parseBool(p.get('real_time'), false);
  if (optimize === undefined || realTime === undefined) return sendApiError(res, 400, 21, 'Invalid argument');

  const rows = found === 'module' ? [] : found.rows(columns, scale, begin, end, deps.view(scale), limit);
  const body = optimize ? toSeries(rows, realTime, scale === '1month') : toKeyed(rows, realTime);
  sendJson(res, 200, envelope(deps.rewrite('/api/getmeasure', body), now, started));
}

/** Row time in epoch seconds: bucket middle, or start with real_time. */
function stamp(row: Row, realTime: boolean): number {
  return Math.round((realTime ? row.start : (row.start + row.end) / 2) / 1000);
}

interface Series {
  beg_time: number;
  step_time: number;
  value: (number | null)[][];
}

/** optimize=true: a new series after a gap or when the step changes (each calendar month is its own). */
function toSeries(rows: Row[], realTime: boolean, eachRowOwnSeries: boolean): Series[] {
  const out: Series[] = [];
  let current: Series | undefined;
  let prev: Row | undefined;
  for (const row of rows) {
    const step = (row.end - row.start) / 1000;
    if (!current || !prev || eachRowOwnSeries || prev.end !== row.start || current.step_time !== step) {
      current = { beg_time: stamp(row, realTime), step_time: step, value: [] };
      out.push(current);
    }
    current.value.push(row.values);
    prev = row;
  }
  return out;
}

function toKeyed(rows: Row[], realTime: boolean): Record<string, (number | null)[]> {
  const out: Record<string, (number | null)[]> = {};
  for (const row of rows) out[String(stamp(row, realTime))] = row.values;
  return out;
}
