// "Download diagnostics": what only the real cloud can tell (local days, gas and water lines,
// rows per answer, the module types of the account, a meter that is not listed yet, what the
// modules report live), as a JSON file a user can attach to a bug report. It is anonymised here,
// before it leaves the runtime: ids become stable keyed hashes (the same id gives the same
// hash in every download of this account, and without the account's own random key, see
// diagnostics-key.ts, no id can be found back from one, even by trying every ecocounter address), names become placeholders, and no
// token or secret is ever read into it.
import { createHmac } from 'node:crypto';
import type { BudgetUse, NetatmoAccountApi } from '../netatmo/account-api';
import { discover, parseHomes } from '../netatmo/discovery';
import { familyTypes } from '../contract/measure-types';
import { consumptionFamilyOf, meterModel } from '../contract/meter-models';
import { statusSample } from './diagnostics-status';
import { SCALES, type Scale } from '../contract/measure-types';
import { type ConnectionState } from '../netatmo/types';
import { type Line } from '../contract/line';

export const DIAGNOSTIC_SCALES: readonly Scale[] = SCALES;
/** How far around the last local midnight each scale's request reaches (its answer has a few dozen rows). */
const SPAN_MS: Record<Scale, number> = {
  '30min': 6 * 3_600_000,
  '1hour': 12 * 3_600_000,
  '3hours': 2 * 86_400_000,
  '1day': 10 * 86_400_000,
  '1week': 8 * 7 * 86_400_000,
  '1month': 400 * 86_400_000,
};
const TYPES = ['sum_energy_elec', 'sum_energy_elec$0', 'sum_energy_elec$1', 'sum_energy_elec$2'];
/** The scales a meter other than the ecocounter is sampled at (its upload rhythm and stamps are what is unknown). */
const METER_SCALES: readonly Scale[] = ['30min', '1hour'];
/**
 * 1 homesdata + 2 getmeasure per scale for an ecocounter line, + 1 per METER_SCALES for another
 * meter, + 1 homestatus: the most requests a download makes (a token refresh aside).
 */
export const DIAGNOSTIC_REQUESTS = 1 + 2 * DIAGNOSTIC_SCALES.length + METER_SCALES.length + 1;

export interface Versions {
  package: string;
  nodeRed: string;
  node: string;
}

export interface DiagnosticsInput {
  account: NetatmoAccountApi;
  /** Keys the hashes (the account's own random key, never a secret of another use); never written out. */
  hashKey: string;
  versions: Versions;
  now: number;
}

/** Hashes ids and numbers names, in the order they are met. */
class Anonymiser {
  private readonly names = new Map<string, string>();
  constructor(private readonly key: string) {}

  id(kind: string, value: string): string {
    return `${kind}-${createHmac('sha256', this.key).update(`${kind}:${value}`).digest('hex').slice(0, 12)}`;
  }

  /** A line id keeps its `#index`: the index says the line's role (or which phase). */
  moduleId(moduleId: string): string {
    const [device, index] = moduleId.split('#');
    const hashed = this.id('device', device ?? '');
    return index === undefined ? hashed : `${hashed}#${index}`;
  }

  name(kind: string, value: string): string {
    const known = this.names.get(`${kind}:${value}`);
    if (known !== undefined) return known;
    const placeholder = `${kind} ${[...this.names.keys()].filter((k) => k.startsWith(`${kind}:`)).length + 1}`;
    this.names.set(`${kind}:${value}`, placeholder);
    return placeholder;
  }
}

/** The time zone of each home, from the raw homesdata answer (not part of a Line). */
function timezones(answer: Record<string, unknown>): Map<string, string> {
  const zones = new Map<string, string>();
  const body = answer.body;
  const homes = typeof body === 'object' && body !== null ? (body as { homes?: unknown }).homes : undefined;
  if (!Array.isArray(homes)) return zones;
  for (const home of homes) {
    if (typeof home !== 'object' || home === null) continue;
    const { id, timezone } = home as { id?: unknown; timezone?: unknown };
    if (typeof id === 'string' && typeof timezone === 'string') zones.set(id, timezone);
  }
  return zones;
}

