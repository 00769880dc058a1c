// When each 30-minute slot of an ecocounter exists in the cloud: history start, offline gaps, the upload
// schedule (so recent buckets appear late) and late revisions. All deterministic from the seed.
import { unit } from './hash';
import { SLOT_MS } from './household';

export interface TimelineOptions {
  seed: number;
  /** First slot start that exists (ms, slot-aligned). */
  historyStart: number;
  uploadEveryMs: number;
  uploadJitterMs: number;
  revisionRate: number;
  /** Offline gaps only happen before this time (ms), so that recent data is whole. */
  gapsBefore: number;
  /** Where uploads fall on the epoch grid of `uploadEveryMs` (ms past each multiple); default seeded. */
  anchorMs?: number;
}

const GAP_PERIOD_SLOTS = 14 * 48; // about one outage every couple of weeks

export class Timeline {
  private readonly jitter: number;
  private readonly anchor: number;

  constructor(private readonly o: TimelineOptions) {
    // Jitter below half a period keeps uploads in order.
    this.jitter = o.uploadEveryMs > 0 ? Math.max(0, Math.min(o.uploadJitterMs, o.uploadEveryMs / 2 - 60_000)) : 0;
    this.anchor = o.anchorMs ?? Math.floor(unit(o.seed, 0xa1) * o.uploadEveryMs);
  }

  private upload(k: number): number {
    return this.anchor + k * this.o.uploadEveryMs + Math.round((2 * unit(this.o.seed, 0xa2, k) - 1) * this.jitter);
  }

  /** The first upload at or after t. */
  uploadAtOrAfter(t: number): number {
    const every = this.o.uploadEveryMs;
    if (every <= 0) return t;
    const k0 = Math.floor((t - this.anchor) / every);
    for (let k = k0 - 1; k <= k0 + 2; k++) {
      const u = this.upload(k);
      if (u >= t) return u;
    }
    return this.upload(k0 + 3);
  }

  /** The slot has data at all (in history, not lost in an outage). */
  exists(slot: number): boolean {
    const start = slot * SLOT_MS;
    return start >= this.o.historyStart && !this.inGap(slot);
  }

  inGap(slot: number): boolean {
    if (slot * SLOT_MS >= this.o.gapsBefore) return false;
    const period = Math.floor(slot / GAP_PERIOD_SLOTS);
    if (unit(this.o.seed, 0x9a9, period) >= 0.8) return false;
    const length = 4 + Math.floor(unit(this.o.seed, 0x9aa, period) * 9); // 2..6 hours
    const begin = period * GAP_PERIOD_SLOTS + Math.floor(unit(this.o.seed, 0x9ab, period) * (GAP_PERIOD_SLOTS - length));
    return slot >= begin && slot < begin + length;
  }

  /** When the slot is first served; +Infinity if never. */
  availableAt(slot: number): number {
    if (!this.exists(slot)) return Number.POSITIVE_INFINITY;
    return this.uploadAtOrAfter((slot + 1) * SLOT_MS);
  }

  isRevised(slot: number): boolean {
    return unit(this.o.seed, 0x7e0, slot) < this.o.revisionRate;
  }

  /** When a revised slot gets its final value: the upload following its first appearance. */
  revisedAt(slot: number): number {
    const first = this.availableAt(slot);
    if (this.o.uploadEveryMs <= 0) return first + SLOT_MS;
    return this.uploadAtOrAfter(first + 1);
  }

  /** The share of the final value a revised slot shows first (0.5..0.9). */
  preliminaryFactor(slot: number, circuit: number): number {
    return 0.5 + 0.4 * unit(this.o.seed, 0x7e1, slot, circuit);
  }
}
