// A board whose clock runs hours ahead of (or behind) the cloud's for days: a Raspberry Pi that
// booted with a wrong time and has no NTP. The recent window of a periodic read must be the
// cloud's recent hours (its answers tell its time), or the read misses the buckets the cloud is
// still revising, the newest ones, or everything.
import should from 'should';
import { CloudClock } from '../../../src/netatmo/cloud-clock';
import { MeasureReader, type TrackerStore } from '../../../src/measure/reader';
import type { ReadPlan } from '../../../src/measure/input';
import type { MeasureSource } from '../../../src/measure/ports';
import type { Bucket, MeasureQuery } from '../../../src/netatmo/types';
import { VirtualClock } from '../../support/virtual-clock';

const MIN = 60_000;
const H = 60 * MIN;
const HALF = 30 * MIN;
const TRUE_START = Date.UTC(2026, 11, 3, 9, 0);
const PLAN: ReadPlan = { moduleId: '70:ee:50:aa:bb:cc#2', deviceId: '70:ee:50:aa:bb:cc', types: ['sum_energy_elec'], scale: '30min' };

/**
 * The cloud on true time: half-hours up to an hour ago, each answer with its `time_server`, and
 * the values it revises. The measure source the reader sees is the account's face over it.
 */
class Cloud {
  readonly values = new Map<number, number>();
  readonly asked: Array<{ dateBegin: number; dateEnd: number }> = [];
  readonly clock = new CloudClock();
  constructor(
    readonly trueTime: VirtualClock,
    private readonly board: () => number,
  ) {}
  private grow(): void {
    const newest = Math.floor((this.trueTime.now() - H) / HALF) * HALF;
    for (let s = newest - 48 * H; s < newest; s += HALF) if (!this.values.has(s)) this.values.set(s, 100);
  }
  source(): MeasureSource {
    return {
      readMeasures: (query: MeasureQuery): Promise<Bucket[]> => {
        this.grow();
        const now = this.trueTime.now();
        // As the account does: the answer teaches the cloud's time, the range stops at its now.
        this.clock.observe({ time_server: Math.floor(now / 1000) }, this.board());
        const end = Math.min(query.dateEnd ?? now, this.clock.now(this.board()));
        this.asked.push({ dateBegin: query.dateBegin, dateEnd: end });
        const out: Bucket[] = [];
        for (const [start, v] of [...this.values].sort((a, b) => a[0] - b[0])) {
          if (start >= query.dateBegin && start < end && start + HALF <= now) {
            out.push({ start, end: start + HALF, values: { sum_energy_elec: v }, total: v });
          }
        }
        return Promise.resolve(out);
      },
      cloudTime: (boardNow: number) => this.clock.now(boardNow),
    };
  }
}

function memoryStore(): TrackerStore {
  const kept = new Map<string, unknown>();
  return { load: (k) => kept.get(k), save: (k, v) => kept.set(k, v) };
}

const lines = { nameOf: () => Promise.resolve('Oven'), zoneOf: () => Promise.resolve('Europe/Paris') };

for (const skewHours of [14, 8, -8]) {
  describe(`a board clock ${Math.abs(skewHours)} h ${skewHours > 0 ? 'ahead of' : 'behind'} the cloud for days`, () => {
    it('reads the cloud’s recent window: the newest buckets and the late revisions are sent', async () => {
      const trueTime = new VirtualClock({ start: TRUE_START });
      const board = (): number => trueTime.now() + skewHours * H;
      const cloud = new Cloud(trueTime, board);
      const reader = new MeasureReader(cloud.source(), memoryStore(), lines, 'changes');

      // The first read learns the cloud's time from its answer; every later one reads its window.
      const first = await reader.read(PLAN, board());
      await trueTime.advance(10 * MIN);
      const second = await reader.read(PLAN, board());
      const sent = [first, second].flatMap((r) => r.payload?.points.map((p) => p.start) ?? []);
      const newest = Math.floor((trueTime.now() - H) / HALF) * HALF - HALF;
      should(sent).containEql(newest);
      should(sent).containEql(newest - 10 * H);

      for (let day = 0; day < 2; day++) {
        // Seven hours later the cloud revises a bucket it served, now 9 hours old (within the
        // 12-hour window of the cloud's time): the next read must send it as revised.
        await trueTime.advance(7 * H);
        const revisedStart = Math.floor((trueTime.now() - 9 * H) / HALF) * HALF;
        cloud.values.set(revisedStart, 150);
        const read = await reader.read(PLAN, board());
        should(read.payload?.revised).containEql(revisedStart);
        should(read.payload?.points.find((p) => p.start === revisedStart)?.total).equal(150);
        // The window asked is the cloud's last 12 hours, whatever the board says.
        const asked = cloud.asked[cloud.asked.length - 1];
        should(asked.dateEnd).equal(trueTime.now());
        should(trueTime.now() - asked.dateBegin).be.within(12 * H, 12 * H + HALF);
        await trueTime.advance(17 * H);
        await reader.read(PLAN, board());
      }
    });
  });
}

describe('a board clock that agrees with the cloud', () => {
  it("reads the window of the board's own now (nothing moves by the answers' rounding)", async () => {
    const trueTime = new VirtualClock({ start: TRUE_START + 17_400 }); // not on a second
    const cloud = new Cloud(trueTime, () => trueTime.now());
    const reader = new MeasureReader(cloud.source(), memoryStore(), lines, 'changes');
    await reader.read(PLAN, trueTime.now());
    await reader.read(PLAN, trueTime.now());
    should(cloud.asked[1]).eql({ dateBegin: Math.floor((trueTime.now() - 12 * H) / HALF) * HALF, dateEnd: trueTime.now() });
  });
});