/** Epoch ms of the last midnight at or before `now` in `timeZone` (the runtime's zone when unknown). */
export function lastLocalMidnight(now: number, timeZone?: string): number {
  const parts = (at: number): Record<string, number> => {
    let format: Intl.DateTimeFormat;
    try {
      format = new Intl.DateTimeFormat('en-GB', { timeZone, hourCycle: 'h23', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    } catch {
      format = new Intl.DateTimeFormat('en-GB', { hourCycle: 'h23', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    }
    const out: Record<string, number> = {};
    for (const p of format.formatToParts(new Date(at))) if (p.type !== 'literal') out[p.type] = Number(p.value);
    return out;
  };
  const p = parts(now);
  const guess = now - (((p.hour ?? 0) * 60 + (p.minute ?? 0)) * 60 + (p.second ?? 0)) * 1000 - (now % 1000);
  // A clock change since midnight moves it by an hour: correct with the local time at the guess.
  const q = parts(guess);
  const off = ((q.hour ?? 0) * 60 + (q.minute ?? 0)) * 60_000;
  return off === 0 ? guess : off > 12 * 3_600_000 ? guess + (24 * 3_600_000 - off) : guess - off;
}

/** The line the answers are read for: the ecocounter's total if it has one, else its first line. */
function sampleLine(lines: Line[]): Line | undefined {
  const ecocounter = lines.filter((l) => l.model === 'NLE');
  return ecocounter.find((l) => l.role === 'total') ?? ecocounter[0];
}

/** The other meter sampled: a whole-module meter if there is one (the most asked for), else any. */
function sampleMeter(lines: Line[]): Line | undefined {
  const others = lines.filter((l) => l.model !== 'NLE');
  return others.find((l) => l.role === 'meter') ?? others.find((l) => l.role === 'phase') ?? others[0];
}

function measureParams(line: Line, scale: Scale, types: string[], dateBegin: number, dateEnd: number, realTime: boolean): Record<string, string> {
  return {
    device_id: line.deviceId,
    module_id: line.moduleId,
    scale,
    type: types.join(','),
    date_begin: String(dateBegin),
    date_end: String(dateEnd),
    limit: '1024',
    optimize: 'true',
    real_time: String(realTime),
  };
}

/** Only the answer's shape and values: getmeasure answers carry times and numbers, no ids. */
function measureAnswer(answer: Record<string, unknown>): Record<string, unknown> {
  const body = answer.body;
  let rows = 0;
  if (Array.isArray(body)) {
    for (const series of body) {
      const value = typeof series === 'object' && series !== null ? (series as { value?: unknown }).value : undefined;
      if (Array.isArray(value)) rows += value.length;
    }
  } else if (typeof body === 'object' && body !== null) {
    rows = Object.keys(body).length;
  }
  return { status: answer.status, rows, body };
}

export async function collectDiagnostics(input: DiagnosticsInput): Promise<Record<string, unknown>> {
  const { account, now } = input;
  const anon = new Anonymiser(input.hashKey);
  const file: Record<string, unknown> = {
    about: 'node-red-contrib-econetatmo diagnostics: ids are keyed hashes, names are placeholders, no token or secret.',
    generatedAt: new Date(now).toISOString(),
    versions: input.versions,
  };
  let homesAnswer: Record<string, unknown>;
  try {
    homesAnswer = await account.rawRead('/api/homesdata', {});
  } catch (err) {
    return { ...file, tokenState: tokenState(account.state()), rateBudget: budget(account.budgetUse()), error: errorName(err) };
  }
  const { lines, unknownTypes } = discover(homesAnswer);
  const zones = timezones(homesAnswer);
  const homes = new Map<string, { id: string; name: string; timezone: string | null; lines: unknown[] }>();
  for (const line of lines) {
    let home = homes.get(line.homeId);
    if (home === undefined) {
      home = { id: anon.id('home', line.homeId), name: anon.name('home', line.homeId), timezone: zones.get(line.homeId) ?? null, lines: [] };
      homes.set(line.homeId, home);
    }
    home.lines.push({
      moduleId: anon.moduleId(line.moduleId),
      deviceId: anon.moduleId(line.deviceId),
      model: line.model,
      name: anon.name('line', line.moduleId),
      index: line.index,
      role: line.role,
      consumptionType: line.consumptionType,
      sourceType: line.sourceType,
    });
  }
  file.homes = [...homes.values()];
  // Every module of the account, lines or not: its type and which device it hangs off, hashed.
  file.modules = parseHomes(homesAnswer).map((home) => ({
    home: anon.id('home', home.id),
    modules: home.modules.map((m) => ({ id: anon.moduleId(m.id), type: m.type, bridge: m.bridge === null ? null : anon.moduleId(m.bridge) })),
  }));
  file.unknownTypes = unknownTypes;

  const line = sampleLine(lines);
  if (line !== undefined) {
    const timezone = zones.get(line.homeId);
    const midnight = lastLocalMidnight(now, timezone);
    const answers: unknown[] = [];
    for (const scale of DIAGNOSTIC_SCALES) {
      const dateBegin = Math.floor((midnight - SPAN_MS[scale]) / 1000);
      const dateEnd = Math.floor(Math.min(now, midnight + SPAN_MS[scale]) / 1000);
      for (const realTime of [false, true]) {
        const params = measureParams(line, scale, TYPES, dateBegin, dateEnd, realTime);
        const request = { scale, realTime, dateBegin, dateEnd, types: TYPES };
        try {
          answers.push({ request, answer: measureAnswer(await account.rawRead('/api/getmeasure', params)) });
        } catch (err) {
          answers.push({ request, error: errorName(err) });
        }
      }
    }
    file.sample = {
      moduleId: anon.moduleId(line.moduleId),
      name: anon.name('line', line.moduleId),
      timezone: timezone ?? null,
      lastLocalMidnight: new Date(midnight).toISOString(),
      answers,
    };
  }
  const meter = sampleMeter(lines);
  if (meter !== undefined) {
    // Its model's family, the hours before now: when its buckets appear says its upload rhythm.
    const types = familyTypes(consumptionFamilyOf(meter.model));
    const answers: unknown[] = [];
    for (const scale of METER_SCALES) {
      const dateEnd = Math.floor(now / 1000);
      const dateBegin = dateEnd - Math.floor(SPAN_MS[scale] / 1000);
      const request = { scale, realTime: false, dateBegin, dateEnd, types };
      try {
        answers.push({
          request,
          answer: measureAnswer(await account.rawRead('/api/getmeasure', measureParams(meter, scale, types, dateBegin, dateEnd, false))),
        });
      } catch (err) {
        answers.push({ request, error: errorName(err) });
      }
    }
    file.meterSample = { moduleId: anon.moduleId(meter.moduleId), model: meter.model, role: meter.role, askedAt: new Date(now).toISOString(), answers };
  }
  // The live values of the home of a module that reports power (else of the first home).
  const statusHome = lines.find((l) => meterModel(l.model)?.power === true)?.homeId ?? lines[0]?.homeId;
  if (statusHome !== undefined) {
    try {
      file.statusSample = statusSample(await account.rawRead('/api/homestatus', { home_id: statusHome }), (id) => anon.moduleId(id));
    } catch (err) {
      file.statusSample = { error: errorName(err) };
    }
  }
  file.tokenState = tokenState(account.state());
  file.rateBudget = budget(account.budgetUse());
  return file;
}

function tokenState(state: ConnectionState): Record<string, unknown> {
  return state.status === 'connected' ? { status: state.status, validUntil: new Date(state.validUntil).toISOString() } : { status: state.status };
}

function budget(use: BudgetUse): Record<string, unknown> {
  return { limits: use.limits, used: use.used, queued: use.queued };
}

/** What failed, without texts that could carry an id or a page from the cloud. */
function errorName(err: unknown): Record<string, unknown> {
  const e = typeof err === 'object' && err !== null ? (err as { kind?: unknown; reason?: unknown; code?: unknown; status?: unknown }) : {};
  const pick = (v: unknown): string | number | undefined => (typeof v === 'string' || typeof v === 'number' ? v : undefined);
  return { kind: pick(e.kind) ?? 'unknown', reason: pick(e.reason), code: pick(e.code), status: pick(e.status) };
}
