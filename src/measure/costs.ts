// The cost of what a measure node sends, with the prices in force when each bucket was first
// read. Those prices are kept with what the node sent (its memory file, store.ts), so a revision
// of a bucket, a price change or a restart never rewrites a cost already sent. A bucket never
// priced before (a backfill's old days) takes today's prices; the caller says so in `warning`.
import { createHash } from 'node:crypto';
import { isRecord } from '../netatmo/errors';
import type { MeasurePayload, MeasurePoint } from '../contract/measure-payload';
import { bucketCost } from './pricing';
import { BucketRuns, type Run } from './price-runs';
import type { Prices } from '../account/prices';
import type { NodeMemory } from './store';

/** The memory's key of the prices of the buckets sent. */
export const PRICES_KEY = 'econetatmoPrices';
/** Buckets remembered per line and scale: two months of half-hours, well past any revision. */
export const MAX_PRICED_BUCKETS = 3000;
/** Lines and scales remembered, the most recently used ones (overrides must not grow it without end). */
export const MAX_PRICED_KEYS = 8;

/** The account's prices of a line's home (src/account/services.ts fits it). */
export interface PricesPort {
  pricesOf(moduleId: string, signal?: AbortSignal): Promise<Prices | null>;
}

interface Snapshot {
  prices: Prices;
  /** When these prices were first seen. */
  since: number;
}

/** What pricing a set of points found. */
export interface PricingOutcome {
  currency: string | null;
  /** The oldest bucket priced now with prices first seen after it (a backfill): null when none. */
  pricedLater: number | null;
  /** When today's prices were first seen (for that warning). */
  pricesSince: number | null;
}

function snapshotId(prices: Prices): string {
  return createHash('sha256').update(JSON.stringify(prices)).digest('hex').slice(0, 12);
}

function isPrices(value: unknown): value is Prices {
  if (!isRecord(value) || !Array.isArray(value.columns) || value.columns.length !== 3 || !Array.isArray(value.timetable)) return false;
  if (typeof value.timeZone !== 'string' || !(value.currency === null || typeof value.currency === 'string')) return false;
  const price = (p: unknown): boolean => p === null || (typeof p === 'number' && Number.isFinite(p));
  return (
    (value.columns as unknown[]).every(price) &&
    (value.timetable as unknown[]).every((e) => isRecord(e) && typeof e.minuteOfWeek === 'number' && price(e.price)) &&
    value.timetable.length > 0
  );
}

export class PriceMemory {
  private snapshots = new Map<string, Snapshot>();
  /** By line and scale, as runs (price-runs.ts): a map of every bucket's start made the heap climb for months. */
  private keys = new Map<string, { usedAt: number; runs: BucketRuns }>();
  private loaded = false;

  constructor(private readonly memory: NodeMemory) {}

  /**
   * Sets `cost` on each point (in place): its first prices when it has some, else `current`,
   * which become its first prices. `key`: the line and scale.
   */
  price(key: string, points: MeasurePoint[], current: Prices | null, now: number): PricingOutcome {
    this.load();
    let currentId: string | null = null;
    if (current !== null) {
      currentId = snapshotId(current);
      if (!this.snapshots.has(currentId)) this.snapshots.set(currentId, { prices: current, since: now });
    }
    const slot = this.keys.get(key) ?? { usedAt: now, runs: new BucketRuns() };
    slot.usedAt = now;
    this.keys.set(key, slot);
    const added = new Map<number, string>();
    let pricedLater: number | null = null;
    const since = currentId !== null ? this.snapshots.get(currentId)!.since : null;
    let currency: string | null = current?.currency ?? null;
    for (const point of points) {
      let snapshot: Snapshot | undefined;
      const first = slot.runs.get(point.start) ?? added.get(point.start);
      if (first !== undefined) snapshot = this.snapshots.get(first);
      if (snapshot === undefined && currentId !== null) {
        snapshot = this.snapshots.get(currentId)!;
        if (first === undefined) added.set(point.start, currentId);
        if (since !== null && point.start < since) pricedLater = pricedLater === null ? point.start : Math.min(pricedLater, point.start);
      }
      if (snapshot === undefined) {
        point.cost = null;
        continue;
      }
      if (current === null && currency === null) currency = snapshot.prices.currency;
      // Costs in another currency than the payload's cannot be added to the others: unknown.
      point.cost = snapshot.prices.currency === currency ? bucketCost(snapshot.prices, point) : null;
    }
    if (added.size > 0) {
      slot.runs.add([...added]);
      slot.runs.trim(MAX_PRICED_BUCKETS);
      this.save(currentId);
    }
    return { currency, pricedLater, pricesSince: pricedLater !== null ? since : null };
  }

