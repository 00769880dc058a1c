// The simulated account as data: homes, the ecocounters' timelines, and the ground truth the tests compare
// the HTTP answers with.
import { tag } from './hash';
import { buildHomes, linesOf, type SimHome } from './homes';
import { LocalTime } from './local-time';
import { SLOT_MS } from './household';
import { LineData, parseType, type Column, type View } from './measure';
import { parseScale, type ScaleName } from './scales';
import { Timeline } from './timeline';
import type { BucketQuery, SimBucket, SimLine } from './types';

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
}

export class World {
  readonly homes: SimHome[];
  readonly lines: SimLine[];
  private readonly historyStart: number;
  private readonly timelines = new Map<string, Timeline>();
  /** Each home's clock, by home id. */
  private readonly clocks = new Map<string, LocalTime>();

  constructor(private readonly o: WorldOptions) {
    const startNow = o.now();
    this.historyStart = Math.ceil((startNow - o.historyDays * DAY) / SLOT_MS) * SLOT_MS;
    this.homes = buildHomes(o.seed, Math.floor(this.historyStart / 1000) - 20 * 86400, { timeZone: o.timeZone, lineNames: o.lineNames });
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
  }

  /** A line's data, 'module' for a module of that device without measures, undefined when the pair is wrong. */
  find(deviceId: string, moduleId: string): LineData | 'module' | undefined {
    const line = this.lines.find((l) => l.moduleId === moduleId && l.deviceId === deviceId);
    if (line) {
      return new LineData(this.o.seed, this.timelines.get(line.deviceId) as Timeline, line.index, this.clocks.get(line.homeId) as LocalTime);
    }
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

  buckets(q: BucketQuery, opts: { final?: boolean } = {}): SimBucket[] {
    const scale = parseScale(q.scale);
    if (!scale) throw new Error(`unknown scale ${q.scale}`);
    const columns: Column[] = q.types.map((t) => {
      const col = parseType(t);
      if (!col) throw new Error(`unknown type ${t}`);
      return col;
    });
    const line = this.lines.find((l) => l.moduleId === q.moduleId);
    if (!line) throw new Error(`unknown line ${q.moduleId}`);
    const data = this.find(line.deviceId, line.moduleId) as LineData;
    return data.rows(columns, scale, q.from, q.to, this.view(scale, opts.final === true), Number.POSITIVE_INFINITY).map((row) => {
      const values: Record<string, number | null> = {};
      q.types.forEach((t, i) => (values[t] = row.values[i]));
      return { start: row.start, end: row.end, values };
    });
  }

  availableAt(moduleId: string, start: number): number {
    const line = this.lines.find((l) => l.moduleId === moduleId);
    if (!line || line.index > 5) return Number.POSITIVE_INFINITY;
    return (this.timelines.get(line.deviceId) as Timeline).availableAt(Math.floor(start / SLOT_MS));
  }
}
