// The Legrand range's modules as the cloud knows them: each one's power model, reachability and energy data,
// what /api/homestatus says of it, and the truth the tests compare HTTP answers with.
import type { SimHome } from './homes';
import type { LocalTime } from './local-time';
import { MeterData } from './meter-data';
import { MINUTE_MS, MeterPower, Reachability } from './power';
import type { MeterSpec } from './range';
import { TariffClock } from './schedule';
import type { Timeline } from './timeline';
import type { SimMeter } from './types';

export interface MetersOptions {
  seed: number;
  specs: readonly MeterSpec[];
  homes: readonly SimHome[];
  clockOf(homeId: string): LocalTime;
  /** The upload timeline of a gateway (a module's `bridge`). */
  timelineOf(bridge: string): Timeline;
}

interface Entry {
  spec: MeterSpec;
  power: MeterPower;
  reach: Reachability;
  data: MeterData;
}

const PLUGS = new Set(['NLP', 'NLPT', 'NLPM', 'NLPO', 'NLPD', 'NLPBS']);
const FIRMWARE: Record<string, number> = { NLPC: 62, NLPS: 58, NLY: 31, NLP: 62, NLPT: 77, NLPM: 60, NLPO: 74, NLL: 53, NLIS: 20 };

/** The report a module shows at `now`: the current one, or while it is unreachable the last before the outage. */
function shownReport(reach: Reachability, now: number): { shown: number; reachable: boolean; lastSeen: number } {
  const current = reach.reportMinute(now);
  const reachable = reach.reachable(current);
  // While unreachable, everything is as of the last report before the outage.
  const shown = reachable ? current : (reach.outageStart(current) ?? current) - 1;
  return { shown, reachable, lastSeen: Math.floor((shown * MINUTE_MS) / 1000) + reach.offsetSec };
}

export class Meters {
  private readonly entries = new Map<string, Entry>();
  private readonly homes: readonly SimHome[];
  /** The reachability of a module outside the range whose `#N` are in it (a double switch), by its id. */
  private readonly groups = new Map<string, Reachability>();

  constructor(o: MetersOptions) {
    this.homes = o.homes;
    const powers = new Map<string, MeterPower>();
    for (const s of o.specs) if (s.profile.kind !== 'phases') powers.set(s.id, new MeterPower(o.seed, s, o.clockOf(s.homeId)));
    for (const s of o.specs) {
      if (s.profile.kind !== 'phases') continue;
      const phases = o.specs.filter((p) => p.id.startsWith(`${s.id}#`)).map((p) => powers.get(p.id) as MeterPower);
      powers.set(s.id, new MeterPower(o.seed, s, o.clockOf(s.homeId), phases));
    }
    const tariffs = new Map<string, TariffClock>();
    for (const h of o.homes) {
      const schedule = h.schedules?.find((sc) => sc.type === 'electricity' && sc.selected);
      if (schedule) tariffs.set(h.id, new TariffClock(schedule, o.clockOf(h.id)));
    }
    // The `#N` of a module are reached with it: the NLY's phases, and a double switch's two sides (the
    // NLIS itself measures nothing, but its homestatus entry says whether they are reached).
    const ordered = [...o.specs].sort((a, b) => Number(a.index !== null) - Number(b.index !== null));
    for (const s of ordered) {
      const parentId = s.index === null ? undefined : s.id.slice(0, s.id.lastIndexOf('#'));
      const timeline = o.timelineOf(s.bridge);
      let reach = parentId === undefined ? undefined : (this.entries.get(parentId)?.reach ?? this.groups.get(parentId));
      if (!reach) {
        reach = new Reachability(o.seed, parentId ?? s.id, s.flaky, timeline);
        if (parentId !== undefined) this.groups.set(parentId, reach);
      }
      const power = powers.get(s.id) as MeterPower;
      const clock = o.clockOf(s.homeId);
      const data = new MeterData(power, reach, timeline, tariffs.get(s.homeId) as TariffClock, clock);
      this.entries.set(s.id, { spec: s, power, reach, data });
    }
  }

  has(moduleId: string): boolean {
    return this.entries.has(moduleId);
  }

  /** The module's data; null when it is in the range but `deviceId` is not its bridge; undefined when not in the range. */
  find(deviceId: string, moduleId: string): MeterData | null | undefined {
    const e = this.entries.get(moduleId);
    if (!e) return undefined;
    return e.spec.bridge === deviceId ? e.data : null;
  }

  private entry(moduleId: string): Entry {
    const e = this.entries.get(moduleId);
    if (!e) throw new Error(`no module of the range ${moduleId}`);
    return e;
  }

  data(moduleId: string): MeterData {
    return this.entry(moduleId).data;
  }

  /** Home then homesdata order. */
  list(): SimMeter[] {
    const out: SimMeter[] = [];
    for (const home of this.homes) {
      for (const m of home.modules) {
        const e = this.entries.get(m.id);
        if (!e) continue;
        const { spec } = e;
        out.push({
          homeId: home.id,
          homeName: home.name,
          timezone: home.timezone,
          deviceId: spec.bridge,
          moduleId: spec.id,
          model: spec.model,
          role: spec.role,
          index: spec.index,
          name: spec.name,
          tariff: home.schedules?.[0]?.tariff_option ?? 'basic',
          lastSeen: spec.lastSeen,
          unreachablePower: spec.unreachablePower,
          flaky: spec.flaky,
        });
      }
    }
    return out;
  }

  /** What homestatus shows at t: the last report's power, or null while unreachable. */
  powerAt(moduleId: string, t: number): number | null {
    const e = this.entry(moduleId);
    const m = e.reach.reportMinute(t);
    return e.reach.reachable(m) ? e.power.minute(m) : null;
  }

  reachableAt(moduleId: string, t: number): boolean {
    const e = this.entry(moduleId);
    return e.reach.reachable(e.reach.reportMinute(t));
  }

  setReachable(moduleId: string, reachable: boolean, t: number): void {
    this.entry(moduleId).reach.set(reachable, t);
  }

  /** `last_seen` and `reachable` of a double switch whose sides are in the range, else undefined. */
  groupStatus(id: string, now: number): { last_seen: number; reachable: boolean } | undefined {
    const reach = this.groups.get(id);
    if (!reach) return undefined;
    const { reachable, lastSeen } = shownReport(reach, now);
    return { last_seen: lastSeen, reachable };
  }

  /** The module's entry in /api/homestatus at `now` (field order as in real answers). */
  status(moduleId: string, now: number): Record<string, unknown> {
    const { spec, power, reach } = this.entry(moduleId);
    const { shown, reachable, lastSeen } = shownReport(reach, now);
    const watts = power.minute(shown);
    const out: Record<string, unknown> = { id: spec.id, type: spec.model };
    if (spec.on) out.on = spec.on === 'always' || watts > 0;
    if (PLUGS.has(spec.model)) out.offload = false;
    if (spec.lastSeen) {
      out.firmware_revision = FIRMWARE[spec.model] ?? 50;
      out.last_seen = lastSeen;
    }
    if (reachable) out.power = watts;
    else if (spec.unreachablePower === 'zero') out.power = 0;
    if (spec.lastSeen) out.reachable = reachable;
    out.bridge = spec.bridge;
    return out;
  }
}
