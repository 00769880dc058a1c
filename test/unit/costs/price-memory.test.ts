// The memory of first prices over a long run: what it holds in RAM must follow the price changes,
// not the buckets (a long soak's heap climbed for two months while it held every bucket's start),
// and every bucket it still holds must keep its first prices through revisions, backfills,
// holes filled late and restarts.
import should from 'should';
import { BucketRuns } from '../../../src/measure/price-runs';
import { MAX_PRICED_BUCKETS, PRICES_KEY, PriceMemory } from '../../../src/measure/costs';
import { MemoryOnly } from '../../support/memory-only';
import type { Prices } from '../../../src/account/prices';
import type { MeasurePoint } from '../../../src/contract/measure-payload';

const HALF = 1_800_000;
const DAY = 48 * HALF;
const START = Date.UTC(2026, 9, 11, 22);

/** One price for every hour; `$1` at `peak` (the columns the default types read). */
const prices = (peak: number): Prices => ({
  currency: 'EUR',
  columns: [null, peak, 0.2],
  timeZone: 'Europe/Paris',
  timetable: [{ minuteOfWeek: 0, price: peak }],
});
const half = (start: number): MeasurePoint => ({ start, end: start + HALF, values: { sum_energy_elec$1: 1000 }, total: 1000 });
/** The cost of a 1 kWh peak half-hour: the peak price it was priced with. */
const priceOf = (memory: PriceMemory, start: number, current: Prices, now: number): number | null | undefined => {
  const [point] = [half(start)];
  memory.price('m1|30min', [point], current, now);
  return point.cost;
};

describe('costs: the memory of first prices over months', function () {
  it('a hundred days of half-hour reads with revisions hold a few runs, and every bucket held keeps its first prices', function () {
    const disk = new MemoryOnly(true);
    const memory = new PriceMemory(disk);
    const peakOn = (t: number): number => (t < START + 30 * DAY ? 0.25 : t < START + 70 * DAY ? 0.3 : 0.35);
    // Every half-hour the node reads its recent window: the last six half-hours (revisions of five).
    for (let now = START + 6 * HALF; now <= START + 100 * DAY; now += HALF) {
      const points = Array.from({ length: 6 }, (_, i) => half(now - (6 - i) * HALF));
      memory.price('m1|30min', points, prices(peakOn(now)), now);
    }
    // Before: a bucket each up to the bound (3000); now a run per price change (and none per bucket).
    should(memory.heldEntries()).be.belowOrEqual(4);
    const now = START + 100 * DAY;
    const today = prices(0.35);
    should(priceOf(memory, START + 50 * DAY, today, now)).be.approximately(0.3, 1e-9);
    should(priceOf(memory, START + 80 * DAY, today, now)).be.approximately(0.35, 1e-9);
    // Past the bound (the newest 3000 half-hours are kept), a bucket takes today's prices.
    should(priceOf(memory, START + 30 * DAY - HALF, today, now)).be.approximately(0.35, 1e-9);
    // A restart reads the same runs back.
    const again = new PriceMemory(disk);
    should(priceOf(again, START + 50 * DAY, today, now)).be.approximately(0.3, 1e-9);
    should(again.heldEntries()).be.belowOrEqual(4);
    const saved = disk.values[PRICES_KEY] as { keys: Record<string, { runs: unknown[] }> };
    should(saved.keys['m1|30min'].runs.length).be.belowOrEqual(4);
  });

  it('a backfill of older days and a hole filled late keep the first prices of what was there', function () {
    const memory = new PriceMemory(new MemoryOnly(true));
    const t0 = START + 10 * DAY;
    // Today's buckets with one missing (a hole), at 0.3.
    const day = Array.from({ length: 48 }, (_, i) => half(t0 + i * HALF)).filter((_, i) => i !== 20);
    memory.price('m1|30min', day, prices(0.3), t0 + DAY);
    // A backfill of the day before, and the hole, at 0.4.
    const before = Array.from({ length: 48 }, (_, i) => half(t0 - DAY + i * HALF));
    memory.price('m1|30min', [...before, half(t0 + 20 * HALF)], prices(0.4), t0 + DAY);
    for (let i = -48; i < 48; i++) {
      const expected = i < 0 || i === 20 ? 0.4 : 0.3;
      should(priceOf(memory, t0 + i * HALF, prices(0.5), t0 + DAY)).be.approximately(expected, 1e-9);
    }
  });
});

describe('price runs: buckets held as runs', function () {
  /** A small deterministic generator (the test must replay). */
  function random(seed: number): () => number {
    let s = seed >>> 0;
    return () => {
      s = (s + 0x6d2b79f5) >>> 0;
      let t = s;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  it('answer as a map of every bucket would, whatever order buckets come in, trimmed to the newest', function () {
    for (let seed = 1; seed <= 40; seed++) {
      const next = random(seed);
      const runs = new BucketRuns();
      const model = new Map<number, string>();
      const max = 50 + Math.floor(next() * 100);
      for (let batch = 0; batch < 30; batch++) {
        const id = `p${Math.floor(next() * 3)}`;
        const entries: Array<[number, string]> = [];
        const from = Math.floor(next() * 400);
        for (let i = 0; i < 1 + Math.floor(next() * 20); i++) {
          const start = START + (from + Math.floor(next() * 30)) * HALF;
          if (!model.has(start) && !entries.some((e) => e[0] === start)) entries.push([start, id]);
        }
        runs.add(entries);
        for (const [start, i] of entries) model.set(start, i);
        runs.trim(max);
        for (const old of [...model.keys()].sort((a, b) => a - b).slice(0, Math.max(0, model.size - max))) model.delete(old);
        // As the memory file keeps them, then read back.
        const reread = BucketRuns.fromRuns(JSON.parse(JSON.stringify(runs.toRuns())) as unknown[], () => true, MAX_PRICED_BUCKETS);
        for (const held of [runs, reread]) {
          should(held.size).equal(model.size);
          const wrong: string[] = [];
          for (let k = -1; k < 440; k++) {
            const start = START + k * HALF;
            if (held.get(start) !== model.get(start) || held.get(start + 1) !== undefined) wrong.push(`seed ${seed}, batch ${batch}, bucket ${k}`);
          }
          should(wrong).eql([]);
        }
      }
    }
  });

  it('a file that names impossible runs: those are skipped, the rest read', function () {
    const runs = BucketRuns.fromRuns(
      [[START, HALF, 3, 'a'], [START, 0, 2, 'a'], [START + 10 * HALF, HALF, 1.5, 'a'], 'x', [START + 20 * HALF, 0, 1, 'gone']],
      (id) => id === 'a',
      100,
    );
    should(runs.size).equal(3);
    should(runs.get(START + 2 * HALF)).equal('a');
    should(runs.get(START + 10 * HALF)).be.undefined();
    should(runs.get(START + 20 * HALF)).be.undefined();
  });
});
