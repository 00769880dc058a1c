import should from 'should';
import { decodeMeasure, bucketTotal } from '../../../src/netatmo/measure-decode';
import { isNetatmoError } from '../../../src/netatmo/errors';

const TYPES = ['sum_energy_elec', 'sum_energy_elec$0', 'sum_energy_elec$1', 'sum_energy_elec$2'];
const H = 3_600_000;
const T0 = Date.UTC(2025, 2, 10, 0, 0, 0); // a bucket boundary

function expectApiError(fn: () => unknown, text: RegExp): void {
  try {
    fn();
  } catch (err) {
    should(isNetatmoError(err, 'api')).be.true();
    should((err as Error).message).match(text);
    return;
  }
  throw new Error('expected an error');
}

describe('decodeMeasure', () => {
  it('decodes optimize=true series, stamps at bucket middles and keeps gaps', () => {
    const answer = {
      status: 'ok',
      body: [
        {
          beg_time: (T0 + 15 * 60_000) / 1000,
          step_time: 1800,
          value: [
            [10, null, 4, 6],
            [null, null, 3, null],
          ],
        },
        // a gap of one bucket, then a new series
        { beg_time: (T0 + 1.5 * H + 15 * 60_000) / 1000, step_time: 1800, value: [[null, null, null, null]] },
      ],
    };
    const buckets = decodeMeasure(answer, TYPES, '30min');
    should(buckets.map((b) => b.start)).eql([T0, T0 + H / 2, T0 + 1.5 * H]);
    should(buckets[0]).eql({
      start: T0,
      end: T0 + H / 2,
      values: { sum_energy_elec: 10, sum_energy_elec$0: null, sum_energy_elec$1: 4, sum_energy_elec$2: 6 },
      total: 10,
    });
    should(buckets[1].total).equal(3); // plain total null: sum of the tariff columns
    should(buckets[2].total).be.null(); // all null: no total
    should(Object.keys(buckets[0].values)).eql(TYPES); // request order
  });

  it('decodes the body alone as well as the whole answer', () => {
    const body = [{ beg_time: (T0 + 30 * 60_000) / 1000, step_time: 3600, value: [[1, null, null, null]] }];
    should(decodeMeasure(body, TYPES, '1hour')).eql(decodeMeasure({ body }, TYPES, '1hour'));
    should(decodeMeasure(body, TYPES, '1hour')[0].start).equal(T0);
  });

  it('decodes optimize=false (keyed by time) answers, sorted by start', () => {
    const answer = {
      body: {
        [String((T0 + 1.5 * H) / 1000)]: [5, 1],
        [String((T0 + 0.5 * H) / 1000)]: [null, 2],
      },
      status: 'ok',
    };
    const buckets = decodeMeasure(answer, ['sum_energy_elec', 'sum_energy_price'], '1hour');
    should(buckets.map((b) => [b.start, b.end, b.total])).eql([
      [T0, T0 + H, null], // prices never count in the total
      [T0 + H, T0 + 2 * H, 5],
    ]);
  });

  it('takes a series of one row without step_time', () => {
    const buckets = decodeMeasure({ body: [{ beg_time: (T0 + 12 * H) / 1000, value: [[7, null, null, null]] }] }, TYPES, '1day', 'UTC');
    should(buckets).length(1);
    should(buckets[0].start).equal(T0);
    should(buckets[0].end).equal(T0 + 24 * H);
  });

  it('turns a month stamp into the calendar month that contains it (UTC here)', () => {
    const feb = Date.UTC(2024, 1, 1);
    const mar = Date.UTC(2024, 2, 1);
    const apr = Date.UTC(2024, 3, 1);
    const answer = {
      body: [
        { beg_time: (feb + (mar - feb) / 2) / 1000, step_time: (mar - feb) / 1000, value: [[100, null, null, null]] },
        { beg_time: (mar + (apr - mar) / 2) / 1000, step_time: (apr - mar) / 1000, value: [[200, null, null, null]] },
      ],
    };
    const buckets = decodeMeasure(answer, TYPES, '1month', 'UTC');
    should(buckets.map((b) => [b.start, b.end, b.total])).eql([
      [feb, mar, 100],
      [mar, apr, 200],
    ]);
  });

  it('de-duplicates by start (the later row wins)', () => {
    const stamp = (T0 + 15 * 60_000) / 1000;
    const answer = {
      body: [
        { beg_time: stamp, step_time: 1800, value: [[1, null, null, null]] },
        { beg_time: stamp, step_time: 1800, value: [[2, null, null, null]] },
      ],
    };
    const buckets = decodeMeasure(answer, TYPES, '30min');
    should(buckets).length(1);
    should(buckets[0].total).equal(2);
  });

  it('gives no bucket for an empty answer', () => {
    should(decodeMeasure({ body: [], status: 'ok' }, TYPES, '30min')).eql([]);
    should(decodeMeasure({ body: {}, status: 'ok' }, TYPES, '30min')).eql([]);
  });

  it('refuses rows of the wrong width or with non-number cells', () => {
    const stamp = (T0 + 15 * 60_000) / 1000;
    expectApiError(() => decodeMeasure({ body: [{ beg_time: stamp, step_time: 1800, value: [[1, 2]] }] }, TYPES, '30min'), /2 values for 4 types/);
    expectApiError(() => decodeMeasure({ body: [{ beg_time: stamp, step_time: 1800, value: [[1, '2', null, null]] }] }, TYPES, '30min'), /not a number/);
    expectApiError(() => decodeMeasure({ body: [{ beg_time: 'x', step_time: 1800, value: [] }] }, TYPES, '30min'), /start time/);
    expectApiError(
      () =>
        decodeMeasure(
          {
            body: [
              {
                beg_time: stamp,
                value: [
                  [1, null, null, null],
                  [1, null, null, null],
                ],
              },
            ],
          },
          TYPES,
          '30min',
        ),
      /step/,
    );
    expectApiError(() => decodeMeasure({ body: { abc: [1, null, null, null] } }, TYPES, '30min'), /time is not a number/);
    expectApiError(() => decodeMeasure({ body: 'nope' }, TYPES, '30min'), /neither/);
  });
});

describe('bucketTotal', () => {
  it('prefers the plain total, else sums non-null tariffs, else null; prices never count', () => {
    should(bucketTotal({ sum_energy_elec: 0, sum_energy_elec$1: 5 })).equal(0);
    should(bucketTotal({ sum_energy_elec: null, sum_energy_elec$1: 5, sum_energy_elec$2: 2 })).equal(7);
    should(bucketTotal({ sum_energy_price$1: 5 })).be.null();
  });
});
