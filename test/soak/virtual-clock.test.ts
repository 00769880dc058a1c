// The virtual clock under the soak: timers in time order, and real I/O finishing between them.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import should from 'should';
import { VirtualClock } from '../support/virtual-clock';

describe('VirtualClock', () => {
  it('fires timers in time order, then order of creation, and stops at the target', async () => {
    const clock = new VirtualClock({ start: 1_000_000 });
    const fired: string[] = [];
    clock.setTimeout(() => fired.push(`b@${clock.now()}`), 200);
    clock.setTimeout(() => fired.push(`a@${clock.now()}`), 100);
    clock.setTimeout(() => fired.push(`a2@${clock.now()}`), 100);
    const late = clock.setTimeout(() => fired.push('late'), 5000);
    await clock.runFor(1000);
    should(fired).eql(['a@1000100', 'a2@1000100', 'b@1000200']);
    should(clock.now()).equal(1_001_000);
    clock.clearTimeout(late);
    await clock.runFor(10_000);
    should(fired).have.length(3);
    should(clock.pending()).equal(0);
  });

  it('fires timers that timers schedule, within the same advance', async () => {
    const clock = new VirtualClock({ start: 0 });
    const ticks: number[] = [];
    const tick = (): void => {
      ticks.push(clock.now());
      if (ticks.length < 5) clock.setTimeout(tick, 60_000);
    };
    clock.setTimeout(tick, 60_000);
    await clock.runFor(3_600_000);
    should(ticks).eql([60_000, 120_000, 180_000, 240_000, 300_000]);
  });

  it('waits for an HTTP answer before jumping to the next timer', async () => {
    const server = http.createServer((_req, res) => {
      setTimeout(() => res.end('ok'), 30); // real time
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const clock = new VirtualClock({ start: 0 });
    const events: string[] = [];
    clock.setTimeout(() => {
      events.push(`request@${clock.now()}`);
      http.get({ host: '127.0.0.1', port, agent: false }, (res) => {
        res.resume();
        res.on('end', () => {
          // The answer arrives while simulated time still stands at the timer that asked.
          events.push(`answer@${clock.now()}`);
          clock.setTimeout(() => events.push(`after@${clock.now()}`), 10);
        });
      });
    }, 1000);
    clock.setTimeout(() => events.push(`other@${clock.now()}`), 1005);
    await clock.runFor(2000);
    server.close();
    should(events).eql(['request@1000', 'answer@1000', 'other@1005', 'after@1010']);
  });

  it('lets a caller look at another moment without firing anything', () => {
    const clock = new VirtualClock({ start: 500 });
    let fired = false;
    clock.setTimeout(() => (fired = true), 10);
    should(clock.at(10_000, () => clock.now())).equal(10_000);
    should(clock.now()).equal(500);
    should(fired).be.false();
  });
});
