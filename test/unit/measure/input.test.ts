// planRead: the node's settings overridden by a message, checked whole before any request.
import should from 'should';
import { intervalMs, intervalProblem, parseDate, planRead, planResolved, type MeasureSettings } from '../../../src/measure/input';

const NOW = Date.UTC(2025, 5, 3, 8, 2);
const LINE = '00:04:74:12:36:42#3';
const CONFIG: MeasureSettings = { moduleId: LINE, deviceId: '', types: '', scale: '' };

function problem(msg: Record<string, unknown>, config: MeasureSettings = CONFIG): string {
  const r = planRead(config, msg, NOW);
  if (r.ok) throw new Error(`expected a problem for ${JSON.stringify(msg)}`);
  return r.problem.key;
}

describe('measure input (planRead)', function () {
  it('defaults: the four energy types, 30min, the device from the line id, no range', function () {
    const r = planResolved(CONFIG, {}, NOW, null);
    should(r.ok).be.true();
    if (!r.ok) return;
    should(r.value).deepEqual({
      moduleId: LINE,
      deviceId: '00:04:74:12:36:42',
      types: ['sum_energy_elec', 'sum_energy_elec$0', 'sum_energy_elec$1', 'sum_energy_elec$2'],
      scale: '30min',
      consumption: 'sum_energy_elec',
    });
  });

  it('overrides from the message; a new line gets its own device, not the configured one', function () {
    const r = planResolved(
      { ...CONFIG, deviceId: '00:04:74:12:36:42' },
      { moduleId: '70:ee:50:00:00:01#0', types: 'sum_energy_price, sum_energy_elec', scale: '1day' },
      NOW,
      null,
    );
    should(r.ok).be.true();
    if (!r.ok) return;
    should(r.value.deviceId).equal('70:ee:50:00:00:01');
    should(r.value.types).deepEqual(['sum_energy_price', 'sum_energy_elec']);
    should(r.value.scale).equal('1day');
  });

  it('dates: ISO text, Date, epoch ms; an end in the future means up to now', function () {
    const begin = NOW - 86_400_000;
    for (const value of [new Date(begin).toISOString(), new Date(begin), begin]) {
      const r = planRead(CONFIG, { dateBegin: value }, NOW);
      should(r.ok && r.value.range).deepEqual({ dateBegin: begin });
    }
    const r = planRead(CONFIG, { dateBegin: begin, dateEnd: NOW + 3600_000 }, NOW);
    should(r.ok && r.value.range).deepEqual({ dateBegin: begin });
    const s = planRead(CONFIG, { dateBegin: '2025-06-01', dateEnd: '2025-06-02T12:00:00+02:00' }, NOW);
    should(s.ok && s.value.range).deepEqual({ dateBegin: Date.UTC(2025, 5, 1), dateEnd: Date.UTC(2025, 5, 2, 10) });
  });

  it('names each problem', function () {
    should(problem({ scale: 'max' })).equal('badScale');
    should(problem({ types: [] })).equal('noTypes');
    should(problem({ types: 'sum_energy_elec,,nope' })).equal('badType');
    should(problem({ types: { a: 1 } })).equal('badTypes');
    should(problem({ moduleId: 5 })).equal('badModule');
    should(problem({ moduleId: '00:04:74:12:36:42#3 ' })).equal('badModule');
    should(problem({}, { ...CONFIG, moduleId: '' })).equal('noModule');
    should(problem({ deviceId: '00:04:74:12:36:43' })).equal('badDevice');
    should(problem({ dateBegin: '2025-06-31' })).equal('badDate');
    should(problem({ dateBegin: '2025-06-01T25:00' })).equal('badDate');
    should(problem({ dateBegin: 'June 1st' })).equal('badDate');
    should(problem({ dateBegin: NaN })).equal('badDate');
    should(problem({ dateBegin: NOW - 1000, dateEnd: NOW - 2000 })).equal('reversedDates');
    should(problem({ dateBegin: NOW - 1000, dateEnd: NOW - 1000 })).equal('reversedDates');
    should(problem({ dateBegin: NOW + 1 })).equal('beginInFuture');
    should(problem({ dateEnd: NOW - 1000 })).equal('endWithoutBegin');
  });

  it('parseDate refuses what is not a date', function () {
    should(parseDate('2024-02-29')).equal(Date.UTC(2024, 1, 29));
    should(parseDate('2023-02-29')).be.null();
    should(parseDate(true)).be.null();
    should(parseDate(-5)).be.null();
  });

  it('interval: minutes to ms, 0 allowed, anything else is the default 10', function () {
    should(intervalMs(0)).equal(0);
    should(intervalMs('15')).equal(15 * 60_000);
    should(intervalMs('')).equal(10 * 60_000);
    should(intervalMs(-1)).equal(10 * 60_000);
    should(intervalMs(undefined)).equal(10 * 60_000);
  });

  it('interval: anything shorter than 5 minutes (0 aside) is read as 5, and says so', function () {
    for (const raw of [0.001, '0.001', 1, '4.99']) {
      should(intervalMs(raw)).equal(5 * 60_000);
      should(intervalProblem(raw)).eql({ key: 'intervalTooShort', params: { interval: String(Number(raw)), min: '5' } });
    }
    for (const raw of [0, '0', 5, '15', 'auto', '', -1, undefined]) should(intervalProblem(raw)).be.null();
    should(intervalMs(5)).equal(5 * 60_000);
  });
});
