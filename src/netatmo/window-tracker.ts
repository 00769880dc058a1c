// Which buckets of a read are worth emitting: the new ones, and the revised ones (same start,
// different values: the cloud corrects buckets after serving them). Memory is bounded: buckets
// older than a horizon behind the newest one seen are forgotten. The state serializes to JSON
// so that a node can keep it across restarts.
import { recentSpanMs } from './measure-plan';
import type { Bucket } from './types';
import type { Scale } from '../contract/measure-types';

export interface WindowTrackerState {
  version: 1;
  horizonMs: number;
  /** [bucket start, fingerprint of what was emitted] */
  entries: Array<[number, string]>;
}

export interface WindowTrackerOptions {
  /** How far behind the newest bucket seen to remember (default 7 days). */
  horizonMs?: number;
}

/** A horizon comfortably wider than the recent window a periodic read covers. */
export function defaultHorizonMs(scale: Scale): number {
  return 2 * recentSpanMs(scale);
}

function fingerprint(bucket: Bucket): string {
  const keys = Object.keys(bucket.values).sort();
  return JSON.stringify([bucket.end, keys.map((k) => [k, bucket.values[k]]), bucket.total]);
}

export class WindowTracker {
  private readonly horizonMs: number;
  private readonly seen = new Map<number, string>();
  private newest = -Infinity;

  constructor(options: WindowTrackerOptions = {}) {
    this.horizonMs = options.horizonMs ?? 7 * 24 * 3_600_000;
  }

  /**
   * Record a read and return what is new or revised, by start ascending. A bucket older than
   * the horizon and unknown is returned (an explicit backfill wants it) but not remembered.
   */
  update(buckets: readonly Bucket[]): Bucket[] {
    for (const b of buckets) this.newest = Math.max(this.newest, b.start);
    const cutoff = this.newest - this.horizonMs;
    const changed: Bucket[] = [];
    for (const bucket of buckets) {
      const print = fingerprint(bucket);
      if (this.seen.get(bucket.start) === print) continue;
      changed.push(bucket);
      if (bucket.start >= cutoff) this.seen.set(bucket.start, print);
    }
    this.prune(cutoff);
    return changed.sort((a, b) => a.start - b.start);
  }

  size(): number {
    return this.seen.size;
  }

  toJSON(): WindowTrackerState {
    return { version: 1, horizonMs: this.horizonMs, entries: [...this.seen.entries()].sort((a, b) => a[0] - b[0]) };
  }

  /** Rebuild from `toJSON()`; anything unreadable gives an empty tracker (worst case: re-emits). */
  static fromJSON(state: unknown, options: WindowTrackerOptions = {}): WindowTracker {
    const s = state as Partial<WindowTrackerState> | null;
    const horizonMs = options.horizonMs ?? (typeof s?.horizonMs === 'number' && s.horizonMs > 0 ? s.horizonMs : undefined);
    const tracker = new WindowTracker({ horizonMs });
    if (!s || s.version !== 1 || !Array.isArray(s.entries)) return tracker;
    for (const entry of s.entries) {
      if (Array.isArray(entry) && typeof entry[0] === 'number' && Number.isFinite(entry[0]) && typeof entry[1] === 'string') {
        tracker.seen.set(entry[0], entry[1]);
        tracker.newest = Math.max(tracker.newest, entry[0]);
      }
    }
    tracker.prune(tracker.newest - tracker.horizonMs);
    return tracker;
  }

  private prune(cutoff: number): void {
    for (const start of this.seen.keys()) if (start < cutoff) this.seen.delete(start);
  }
}