  /** Runs held in memory over every line and scale (what the memory weighs; the tests bound it). */
  heldEntries(): number {
    let n = 0;
    for (const slot of this.keys.values()) n += slot.runs.runCount;
    return n;
  }

  private load(): void {
    if (this.loaded) return;
    this.loaded = true;
    let saved: unknown;
    try {
      saved = this.memory.get(PRICES_KEY);
    } catch {
      return;
    }
    if (!isRecord(saved) || !isRecord(saved.snapshots) || !isRecord(saved.keys)) return;
    for (const [id, s] of Object.entries(saved.snapshots)) {
      if (isRecord(s) && isPrices(s.prices) && typeof s.since === 'number') this.snapshots.set(id, { prices: s.prices, since: s.since });
    }
    for (const [key, k] of Object.entries(saved.keys)) {
      if (!isRecord(k) || typeof k.usedAt !== 'number' || !Array.isArray(k.runs)) continue;
      this.keys.set(key, { usedAt: k.usedAt, runs: BucketRuns.fromRuns(k.runs as unknown[], (id) => this.snapshots.has(id), MAX_PRICED_BUCKETS) });
    }
  }

  private save(keep: string | null): void {
    const keys = [...this.keys.entries()].sort((a, b) => b[1].usedAt - a[1].usedAt);
    for (const [key] of keys.slice(MAX_PRICED_KEYS)) this.keys.delete(key);
    const out: Record<string, { usedAt: number; runs: Run[] }> = {};
    const used = new Set<string>();
    for (const [key, slot] of this.keys) {
      for (const id of slot.runs.ids()) used.add(id);
      out[key] = { usedAt: slot.usedAt, runs: slot.runs.toRuns() };
    }
    // Prices no bucket uses any more are forgotten, today's aside (their first sight matters).
    for (const id of [...this.snapshots.keys()]) if (!used.has(id) && id !== keep) this.snapshots.delete(id);
    const snapshots: Record<string, Snapshot> = {};
    for (const [id, s] of this.snapshots) snapshots[id] = s;
    try {
      this.memory.set(PRICES_KEY, { snapshots, keys: out });
    } catch {
      // A disk that cannot take it: a restart then prices the recent buckets with the prices of that day.
    }
  }
}

/** Prices a payload's points and says, in its `warning`, when a backfill used today's prices. */
export class PayloadPricer {
  constructor(
    private readonly memory: PriceMemory,
    private readonly prices: PricesPort,
    /** The warning's text: buckets from `from` priced with the prices first seen at `since`. */
    private readonly warningText: (from: number, since: number) => string,
  ) {}

  /** The home's prices now (never fails: null when none is known). */
  current(moduleId: string, signal?: AbortSignal): Promise<Prices | null> {
    return this.prices.pricesOf(moduleId, signal).catch(() => null);
  }

  /** Sets `cost` on every point, `currency`, and for a range a warning when it used today's prices. */
  apply(payload: MeasurePayload, current: Prices | null, now: number, range: boolean): void {
    const outcome = this.memory.price(`${payload.moduleId}|${payload.scale}`, payload.points, current, now);
    payload.currency = outcome.currency;
    if (range && outcome.pricedLater !== null && outcome.pricesSince !== null) {
      const text = this.warningText(outcome.pricedLater, outcome.pricesSince);
      payload.warning = payload.warning === undefined ? text : `${payload.warning} ${text}`;
    }
  }
}
