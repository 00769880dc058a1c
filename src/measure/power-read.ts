// One read of live power for a node: the account's lines (to name the modules and to check the
// node's choice), the status of each home concerned (shared with the account's other power
// nodes, see src/account/power-reads.ts), and what comes of it: readings, modules that report
// no power, modules the answer got wrong.
//
// With no modules chosen, every power is counted once: the phases of a three-phase meter are
// parts of the meter's own reading, so they are left out when the home's answer lists the meter
// itself (a flow summing the `all` array, or a chart stacking every module, would otherwise count
// that power twice). Chosen by id, a phase is read like any other module.
import { reportsPower, type HomeStatus, type SkippedModule } from '../netatmo/homestatus';
import type { PowerReads } from '../account/power-reads';
import type { LineDirectory } from '../account/services';
import type { Line } from '../contract/line';
import type { PowerReading } from '../contract/power';

/** A choice naming modules that are not the account's: nothing is read. */
export class NotOnAccount extends Error {
  constructor(readonly moduleIds: string[]) {
    super(`Not a module of the account: ${moduleIds.join(', ')}`);
    this.name = 'NotOnAccount';
  }
}

export interface PowerRead {
  /** The selected modules' readings (when none is selected: every module that reports power, phases within their meter). */
  readings: PowerReading[];
  /** Selected modules that report no power, by name. */
  noPower: string[];
  /** Modules left out because their answer broke the rules. */
  skipped: Array<SkippedModule & { name: string }>;
  /** Homes whose read failed (the others' readings are still there). */
  failures: unknown[];
}

/** What a read asks of the account's services. */
export interface PowerServices {
  lines: Pick<LineDirectory, 'all'>;
  power: Pick<PowerReads, 'homeStatus'>;
}

function homesOf(modules: readonly Line[]): string[] {
  return [...new Set(modules.map((m) => m.homeId))];
}

/** The meter a phase (`<meter id>#N`) is part of; null for a line that is not a phase. */
export function meterOfPhase(line: Pick<Line, 'moduleId' | 'role'>): string | null {
  if (line.role !== 'phase') return null;
  const i = line.moduleId.indexOf('#');
  return i > 0 ? line.moduleId.slice(0, i) : null;
}

/**
 * The lines a read with no choice leaves out of one home: the phases whose meter `isListed` (the
 * meter's reading holds theirs).
 */
function phasesOfListedMeters(lines: readonly Line[], isListed: (moduleId: string) => boolean): Set<string> {
  const out = new Set<string>();
  for (const line of lines) {
    const meter = meterOfPhase(line);
    if (meter !== null && isListed(meter)) out.add(line.moduleId);
  }
  return out;
}

/**
 * `selected` empty: every module of the account that reports power, but the phases of a meter the
 * answer lists (see the header). Throws NotOnAccount before any
 * homestatus. `onWait`: a home's request waits for the rate budget (ms), or goes (0).
 */
export async function readPower(services: PowerServices, selected: readonly string[], signal?: AbortSignal, onWait?: (ms: number) => void): Promise<PowerRead> {
  const all = await services.lines.all(selected, signal);
  const byId = new Map(all.map((m) => [m.moduleId, m]));
  const unknown = selected.filter((id) => !byId.has(id));
  if (unknown.length > 0) throw new NotOnAccount(unknown);
  const chosen = selected.map((id) => byId.get(id) as Line);
  // With no choice, only the homes with a module of a power model cost a request.
  const homes = homesOf(selected.length > 0 ? chosen : all.filter((m) => reportsPower(m.model)));
  const answers = await Promise.allSettled(homes.map((h) => services.power.homeStatus(h, signal, onWait)));
  const statuses = answers.filter((a): a is PromiseFulfilledResult<HomeStatus> => a.status === 'fulfilled').map((a) => a.value);
  const failures = answers.filter((a): a is PromiseRejectedResult => a.status === 'rejected').map((a) => a.reason as unknown);
  const read: PowerRead = { readings: [], noPower: [], skipped: [], failures };
  const nameOf = (id: string): string => byId.get(id)?.name ?? id;
  const failedHomes = new Set(homes.filter((_h, i) => answers[i]?.status === 'rejected'));
  const wanted = selected.length > 0 ? new Set(selected) : null;
  for (const status of statuses) {
    const homeLines = all.filter((l) => l.homeId === status.homeId);
    const otherHome = status.skipped.find((x) => x.problem === 'home');
    if (otherHome !== undefined) {
      // The answer is another home's: what was asked of this one is left out, each said (a
      // phase once, through its meter, when no module was chosen).
      const parts = wanted === null ? phasesOfListedMeters(homeLines, (id) => byId.has(id)) : new Set<string>();
      for (const line of homeLines) {
        if (!(wanted === null ? reportsPower(line.model) && !parts.has(line.moduleId) : wanted.has(line.moduleId))) continue;
        read.skipped.push({ moduleId: line.moduleId, problem: 'home', detail: otherHome.detail, name: line.name });
      }
      continue;
    }
    const listed = new Set([...status.modules.map((m) => m.moduleId), ...status.skipped.map((x) => x.moduleId)]);
    const parts = wanted === null ? phasesOfListedMeters(homeLines, (id) => listed.has(id)) : new Set<string>();
    for (const m of status.modules) {
      if (wanted !== null ? !wanted.has(m.moduleId) : parts.has(m.moduleId)) continue;
      // Only the account's lines: what discovery does not list (an unknown model) has no name or
      // model to send under, and the editor never offered it.
      const known = byId.get(m.moduleId);
      if (known === undefined) continue;
      read.readings.push({
        homeId: status.homeId,
        deviceId: known.deviceId,
        moduleId: m.moduleId,
        name: nameOf(m.moduleId),
        model: known.model,
        role: known.role,
        power: m.power,
        lastSeen: m.lastSeen,
        reachable: m.reachable,
      });
    }
    for (const s of status.skipped) {
      if (wanted === null ? byId.has(s.moduleId) && !parts.has(s.moduleId) : wanted.has(s.moduleId)) read.skipped.push({ ...s, name: nameOf(s.moduleId) });
    }
  }
  if (wanted !== null) {
    // In the user's order; a chosen module the answer does not list reports no power either.
    const order = new Map(selected.map((id, i) => [id, i]));
    read.readings.sort((a, b) => (order.get(a.moduleId) ?? 0) - (order.get(b.moduleId) ?? 0));
    const seen = new Set([...read.readings.map((r) => r.moduleId), ...read.skipped.map((s) => s.moduleId)]);
    for (const m of chosen) if (!seen.has(m.moduleId) && !failedHomes.has(m.homeId)) read.noPower.push(m.name);
  }
  return read;
}
