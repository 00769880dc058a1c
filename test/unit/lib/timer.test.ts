// One pending timer at a time (src/lib/timer.ts), on the virtual clock.
import should from 'should';
import { SingleTimer } from '../../../src/lib/timer';
import { VirtualClock } from '../../support/virtual-clock';

const T0 = Date.UTC(2025, 5, 3, 10, 0);

describe('SingleTimer', () => {
  it('a new time replaces the pending one', async () => {
    const clock = new VirtualClock({ start: T0 });
    const timer = new SingleTimer(() => clock);
    const fired: string[] = [];
    timer.setIn(5000, () => fired.push('first'));
    timer.setAt(T0 + 3000, () => fired.push('second'));
    should(timer.pendingAt()).equal(T0 + 3000);
    should(clock.pending()).equal(1);
    await clock.advance(10_000);
    should(fired).eql(['second']);
    should(timer.pendingAt()).be.null();
  });

  it('a time already past fires on the next timer turn', async () => {
    const clock = new VirtualClock({ start: T0 });
    const timer = new SingleTimer(() => clock);
    const fired: number[] = [];
    timer.setAt(T0 - 60_000, () => fired.push(clock.now()));
    should(timer.pendingAt()).equal(T0 - 60_000);
    await clock.advance(0);
    should(fired).eql([T0]);
  });

  it('clears the timer on the clock that set it, even after the clock was swapped', () => {
    const first = new VirtualClock({ start: T0 });
    const second = new VirtualClock({ start: T0 });
    let current = first;
    const timer = new SingleTimer(() => current);
    timer.setIn(1000, () => undefined);
    current = second;
    timer.clear();
    should(first.pending()).equal(0);
    should(timer.pendingAt()).be.null();
  });
});
