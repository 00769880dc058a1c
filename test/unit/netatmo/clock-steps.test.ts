// The wall clock stepping back by hours (a board without a real-time clock boots at its last
// shutdown time, then NTP corrects it): Node's timers keep their delays, but every time the
// code noted before the step lies in the future. The budgets must not hold requests for as long
// as the step.
import should from 'should';
import type { Clock } from '../../../src/lib/clock';
import { BackgroundShare } from '../../../src/netatmo/backfill-pacer';
import { RateBudget } from '../../../src/netatmo/rate-budget';
import { VirtualClock, flush } from '../../support/virtual-clock';

const MIN = 60_000;
const HOUR = 60 * MIN;

/** A wall clock that can step, over timers that keep their delays (as Node's do). */
function steppingClock(): { clock: Clock; timers: VirtualClock; step: (ms: number) => void } {
  const timers = new VirtualClock({ start: Date.UTC(2026, 2, 1, 12) });
  let offset = 0;
  return {
    timers,
    clock: { now: () => timers.now() + offset, setTimeout: timers.setTimeout, clearTimeout: timers.clearTimeout },
    step: (ms) => {
      offset += ms;
    },
  };
}

function track(p: Promise<unknown>): { done: boolean } {
  const state = { done: false };
  void p.then(() => (state.done = true));
  return state;
}

describe('a wall clock stepped back by hours', () => {
  it('RateBudget: a full window opens within its own length, not the length of the step', async () => {
    const { clock, timers, step } = steppingClock();
    const budget = new RateBudget({ clock, limits: [{ windowMs: HOUR, max: 3 }] });
    for (let i = 0; i < 3; i++) (await budget.acquire())();
    step(-6 * HOUR);
    const waits: number[] = [];
    const next = track(budget.acquire({ onWait: (ms) => waits.push(ms) }));
    await flush();
    should(next.done).be.false();
    should(waits[0]).be.belowOrEqual(HOUR);
    await timers.advance(HOUR);
    should(next.done).be.true();
  });

  it('RateBudget: a code-26 pause taken before the step ends within its own length', async () => {
    const { clock, timers, step } = steppingClock();
    const budget = new RateBudget({ clock });
    budget.noteRateLimited(10 * MIN);
    step(-6 * HOUR);
    const next = track(budget.acquire());
    await timers.advance(HOUR);
    should(next.done).be.true();
  });

  it('BackgroundShare: the backfills go on within the hour, not six hours later', async () => {
    const { clock, timers, step } = steppingClock();
    const share = new BackgroundShare({ clock, maxPerHour: 1, spacingMs: 10 * MIN });
    (await share.take())();
    step(-6 * HOUR);
    const next = track(share.take());
    await flush();
    should(next.done).be.false();
    await timers.advance(HOUR);
    should(next.done).be.true();
  });
});
