// The diagnostics read around the last local midnight of the line's home, clock changes included.
import should from 'should';
import { lastLocalMidnight } from '../../../src/account/diagnostics';

describe('diagnostics: the last local midnight', function () {
  const cases: Array<[string, string, string]> = [
    ['2026-11-30T16:00:00Z', 'Europe/Paris', '2026-11-29T23:00:00.000Z'],
    ['2026-03-29T12:00:00Z', 'Europe/Paris', '2026-03-28T23:00:00.000Z'], // clocks went forward at 02:00
    ['2026-10-25T12:00:00Z', 'Europe/Paris', '2026-10-24T22:00:00.000Z'], // clocks went back at 03:00
    ['2026-11-30T02:00:00Z', 'America/New_York', '2026-11-29T05:00:00.000Z'],
    ['2026-11-30T23:30:00Z', 'Asia/Tokyo', '2026-11-30T15:00:00.000Z'],
    ['2026-11-30T16:00:00Z', 'UTC', '2026-11-30T00:00:00.000Z'],
  ];
  for (const [now, zone, midnight] of cases) {
    it(`${now} in ${zone}`, function () {
      should(new Date(lastLocalMidnight(Date.parse(now), zone)).toISOString()).equal(midnight);
    });
  }

  it("falls back to the runtime's zone for an unknown one", function () {
    const now = Date.parse('2026-11-30T16:00:00Z');
    should(lastLocalMidnight(now, 'Not/AZone')).equal(lastLocalMidnight(now));
  });
});
