// The read queue alone (src/measure/queue.ts): one read at a time, in order, busy while any waits.
import should from 'should';
import { ReadQueue } from '../../../src/measure/queue';

/** A job the test ends when it wants, recording when it started. */
function heldJob(log: string[], name: string): { job: () => Promise<void>; finish: (err?: Error) => void } {
  let finish: (err?: Error) => void = () => undefined;
  const ended = new Promise<void>((resolve, reject) => (finish = (err) => (err ? reject(err) : resolve())));
  return {
    job: () => {
      log.push(`start ${name}`);
      return ended.then(() => void log.push(`end ${name}`));
    },
    finish: (err) => finish(err),
  };
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Reads `a` then `b` queued, both held. */
function twoQueued() {
  const queue = new ReadQueue();
  const log: string[] = [];
  const a = heldJob(log, 'a');
  const b = heldJob(log, 'b');
  return { queue, log, a, b, ranA: queue.run(a.job), ranB: queue.run(b.job) };
}

describe('ReadQueue', () => {
  it('runs the reads one after the other, in the order they came', async () => {
    const { log, a, b, ranA, ranB } = twoQueued();
    await turn();
    should(log).eql(['start a']); // b waits for a
    b.finish();
    await turn();
    should(log).eql(['start a']); // b's end was ready, but b has not started
    a.finish();
    await Promise.all([ranA, ranB]);
    should(log).eql(['start a', 'end a', 'start b', 'end b']);
  });

  it('is busy while a read is queued or running, and idle after', async () => {
    const queue = new ReadQueue();
    should(queue.busy()).be.false();
    const a = heldJob([], 'a');
    const ran = queue.run(a.job);
    should(queue.busy()).be.true();
    a.finish();
    await ran;
    should(queue.busy()).be.false();
  });

  it('a failed read rejects its own caller only; the next read runs', async () => {
    const { queue, log, a, b, ranA, ranB } = twoQueued();
    a.finish(new Error('Unknown device'));
    await should(ranA).be.rejectedWith('Unknown device');
    b.finish();
    await ranB;
    should(log).eql(['start a', 'start b', 'end b']);
    should(queue.busy()).be.false();
  });
});
