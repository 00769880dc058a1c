// When does an ecocounter upload? It sends its buckets to the cloud about every 3 hours, the
// moment drifting, so polling every 10 min mostly re-reads what did not change. The learner
// turns "this read brought new buckets, the previous one did not" into brackets around each
// upload, fits a period and phase to them, and predicts a window for the next upload.
// `DeviceSchedule` (device-schedule.ts) shares it between the lines of one ecocounter (they upload
// together): one line probes around the predicted upload, the others read once it is seen.
// Pure: times are passed in, nothing here owns a timer.

const MIN = 60_000;

export interface UploadScheduleOptions {
  /** Prior for the upload period (3 h). */
  nominalPeriodMs?: number;
  minPeriodMs?: number;
  maxPeriodMs?: number;
  /** Tight brackets needed before the schedule counts as learnt (default 3: two periods). */
  learnAfter?: number;
  /** Only brackets at most this wide go into the fit (default 30 min). */
  maxBracketMs?: number;
  /** Brackets kept (default 12: about a day and a half). */
  maxEvents?: number;
  /** Poll interval while not learnt (default 10 min, the fixed default). */
  fallbackMs?: number;
  /** Poll interval between upload windows: the safety net (default 60 min). */
  safetyMs?: number;
  /** Poll interval inside the predicted upload window (default 5 min). */
  probeMs?: number;
  /** Keep probing (at fallbackMs) this long after the window before giving up until the next one. */
  overdueMs?: number;
  /** Half-width of the window is at least this (default 5 min). */
  minSpreadMs?: number;
  /** Delay between the lines of one ecocounter reading after an upload (default 2 s). */
  staggerMs?: number;
}

type Required_ = Required<UploadScheduleOptions>;

export const UPLOAD_DEFAULTS: Readonly<Required_> = {
  nominalPeriodMs: 180 * MIN,
  minPeriodMs: 20 * MIN,
  maxPeriodMs: 12 * 60 * MIN,
  learnAfter: 3,
  maxBracketMs: 30 * MIN,
  maxEvents: 12,
  fallbackMs: 10 * MIN,
  safetyMs: 60 * MIN,
  probeMs: 5 * MIN,
  overdueMs: 30 * MIN,
  minSpreadMs: 5 * MIN,
  staggerMs: 2000,
};

/** An upload happened at some time within [lo, hi] (epoch ms). */
export interface UploadEvent {
  lo: number;
  hi: number;
}

/** What one read of one line saw. */
export interface ReadObservation {
  lineId: string;
  /** When the answer arrived. */
  at: number;
  /** End of the newest bucket in the answer; null when the answer held none. */
  newestEnd: number | null;
  /** The answer held new or revised buckets compared with what the line had seen. */
  changed: boolean;
  /**
   * The buckets are 30-min slots: the newest one's end is then a lower bound of the upload
   * that brought it (a slot is uploaded after it ends). False at coarser scales.
   */
  fine: boolean;
}

export interface UploadPrediction {
  /** Expected time of the next upload not yet seen. */
  at: number;
  /** Half-width of the window to probe around `at`. */
  spread: number;
  periodMs: number;
}

interface LineSeen {
  at: number;
  newestEnd: number | null;
}

export interface UploadLearnerState {
  version: 1;
  events: UploadEvent[];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const midOf = (e: UploadEvent): number => (e.lo + e.hi) / 2;

interface Fit {
  periodMs: number;
  /** Fitted time of the last event's cycle. */
  anchor: number;
  spread: number;
}

/** Learns one ecocounter's upload times from the reads of its lines. */
export class UploadLearner {
  readonly options: Readonly<Required_>;
  private events: UploadEvent[] = [];
  private readonly lines = new Map<string, LineSeen>();
  private fitCache: Fit | null | undefined;

  constructor(options: UploadScheduleOptions = {}) {
    this.options = { ...UPLOAD_DEFAULTS, ...options };
  }

  /**
   * Record a read. Returns the bracket of an upload this read revealed for the first time
   * (the other lines may want to read now), or null.
   */
  observe(obs: ReadObservation): UploadEvent | null {
    const prev = this.lines.get(obs.lineId);
    const prevEnd = prev?.newestEnd ?? null;
    const newestEnd = obs.newestEnd === null ? prevEnd : prevEnd === null ? obs.newestEnd : Math.max(prevEnd, obs.newestEnd);
    this.lines.set(obs.lineId, { at: Math.max(obs.at, prev?.at ?? -Infinity), newestEnd });
    if (obs.newestEnd === null) return null;
    const slotBound = obs.fine && obs.newestEnd <= obs.at ? obs.newestEnd : -Infinity;
    if (prev === undefined || prevEnd === null) {
      // First sight of this line's data: the upload that brought the newest slot happened
      // between that slot's end and now. Worth keeping only when that is tight.
      if (slotBound === -Infinity || obs.at - slotBound > this.options.maxBracketMs) return null;
      this.add({ lo: slotBound, hi: obs.at });
      return null;
    }
    const grew = obs.newestEnd > prevEnd;
    if (!grew && !obs.changed) return null;
    if (obs.at <= prev.at) return null; // out-of-order answer: it brackets nothing
    const lo = Math.max(prev.at, grew ? slotBound : -Infinity);
    return this.add({ lo: Math.min(lo, obs.at), hi: obs.at });
  }

