// What one read of `econetatmo-measure` does, apart from Node-RED: ask the account for the
// recent window (or the range a message asked for), tell what is new or revised since the
// last emission, and build the payload. The controller (controller.ts) does the queue, the
// timers and the statuses.
import { abortedError } from '../netatmo/errors';
import { isLocalScale, recentWindow } from '../netatmo/measure-plan';
import { WindowTracker, defaultHorizonMs } from '../netatmo/window-tracker';
import type { Bucket, MeasureQuery, ReadOptions } from '../netatmo/types';
import type { Scale } from '../contract/measure-types';
import type { ReadPlan } from './input';
import { measurePayload } from './payload';
import { type MeasurePayload } from '../contract/measure-payload';
import { cloudNow, type LineFacts, type MeasureSource } from './ports';
import type { PayloadPricer } from './costs';

export type EmitMode = 'changes' | 'all';

export interface ReadResult {
  /** Everything the read returned, ascending. */
  buckets: Bucket[];
  /** What to send, or null when there is nothing to say. */
  payload: MeasurePayload | null;
  /** The home's zone (days, weeks and months were cut in it; statuses tell times in it); null: Node-RED's own. */
  timeZone: string | null;
}

/** Where the trackers' state lives between reads and restarts (the node's memory file). */
export interface TrackerStore {
  load(key: string): unknown;
  save(key: string, state: unknown): void;
}

export function trackerKey(plan: Pick<ReadPlan, 'moduleId' | 'scale' | 'types'>): string {
  return `${plan.moduleId}|${plan.scale}|${plan.types.join(',')}`;
}

function knownStarts(tracker: WindowTracker): Set<number> {
  return new Set(tracker.toJSON().entries.map(([start]) => start));
}

export class MeasureReader {
  private readonly trackers = new Map<string, WindowTracker>();

  constructor(
    private readonly account: MeasureSource,
    private readonly store: TrackerStore,
    private readonly lines: LineFacts,
    private readonly emit: EmitMode,
    /** Absent: points carry no cost (an account without prices' service). */
    private readonly pricer?: PayloadPricer,
  ) {}

  /**
   * One read. `answer`: a message asked for it, so in `all` mode the window goes out even when
   * nothing changed (the asker wants the window); the timer's reads say only what changed.
   */
  async read(plan: ReadPlan, now: number, options: ReadOptions = {}, answer = false): Promise<ReadResult> {
    // Days, weeks and months are the home's: its zone comes from the account's line directory.
    const local = isLocalScale(plan.scale);
    const zone = local ? await this.lines.zoneOf(plan.moduleId, options.signal) : null;
    const timeZone = zone ?? undefined;
    // The recent window is the cloud's recent hours: a board clock hours ahead would otherwise
    // ask for hours the cloud has not reached and miss the ones it still revises.
    const cloud = cloudNow(this.account, now);
    const query: MeasureQuery = {
      deviceId: plan.deviceId,
      moduleId: plan.moduleId,
      types: plan.types,
      scale: plan.scale,
      ...(plan.range ?? recentWindow(plan.scale, cloud, timeZone)),
      ...(timeZone !== undefined ? { timeZone } : {}),
      ...(plan.consumption !== undefined ? { consumption: plan.consumption } : {}),
    };
    const buckets = await this.account.readMeasures(query, options);
    const key = trackerKey(plan);
    // The change is worked out on a copy, committed only once the payload is ready: a read
    // aborted half-way (close, redeploy) must not count its buckets as emitted.
    const current = this.tracker(key, plan.scale);
    const next = WindowTracker.fromJSON(current.toJSON(), { horizonMs: defaultHorizonMs(plan.scale) });
    const before = knownStarts(current);
    // A range read emits all its buckets, and they go through the tracker too: it remembers
    // what was emitted, so the next periodic read neither repeats them as new nor misses a
    // later revision. Buckets older than the tracker's horizon are simply not remembered.
    const changed = next.update(buckets);
    const revised = changed.filter((b) => before.has(b.start)).map((b) => b.start);
    let points: Bucket[];
    if (plan.range) points = buckets;
    else if (this.emit === 'all') points = changed.length > 0 || answer ? buckets : [];
    else points = changed;
    const name = points.length > 0 ? await this.lines.nameOf(plan.moduleId, options.signal) : plan.moduleId;
    // The payload and the status tell the home's zone whatever the scale (a dashboard's days are
    // the home's, and a status reads on one clock).
    const timezone = local ? zone : await this.lines.zoneOf(plan.moduleId, options.signal);
    const prices = points.length > 0 && this.pricer ? await this.pricer.current(plan.moduleId, options.signal) : null;
    if (options.signal?.aborted) throw abortedError();
    if (changed.length > 0) {
      this.trackers.set(key, next);
      this.store.save(key, next.toJSON());
    }
    if (points.length === 0) return { buckets, payload: null, timeZone: timezone };
    const payload = measurePayload(plan, { name, timezone }, points, revised);
    this.pricer?.apply(payload, prices, now, plan.range !== undefined);
    return { buckets, payload, timeZone: timezone };
  }

  /**
   * Count buckets sent some other way (a backfill's pages) as emitted, so that the next window
   * read does not send them again as new.
   */
  remember(plan: Pick<ReadPlan, 'moduleId' | 'scale' | 'types'>, buckets: readonly Bucket[]): void {
    if (buckets.length === 0) return;
    const key = trackerKey(plan);
    const tracker = this.tracker(key, plan.scale);
    if (tracker.update(buckets).length > 0) this.store.save(key, tracker.toJSON());
  }

  private tracker(key: string, scale: Scale): WindowTracker {
    let tracker = this.trackers.get(key);
    if (!tracker) {
      tracker = WindowTracker.fromJSON(this.store.load(key), { horizonMs: defaultHorizonMs(scale) });
      this.trackers.set(key, tracker);
    }
    return tracker;
  }
}
