// `/api/homestatus?home_id=…` -> the live power of the home's modules. Each module is checked
// on its own: one that breaks the rules is skipped with what was wrong (the node warns about it) and
// the others are kept; only an answer without a home or a module list fails as a whole.
//
// Shapes from real answers (pyatmo's recorded homestatus): a module of the Legrand range has
// `power` (W), `last_seen` (epoch s) and `reachable`; the sub-modules of a double switch
// (`<id>#1`, `<id>#2`) carry `power` but neither `last_seen` nor `reachable`, which their parent
// (`<id>`, without power) has. Modules of other types (the NLE, the gateway, remotes) have no
// `power`: they are listed as reporting none, never as broken.
import { isRecord, unexpectedAnswer } from './errors';
import { meterModel } from '../contract/meter-models';

/** A model whose modules give their power: one of these without `power` while reachable is a broken answer. */
export function reportsPower(model: string): boolean {
  return meterModel(model)?.power === true;
}

/** A module's power as the cloud reported it. */
export interface ModulePower {
  moduleId: string;
  model: string;
  /** The module's `bridge` in the answer, if any. */
  bridge: string | null;
  /** W; null when unreachable. */
  power: number | null;
  /** Epoch ms. */
  lastSeen: number;
  reachable: boolean;
}

export type SkipProblem = 'power' | 'lastSeen' | 'home';

/** A module left out of the answer's readings, and why. */
export interface SkippedModule {
  moduleId: string;
  problem: SkipProblem;
  /** What was there instead (a value's type, the other home's id). */
  detail: string;
}

export interface HomeStatus {
  homeId: string;
  /** Modules that report power, in the answer's order. */
  modules: ModulePower[];
  /** Ids of modules in the answer that report no power (the NLE, the gateway, remotes…). */
  noPower: string[];
  skipped: SkippedModule[];
}

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (typeof value === 'number') return String(value);
  return typeof value;
}

function epochMs(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.round(value * 1000) : null;
}

/** The part before `#` of a sub-module's id, or null for a module that is not one. */
function parentId(moduleId: string): string | null {
  const i = moduleId.indexOf('#');
  return i > 0 ? moduleId.slice(0, i) : null;
}

/** Accepts the whole answer (`{body:{home}}`) or its `body`. `homeId`: the home that was asked for. */
export function parseHomeStatus(answer: unknown, homeId: string): HomeStatus {
  if (!isRecord(answer)) throw unexpectedAnswer('home status is not an object');
  const body = 'home' in answer ? answer : answer.body;
  if (!isRecord(body) || !isRecord(body.home)) throw unexpectedAnswer('home status has no home');
  const home = body.home;
  const raw = home.modules === undefined || home.modules === null ? [] : home.modules;
  if (!Array.isArray(raw)) throw unexpectedAnswer('the modules of the home status are not a list');
  const modules: Array<Record<string, unknown> & { id: string; type: string }> = [];
  for (const m of raw) {
    // A module without an id cannot be named, nor selected: nothing to keep or to warn about.
    if (isRecord(m) && typeof m.id === 'string' && m.id !== '') modules.push({ ...m, id: m.id, type: typeof m.type === 'string' ? m.type : '' });
  }
  const status: HomeStatus = { homeId, modules: [], noPower: [], skipped: [] };
  if (home.id !== homeId) {
    const other = typeof home.id === 'string' ? home.id : describe(home.id);
    for (const m of modules) status.skipped.push({ moduleId: m.id, problem: 'home', detail: other });
    return status;
  }
  const byId = new Map(modules.map((m) => [m.id, m]));
  const parents = new Set(modules.map((m) => parentId(m.id)).filter((p): p is string => p !== null && byId.has(p)));
  for (const m of modules) {
    const parent = byId.get(parentId(m.id) ?? '');
    const reachableValue = m.reachable ?? parent?.reachable;
    const reachable = reachableValue !== false;
    if (!('power' in m)) {
      // Other models, and the parent of sub-modules (their power is theirs), report none.
      if (!reportsPower(m.type) || parents.has(m.id)) {
        status.noPower.push(m.id);
        continue;
      }
      // A power model that is reachable and says nothing of its power is a broken answer; an
      // unreachable one is sent as unreachable below.
      if (reachable) {
        status.skipped.push({ moduleId: m.id, problem: 'power', detail: 'missing' });
        continue;
      }
    }
    const power = m.power;
    if (reachable && (typeof power !== 'number' || !Number.isFinite(power))) {
      status.skipped.push({ moduleId: m.id, problem: 'power', detail: describe(power) });
      continue;
    }
    const lastSeen = epochMs(m.last_seen) ?? (m.last_seen === undefined ? epochMs(parent?.last_seen) : null);
    if (lastSeen === null) {
      status.skipped.push({ moduleId: m.id, problem: 'lastSeen', detail: describe(m.last_seen) });
      continue;
    }
    const bridge = typeof m.bridge === 'string' ? m.bridge : null;
    status.modules.push({ moduleId: m.id, model: m.type, bridge, power: reachable ? (power as number) : null, lastSeen, reachable });
  }
  return status;
}
