// The fixed-interval timer alone (src/measure/fixed-trigger.ts) on the virtual clock: when it
// reads, what it skips, how a back-off moves it, and that it leaves no timer once stopped.
import should from 'should';
import { FixedTrigger, type FixedTriggerDeps } from '../../../src/measure/fixed-trigger';
import { VirtualClock } from '../../support/virtual-clock';

const MIN = 60_000;
const T0 = Date.UTC(2025, 5, 3, 10, 0);
const FIRST = 2000;

interface Rig {
  clock: VirtualClock;
  trigger: FixedTrigger;
  /** When each read started, in ms after T0. */
  reads: number[];
  busy: boolean;
  backoff: number;
  /** How long a read takes (virtual time). */
  readMs: number;
}

function rig(everyMs = 10 * MIN): Rig {
  const clock = new VirtualClock({ start: T0 });
  const r = { clock, reads: [] as number[], busy: false, backoff: 0, readMs: 0 } as Rig;
  const deps: FixedTriggerDeps = {
    clock: () => clock,
    everyMs,
    busy: () => r.busy,
    read: () => {
      r.reads.push(clock.now() - T0);
      return r.readMs > 0 ? new Promise<void>((resolve) => clock.setTimeout(resolve, r.readMs)) : Promise.resolve();
    },
    backoffMs: () => r.backoff,
  };
  r.trigger = new FixedTrigger(deps);
  return r;
}

describe('FixedTrigger', () => {
  const rigs: Rig[] = [];
  afterEach(() => {
    for (const r of rigs.splice(0)) r.trigger.stop();
  });
  const started = (everyMs?: number): Rig => {
    const r = rig(everyMs);
    rigs.push(r);
    r.trigger.start(FIRST);
    return r;
  };

  it('reads shortly after start, then once every interval', async () => {
    const r = started();
    await r.clock.advance(FIRST);
    should(r.reads).eql([FIRST]);
    await r.clock.advance(30 * MIN);
    should(r.reads).eql([FIRST, FIRST + 10 * MIN, FIRST + 20 * MIN, FIRST + 30 * MIN]);
  });

  it('skips the ticks that find a read queued or running, and keeps the rhythm', async () => {
    const r = started();
    await r.clock.advance(FIRST);
    r.busy = true;
    await r.clock.advance(25 * MIN);
    should(r.reads).eql([FIRST]);
    r.busy = false;
    await r.clock.advance(5 * MIN);
    should(r.reads).eql([FIRST, FIRST + 30 * MIN]);
  });

  it('after a read that asks for a back-off, the next read waits that long from its end', async () => {
    const r = started();
    r.readMs = 5 * MIN;
    r.backoff = 25 * MIN;
    await r.clock.advance(FIRST + 5 * MIN);
    should(r.clock.nextAt()).equal(T0 + FIRST + 30 * MIN); // not the interval's tick at 10 min
    await r.clock.advance(25 * MIN);
    should(r.reads).eql([FIRST, FIRST + 30 * MIN]);
    // No back-off asked: the interval's rhythm again, from the tick planned before the read.
    r.backoff = 0;
    r.readMs = 0;
    await r.clock.advance(20 * MIN);
    should(r.reads).eql([FIRST, FIRST + 30 * MIN, FIRST + 40 * MIN, FIRST + 50 * MIN]);
  });

  it('once stopped, leaves no timer, even when a read in flight ends with a back-off', async () => {
    const r = started();
    r.readMs = 5 * MIN;
    r.backoff = 25 * MIN;
    await r.clock.advance(FIRST + MIN);
    r.trigger.stop();
    should(r.clock.pending()).equal(1); // the read's own wait
    await r.clock.advance(5 * MIN);
    should(r.clock.pending()).equal(0);
    should(r.reads).eql([FIRST]);
  });
});
