// The simulated account as data: homes, the ecocounters' timelines, and the ground truth the tests compare
// the HTTP answers with.
import { tag } from './hash';
import { buildHomes, linesOf, type SimHome } from './homes';
import { LocalTime } from './local-time';
import { SLOT_MS } from './household';
import { homeStatus } from './homestatus';
import { LineData, parseType, type Column, type Measured, type View } from './measure';
import { Meters } from './meters';
import { parseScale, type ScaleName } from './scales';
import { Timeline } from './timeline';
import type { BucketQuery, SimBucket, SimEnergy, SimLine } from './types';

const DAY = 86_400_000;

export interface WorldOptions {
  seed: number;
  now: () => number;
  historyDays: number;
  maxHistoryDaysByScale: Partial<Record<string, number>>;
  uploadEveryMin: number;
  uploadJitterMin: number;
  revisionRate: number;
  timeZone?: string;
  lineNames?: readonly string[];
  meterUploadEveryMin: number;
  meterUploadDelayMin: number;
  meterUploadJitterMin: number;
  meterRevisionRate: number;
  flakyModules: boolean;
}

export class World {
  readonly homes: SimHome[];
  readonly lines: SimLine[];
  readonly meters: Meters;
  private readonly historyStart: number;
  private readonly timelines = new Map<string, Timeline>();
  /** Each home's clock, by home id. */
  private readonly clocks = new Map<string, LocalTime>();

  constructor(private readonly o: WorldOptions) {
    const startNow = o.now();
    this.historyStart = Math.ceil((startNow - o.historyDays * DAY) / SLOT_MS) * SLOT_MS;
    const account = buildHomes(o.seed, Math.floor(this.historyStart / 1000) - 20 * 86400, { timeZone: o.timeZone, lineNames: o.lineNames });
    this.homes = account.homes;
    for (const home of this.homes) this.clocks.set(home.id, new LocalTime(home.timezone));
    this.lines = linesOf(this.homes);
    for (const line of this.lines) {
      if (this.timelines.has(line.deviceId)) continue;
      this.timelines.set(
        line.deviceId,
        new Timeline({
          seed: (o.seed ^ tag(line.deviceId)) | 0,
          historyStart: this.historyStart,
          uploadEveryMs: o.uploadEveryMin * 60_000,
          uploadJitterMs: o.uploadJitterMin * 60_000,
          revisionRate: o.revisionRate,
          gapsBefore: startNow - 2 * DAY, // outages only in the past: recent data is whole
        }),
      );
    }
    const every = o.meterUploadEveryMin * 60_000;
    for (const spec of account.meters) {
      if (this.timelines.has(spec.bridge)) continue;
      this.timelines.set(
        spec.bridge,
        new Timeline({
          seed: (o.seed ^ tag(spec.bridge)) | 0,
          historyStart: this.historyStart,
          uploadEveryMs: every,
          uploadJitterMs: (o.meterUploadJitterMin * 60_000) / 2,
          anchorMs: every > 0 ? ((o.meterUploadDelayMin + o.meterUploadJitterMin / 2) * 60_000) % every : 0,
          revisionRate: o.meterRevisionRate,
          gapsBefore: startNow - 2 * DAY,
        }),
      );
    }
    this.meters = new Meters({
      seed: o.seed,
      specs: o.flakyModules ? account.meters : account.meters.map((m) => ({ ...m, flaky: false })),
      homes: this.homes,
      clockOf: (homeId) => this.clocks.get(homeId) as LocalTime,
      timelineOf: (bridge) => this.timelines.get(bridge) as Timeline,
    });
  }

  /**
   * A line's or a range module's data, 'module' for a module of that device without measures, undefined
   * when the pair is wrong (a module of the range answers only with its bridge as device).
   */
  find(deviceId: string, moduleId: string): Measured | 'module' | undefined {
    const line = this.lines.find((l) => l.moduleId === moduleId && l.deviceId === deviceId);
    if (line) {
      return new LineData(this.o.seed, this.timelines.get(line.deviceId) as Timeline, line.index, this.clocks.get(line.homeId) as LocalTime);
    }
    const meter = this.meters.find(deviceId, moduleId);
    if (meter !== undefined) return meter ?? undefined;
    for (const home of this.homes) {
      for (const m of home.modules) {
        if (m.id === moduleId && (m.id === deviceId || m.bridge === deviceId)) return 'module';
      }
    }
    return undefined;
  }

  view(scale: ScaleName, final = false): View {
    const asOf = this.o.now();
    const keptDays = this.o.maxHistoryDaysByScale[scale];
    const kept = keptDays === undefined ? this.historyStart : Math.max(this.historyStart, asOf - keptDays * DAY);
    return { asOf, final, minStart: kept };
  }

  /** The data of a line or module of the range by its module id alone (the truth helpers). */
  private measured(moduleId: string): Measured {
    const line = this.lines.find((l) => l.moduleId === moduleId);
    if (line) return this.find(line.deviceId, line.moduleId) as Measured;
    if (this.meters.has(moduleId)) return this.meters.data(moduleId);
    throw new Error(`unknown line ${moduleId}`);
  }

  buckets(q: BucketQuery, opts: { final?: boolean } = {}): SimBucket[] {
    const scale = parseScale(q.scale);
    if (!scale) throw new Error(`unknown scale ${q.scale}`);
    const data = this.measured(q.moduleId);
    const columns: Column[] = q.types.map((t) => {
      const col = parseType(t);
      if (!col || !data.accepts(col)) throw new Error(`unknown type ${t}`);
      return col;
    });
    return data.rows(columns, scale, q.from, q.to, this.view(scale, opts.final === true), Number.POSITIVE_INFINITY).map((row) => {
      const values: Record<string, number | null> = {};
      q.types.forEach((t, i) => (values[t] = row.values[i]));
      return { start: row.start, end: row.end, values };
    });
  }

  /** Final Wh per bucket: the sum of the consumption family's tariff columns. */
  energyTruth(moduleId: string, scale: string, from: number, to: number): SimEnergy[] {
    const family = this.meters.has(moduleId) ? 'sum_energy_buy_from_grid' : 'sum_energy_elec';
    const types = ['$0', '$1', '$2'].map((t) => family + t);
    return this.buckets({ moduleId, types, scale, from, to }, { final: true }).map((b) => ({
      start: b.start,
      end: b.end,
      wh: types.reduce((sum, t) => sum + (b.values[t] ?? 0), 0),
    }));
  }

  availableAt(moduleId: string, start: number): number {
    if (this.meters.has(moduleId)) return this.meters.data(moduleId).availableAt(Math.floor(start / SLOT_MS));
    const line = this.lines.find((l) => l.moduleId === moduleId);
    if (!line || line.index > 5) return Number.POSITIVE_INFINITY;
    return (this.timelines.get(line.deviceId) as Timeline).availableAt(Math.floor(start / SLOT_MS));
  }

  /** The body of /api/homestatus for a home, undefined when the account has no such home. */
  homeStatus(homeId: string): unknown {
    const home = this.homes.find((h) => h.id === homeId);
    return home ? homeStatus(home, this.meters, this.o.now()) : undefined;
  }
}
