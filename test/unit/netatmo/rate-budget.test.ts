import should from 'should';
import { RateBudget } from '../../../src/netatmo/rate-budget';
import { isNetatmoError } from '../../../src/netatmo/errors';
import { VirtualClock, flush } from '../../support/virtual-clock';

function track(p: Promise<unknown>): { done: boolean; error: unknown } {
  const state = { done: false, error: undefined as unknown };
  p.then(
    () => (state.done = true),
    (err: unknown) => (state.error = err),
  );
  return state;
}

describe('RateBudget', () => {
  it('lets 45 requests through in 10 s by default and holds the 46th until the window slides', async () => {
    const clock = new VirtualClock({ start: Date.UTC(2025, 0, 15, 12, 0, 0) });
    const budget = new RateBudget({ clock });
    for (let i = 0; i < 45; i++) await budget.acquire();
    const waits: number[] = [];
    const next = track(budget.acquire({ onWait: (ms) => waits.push(ms) }));
    await flush();
    should(next.done).be.false();
    should(waits).eql([10_000]);
    await clock.advance(9_999);
    should(next.done).be.false();
    await clock.advance(1);
    should(next.done).be.true();
    should(waits).eql([10_000, 0]);
  });

  it('counts a slot from the time its answer arrived, not only from its grant', async () => {
    const clock = new VirtualClock({ start: Date.UTC(2025, 0, 15, 12, 0, 0) });
    const budget = new RateBudget({ clock, limits: [{ windowMs: 10_000, max: 2 }] });
    const first = await budget.acquire();
    await budget.acquire(); // answered at once: counted from t=0
    await clock.advance(4_000);
    first(); // the first answer arrives 4 s after its grant: it now counts from t=4 s
    first(); // releasing twice changes nothing
    const next = track(budget.acquire());
    await clock.advance(10_000 - 4_000); // t=10 s: the second slot has left the window, the first has not
    should(next.done).be.true();
    const after = track(budget.acquire());
    await clock.advance(3_999); // t=13.999 s: still inside the first slot's re-stamped window
    should(after.done).be.false();
    await clock.advance(1); // t=14 s: 10 s after the first answer
    should(after.done).be.true();
  });

  it('enforces the hourly limit too', async () => {
    const clock = new VirtualClock({ start: Date.UTC(2025, 0, 15, 12, 0, 0) });
    const budget = new RateBudget({
      clock,
      limits: [
        { windowMs: 10_000, max: 5 },
        { windowMs: 3_600_000, max: 8 },
      ],
    });
    const states = Array.from({ length: 9 }, () => track(budget.acquire()));
    await clock.advance(60_000);
    should(states.filter((s) => s.done)).length(8);
    await clock.advance(3_600_000 - 60_000);
    should(states.filter((s) => s.done)).length(9);
  });

  it('serves waiters first in, first out, normal before background', async () => {
    const clock = new VirtualClock({ start: Date.UTC(2025, 0, 15, 12, 0, 0) });
    const budget = new RateBudget({ clock, limits: [{ windowMs: 1000, max: 1 }] });
    await budget.acquire();
    const order: string[] = [];
    const all = [
      budget.acquire({ priority: 'background' }).then(() => order.push('bg1')),
      budget.acquire({ priority: 'background' }).then(() => order.push('bg2')),
      budget.acquire().then(() => order.push('n1')),
      budget.acquire().then(() => order.push('n2')),
    ];
    await clock.advance(5000);
    await Promise.all(all);
    should(order).eql(['n1', 'n2', 'bg1', 'bg2']);
  });

  it('pauses the whole account and backs off on repeated code 26', async () => {
    const clock = new VirtualClock({ start: Date.UTC(2025, 0, 15, 12, 0, 0) });
    const budget = new RateBudget({ clock });
    await budget.acquire();
    const first = budget.noteRateLimited(); // no Retry-After: until the 10 s window resets
    should(first).equal(10_000);
    const second = budget.noteRateLimited();
    should(second).equal(20_000);
    const third = budget.noteRateLimited(3000); // Retry-After wins
    should(third).equal(3000);
    const state = track(budget.acquire());
    await clock.advance(19_999);
    should(state.done).be.false();
    await clock.advance(1);
    should(state.done).be.true();
    budget.noteSuccess();
    should(budget.noteRateLimited()).equal(10_000);
  });

  it('rejects a waiter that aborts, and every waiter on close, with kind aborted', async () => {
    const clock = new VirtualClock({ start: Date.UTC(2025, 0, 15, 12, 0, 0) });
    const budget = new RateBudget({ clock, limits: [{ windowMs: 1000, max: 1 }] });
    await budget.acquire();
    const controller = new AbortController();
    const aborted = track(budget.acquire({ signal: controller.signal }));
    const other = track(budget.acquire());
    controller.abort();
    await flush();
    should(isNetatmoError(aborted.error, 'aborted')).be.true();
    budget.close();
    await flush();
    should(isNetatmoError(other.error, 'aborted')).be.true();
    should(clock.pending()).equal(0);
  });
});
