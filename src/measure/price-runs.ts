// Which prices each bucket of a line and scale was first priced with, held as runs of buckets
// `[first start, step, count, snapshot id]`, in memory as on disk. A month of half-hours at one
// price is one run, so what is held grows with the price changes, not with the buckets: a map
// of every bucket's start weighed ~280 kB per line and scale at its bound, and made the heap of
// a long run climb for two months before it levelled off.

/** `count` buckets `step` ms apart from `first` (step 0 when count is 1), all first priced with `id`. */
export type Run = [first: number, step: number, count: number, id: string];

export class BucketRuns {
  /** Sorted by start, spans disjoint: each run holds buckets consecutive among those held. */
  private runs: Run[] = [];
  private total = 0;

  /** Runs read from a file: those that name an unknown snapshot or are impossible are skipped. */
  static fromRuns(raw: readonly unknown[], known: (id: string) => boolean, maxCount: number): BucketRuns {
    const entries: Array<[number, string]> = [];
    for (const run of raw) {
      if (!Array.isArray(run) || run.length !== 4) continue;
      const [first, step, count, id] = run as unknown[];
      if (typeof first !== 'number' || !Number.isFinite(first) || typeof step !== 'number' || !Number.isFinite(step)) continue;
      if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > maxCount) continue;
      if (typeof id !== 'string' || !known(id) || (count > 1 && step <= 0)) continue;
      for (let i = 0; i < count; i++) entries.push([first + i * step, id]);
    }
    const out = new BucketRuns();
    out.rebuild(entries);
    out.trim(maxCount);
    return out;
  }

  /** Buckets held. */
  get size(): number {
    return this.total;
  }

  /** Runs held (what the memory weighs). */
  get runCount(): number {
    return this.runs.length;
  }

  /** The snapshot id of the bucket that starts at `start`; undefined when not held. */
  get(start: number): string | undefined {
    let lo = 0;
    let hi = this.runs.length - 1;
    let at = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.runs[mid][0] <= start) {
        at = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (at < 0) return undefined;
    const [first, step, count, id] = this.runs[at];
    if (start === first) return id;
    if (count < 2) return undefined;
    const index = (start - first) / step;
    return Number.isInteger(index) && index < count ? id : undefined;
  }

  /** Adds buckets not held yet, in any order. The usual case (newer than all held) appends. */
  add(entries: ReadonlyArray<readonly [number, string]>): void {
    if (entries.length === 0) return;
    const sorted = [...entries].sort((a, b) => a[0] - b[0]);
    const last = this.runs[this.runs.length - 1];
    if (last === undefined || sorted[0][0] > last[0] + (last[2] - 1) * last[1]) {
      for (const [start, id] of sorted) this.append(start, id);
      return;
    }
    // Older buckets (a backfill, a hole filled late): rare, so rebuilt from every bucket held.
    this.rebuild([...this.entries(), ...sorted]);
  }

  /** Forgets the oldest buckets past `max`. */
  trim(max: number): void {
    let excess = this.total - max;
    while (excess > 0 && this.runs.length > 0) {
      const run = this.runs[0];
      if (run[2] <= excess) {
        this.runs.shift();
        this.total -= run[2];
        excess -= run[2];
        continue;
      }
      run[0] += excess * run[1];
      run[2] -= excess;
      if (run[2] === 1) run[1] = 0;
      this.total -= excess;
      excess = 0;
    }
  }

  /** The snapshots some bucket held still uses. */
  ids(): Set<string> {
    return new Set(this.runs.map((r) => r[3]));
  }

  /** A copy of the runs, as the memory file keeps them. */
  toRuns(): Run[] {
    return this.runs.map((r): Run => [r[0], r[1], r[2], r[3]]);
  }

  private entries(): Array<[number, string]> {
    const out: Array<[number, string]> = [];
    for (const [first, step, count, id] of this.runs) for (let i = 0; i < count; i++) out.push([first + i * step, id]);
    return out;
  }

  /** From buckets in any order; a start named twice keeps its first id. */
  private rebuild(entries: Array<readonly [number, string]>): void {
    entries.sort((a, b) => a[0] - b[0]);
    this.runs = [];
    this.total = 0;
    for (const [start, id] of entries) this.append(start, id);
  }

  /** A bucket after every bucket held: extends the last run when it continues it. */
  private append(start: number, id: string): void {
    const last = this.runs[this.runs.length - 1];
    if (last !== undefined) {
      const end = last[0] + (last[2] - 1) * last[1];
      if (start <= end) return; // named twice
      const step = last[2] === 1 ? start - last[0] : last[1];
      if (last[3] === id && start === last[0] + last[2] * step) {
        last[1] = step;
        last[2] += 1;
        this.total += 1;
        return;
      }
    }
    this.runs.push([start, 0, 1, id]);
    this.total += 1;
  }
}
