// A power node's settings, read once: which modules, how often, how it sends. A setting that
// cannot be used is a problem (a catalogue key and its values) the node states once.
import { DEFAULT_POWER_INTERVAL_S, MIN_POWER_INTERVAL_S, type PowerOutput } from '../contract/power';

export interface PowerSettings {
  /** The chosen module ids, in the user's order; empty: every module that reports power. */
  modules: string[];
  /** Seconds between timer reads; 0: only on input. */
  intervalS: number;
  output: PowerOutput;
}

export interface SettingProblem {
  key: string;
  args: Record<string, string>;
}

/** An array from the editor's picker, or a comma-separated text (typed, or from an older editor). */
export function parseModules(value: unknown): string[] | SettingProblem {
  let items: unknown[];
  if (value === undefined || value === null) items = [];
  else if (typeof value === 'string') items = value.split(',');
  else if (Array.isArray(value)) items = value;
  else return { key: 'errors.badModules', args: {} };
  const out: string[] = [];
  for (const item of items) {
    if (typeof item !== 'string') return { key: 'errors.badModules', args: {} };
    const id = item.trim();
    if (id !== '' && !out.includes(id)) out.push(id);
  }
  return out;
}

export function parseInterval(value: unknown): number | SettingProblem {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return DEFAULT_POWER_INTERVAL_S;
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim()) : NaN;
  if (!Number.isFinite(n) || n < 0 || (n > 0 && n < MIN_POWER_INTERVAL_S)) {
    return { key: 'errors.badInterval', args: { value: String(value), min: String(MIN_POWER_INTERVAL_S) } };
  }
  return n;
}

export function isProblem(v: unknown): v is SettingProblem {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as { key?: unknown }).key === 'string';
}

export function parsePowerSettings(config: { modules?: unknown; interval?: unknown; output?: unknown }): PowerSettings | SettingProblem {
  const modules = parseModules(config.modules);
  if (isProblem(modules)) return modules;
  const intervalS = parseInterval(config.interval);
  if (isProblem(intervalS)) return intervalS;
  return { modules, intervalS, output: config.output === 'all' ? 'all' : 'each' };
}
