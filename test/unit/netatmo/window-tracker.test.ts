import should from 'should';
import { WindowTracker, defaultHorizonMs } from '../../../src/netatmo/window-tracker';
import type { Bucket } from '../../../src/netatmo/types';

const STEP = 1_800_000;
const T0 = Date.UTC(2025, 0, 1);

function bucket(i: number, value: number | null): Bucket {
  return { start: T0 + i * STEP, end: T0 + (i + 1) * STEP, values: { sum_energy_elec: value }, total: value };
}

describe('WindowTracker', () => {
  it('returns every bucket of the first read, nothing of an unchanged re-read', () => {
    const tracker = new WindowTracker({ horizonMs: 24 * 3_600_000 });
    const read = [bucket(0, 1), bucket(1, 2), bucket(2, null)];
    should(tracker.update(read)).eql(read);
    should(tracker.update(read.map((b) => ({ ...b, values: { ...b.values } })))).eql([]);
  });

  it('returns new buckets and revised ones (same start, other values), in start order', () => {
    const tracker = new WindowTracker({ horizonMs: 24 * 3_600_000 });
    tracker.update([bucket(0, 1), bucket(1, 2)]);
    const changed = tracker.update([bucket(3, 9), bucket(0, 1), bucket(1, 5), bucket(2, 4)]);
    should(changed).eql([bucket(1, 5), bucket(2, 4), bucket(3, 9)]);
    should(tracker.update([bucket(1, 5)])).eql([]);
    // a bucket that goes from a value to null is a revision too
    should(tracker.update([bucket(2, null)])).eql([bucket(2, null)]);
  });

  it('keeps a bounded memory: entries older than the horizon are dropped', () => {
    const tracker = new WindowTracker({ horizonMs: 10 * STEP });
    for (let i = 0; i < 500; i++) tracker.update([bucket(i, i)]);
    should(tracker.size()).be.belowOrEqual(11);
    // an old bucket beyond the horizon comes back as new but is not remembered
    should(tracker.update([bucket(3, 3)])).eql([bucket(3, 3)]);
    should(tracker.size()).be.belowOrEqual(11);
  });

  it('serializes and restores its state through JSON', () => {
    const tracker = new WindowTracker({ horizonMs: 24 * 3_600_000 });
    tracker.update([bucket(0, 1), bucket(1, 2)]);
    const restored = WindowTracker.fromJSON(JSON.parse(JSON.stringify(tracker)));
    should(restored.update([bucket(0, 1), bucket(1, 3), bucket(2, 4)])).eql([bucket(1, 3), bucket(2, 4)]);
    should(WindowTracker.fromJSON({ nonsense: true }).size()).equal(0);
    should(WindowTracker.fromJSON(null).size()).equal(0);
  });

  it('sizes its default horizon beyond the recent window', () => {
    should(defaultHorizonMs('30min')).be.aboveOrEqual(12 * 3_600_000);
  });
});
