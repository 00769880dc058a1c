// The timer reads' failures alone (src/measure/failures.ts): which one is reported, and how far
// apart the reads go while the same one repeats.
import should from 'should';
import { MAX_FAILURE_BACKOFF_MS, RepeatedFailures, failureBackoffMs } from '../../../src/measure/failures';

const MIN = 60_000;

describe('failure back-off', () => {
  it('keeps the rhythm after one failure, then doubles up to an hour: 20, 40, 60, 60 min for a 10 min interval', () => {
    should([0, 1, 2, 3, 4, 5, 9].map((n) => failureBackoffMs(n, 10 * MIN) / MIN)).eql([0, 0, 20, 40, 60, 60, 60]);
  });

  it('never waits longer than an hour, or the interval itself when that is longer', () => {
    should(failureBackoffMs(50, 10 * MIN)).equal(MAX_FAILURE_BACKOFF_MS);
    should(failureBackoffMs(2, 90 * MIN)).equal(90 * MIN);
    should(failureBackoffMs(6, 90 * MIN)).equal(90 * MIN);
  });
});

describe('RepeatedFailures', () => {
  it('reports a failure once while it repeats, and counts it', () => {
    const failures = new RepeatedFailures();
    should(failures.failed('Unknown device')).be.true();
    should(failures.failed('Unknown device')).be.false();
    should(failures.failed('Unknown device')).be.false();
    should(failures.count()).equal(3);
    should(failures.backoffMs(10 * MIN)).equal(40 * MIN);
  });

  it('reports a different failure, and counts from one again', () => {
    const failures = new RepeatedFailures();
    failures.failed('Unknown device');
    failures.failed('Unknown device');
    should(failures.failed('Netatmo answered 503')).be.true();
    should(failures.count()).equal(1);
    should(failures.backoffMs(10 * MIN)).equal(0);
    should(failures.failed('Unknown device')).be.true();
  });

  it('after a success, the same failure is news again and the rhythm is back', () => {
    const failures = new RepeatedFailures();
    failures.failed('Unknown device');
    failures.failed('Unknown device');
    failures.recovered();
    should(failures.count()).equal(0);
    should(failures.backoffMs(10 * MIN)).equal(0);
    should(failures.failed('Unknown device')).be.true();
  });
});
