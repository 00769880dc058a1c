// `/api/homesdata` -> every module of every home, with its name and model: what a power node
// names its readings with and checks its `modules` against. Lenient where discovery of lines is
// strict: a module this list cannot use is left out, it never fails the whole answer.
import { isRecord, unexpectedAnswer } from './errors';
import { POWER_MODELS } from './homestatus';

export interface HomeModule {
  homeId: string;
  homeName: string;
  moduleId: string;
  /** The user's label, else the module's id. */
  name: string;
  /** The Netatmo module type (`NLPC`, `NLE`, `NLG`…). */
  model: string;
  /** The module's gateway, when it has one. */
  bridge: string | null;
}

/** Accepts the whole answer (`{body:{homes}}`) or its `body`. Homes in order, modules in order. */
export function parseHomeModules(answer: unknown): HomeModule[] {
  if (!isRecord(answer)) throw unexpectedAnswer('homes data is not an object');
  const body = 'homes' in answer ? answer : answer.body;
  if (!isRecord(body) || !Array.isArray(body.homes)) throw unexpectedAnswer('homes data has no list of homes');
  const out: HomeModule[] = [];
  for (const home of body.homes as unknown[]) {
    if (!isRecord(home) || typeof home.id !== 'string') continue;
    const homeName = typeof home.name === 'string' ? home.name : '';
    if (!Array.isArray(home.modules)) continue;
    for (const m of home.modules as unknown[]) {
      if (!isRecord(m) || typeof m.id !== 'string' || m.id === '' || typeof m.type !== 'string') continue;
      const name = typeof m.name === 'string' && m.name.trim() !== '' ? m.name : m.id;
      out.push({ homeId: home.id, homeName, moduleId: m.id, name, model: m.type, bridge: typeof m.bridge === 'string' ? m.bridge : null });
    }
  }
  return out;
}

/**
 * The modules that report power, as far as their models tell (no request): the editor's list.
 * A double switch's parent is left out when its `#N` sub-modules are there (they carry the power).
 */
export function powerModules(modules: readonly HomeModule[]): HomeModule[] {
  const parents = new Set(modules.filter((m) => m.moduleId.includes('#')).map((m) => m.moduleId.split('#')[0]));
  return modules.filter((m) => POWER_MODELS.has(m.model) && !parents.has(m.moduleId));
}
