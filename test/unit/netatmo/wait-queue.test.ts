// The one abortable queue (wait-queue.ts) under the rate budget and the background share.
import should from 'should';
import { WaitQueue } from '../../../src/netatmo/wait-queue';

describe('WaitQueue', () => {
  it('grants in order, and a granted waiter can no longer abort', async () => {
    const queue = new WaitQueue<string, number>();
    const controller = new AbortController();
    const first = queue.wait(1, controller.signal);
    const second = queue.wait(2);
    should(queue.infos()).eql([1, 2]);
    queue.shift()?.resolve('a');
    controller.abort();
    queue.shift()?.resolve('b');
    should(await first).equal('a');
    should(await second).equal('b');
    should(queue.length).equal(0);
  });

  it('an abort takes the waiter out, rejects it as aborted and tells the owner', async () => {
    let left = 0;
    const queue = new WaitQueue<string, number>(() => (left += 1));
    const controller = new AbortController();
    const leaving = queue.wait(1, controller.signal);
    const staying = queue.wait(2);
    controller.abort();
    await should(leaving).be.rejectedWith({ kind: 'aborted' });
    should(left).equal(1);
    should(queue.infos()).eql([2]);
    await should(queue.wait(3, controller.signal)).be.rejectedWith({ kind: 'aborted' });
    should(queue.length).equal(1);
    queue.rejectAll();
    await should(staying).be.rejectedWith({ kind: 'aborted' });
    should(queue.length).equal(0);
  });
});