  /** Add a bracket; merged into an overlapping one (same upload). Returns it when new. */
  add(event: UploadEvent): UploadEvent | null {
    if (!(Number.isFinite(event.lo) && Number.isFinite(event.hi) && event.lo <= event.hi)) return null;
    this.fitCache = undefined;
    for (let i = this.events.length - 1; i >= 0; i--) {
      const e = this.events[i];
      if (event.lo <= e.hi && e.lo <= event.hi) {
        // Both contain the upload: it lies in their intersection.
        this.events[i] = { lo: Math.max(e.lo, event.lo), hi: Math.min(e.hi, event.hi) };
        return null;
      }
    }
    this.events.push({ ...event });
    this.events.sort((a, b) => a.lo - b.lo);
    while (this.events.length > this.options.maxEvents) this.events.shift();
    return { ...event };
  }

  uploads(): readonly UploadEvent[] {
    return this.events;
  }

  lastUpload(): UploadEvent | null {
    return this.events[this.events.length - 1] ?? null;
  }

  /** Whether a line has ever shown a bucket (a line without data tells nothing about uploads). */
  hasData(lineId: string): boolean {
    return (this.lines.get(lineId)?.newestEnd ?? null) !== null;
  }

  isLearnt(): boolean {
    return this.fit() !== null;
  }

  periodMs(): number | null {
    return this.fit()?.periodMs ?? null;
  }

  /** The next upload not seen yet, skipping the windows already long past at `now`. */
  predict(now: number): UploadPrediction | null {
    const fit = this.fit();
    const last = this.lastUpload();
    if (fit === null || last === null) return null;
    const { periodMs, spread } = fit;
    let k = Math.max(1, Math.ceil((last.hi + periodMs / 2 - fit.anchor) / periodMs));
    // A window that ended (plus the overdue probes) without an upload seen is given up.
    const behind = now - (fit.anchor + k * periodMs + spread + this.options.overdueMs);
    if (behind > 0) k += Math.ceil(behind / periodMs);
    return { at: fit.anchor + k * periodMs, spread, periodMs };
  }

  toJSON(): UploadLearnerState {
    return { version: 1, events: this.events.map((e) => ({ ...e })) };
  }

  /** Rebuild from `toJSON()`; anything unreadable gives a learner that starts afresh. */
  static fromJSON(state: unknown, options: UploadScheduleOptions = {}): UploadLearner {
    const learner = new UploadLearner(options);
    const s = state as Partial<UploadLearnerState> | null;
    if (!s || s.version !== 1 || !Array.isArray(s.events)) return learner;
    for (const e of s.events) {
      const ev = e as Partial<UploadEvent> | null;
      if (ev && typeof ev.lo === 'number' && typeof ev.hi === 'number') learner.add({ lo: ev.lo, hi: ev.hi });
    }
    return learner;
  }

  private fit(): Fit | null {
    if (this.fitCache === undefined) this.fitCache = this.computeFit();
    return this.fitCache;
  }

  /**
   * Least squares of the brackets' middles against their cycle numbers: the slope is the
   * period, robust to a missed upload (its gap counts two cycles) and to jitter.
   */
  private computeFit(): Fit | null {
    const o = this.options;
    const tight = this.events.filter((e) => e.hi - e.lo <= o.maxBracketMs);
    if (tight.length < Math.max(2, o.learnAfter)) return null;
    const mids = tight.map(midOf);
    const gaps = mids.slice(1).map((m, i) => m - mids[i]);
    const guess = Math.min(Math.max(median(gaps), o.minPeriodMs), o.maxPeriodMs);
    const cycles = [0];
    for (const gap of gaps) cycles.push(cycles[cycles.length - 1] + Math.max(1, Math.round(gap / guess)));
    const n = mids.length;
    const kMean = cycles.reduce((a, b) => a + b, 0) / n;
    const tMean = mids.reduce((a, b) => a + b, 0) / n;
    let sxx = 0;
    let sxy = 0;
    for (let i = 0; i < n; i++) {
      sxx += (cycles[i] - kMean) ** 2;
      sxy += (cycles[i] - kMean) * (mids[i] - tMean);
    }
    if (sxx === 0) return null;
    const periodMs = sxy / sxx;
    if (!(periodMs >= o.minPeriodMs && periodMs <= o.maxPeriodMs)) return null;
    const at = (k: number): number => tMean + (k - kMean) * periodMs;
    let worst = 0;
    for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(mids[i] - at(cycles[i])) + (tight[i].hi - tight[i].lo) / 2);
    const spread = Math.min(Math.max(worst, o.minSpreadMs), periodMs / 3);
    return { periodMs, anchor: at(cycles[n - 1]), spread };
  }
}
