// The two calendars, the client's (src/lib/local-calendar.ts) and the simulator's
// (src/simulator/local-time.ts), are written apart so that the two sides of the wire check each
// other: here they must agree on every day, week and month of three years, in four zones.
import should from 'should';
import { nextDay, nextMonth, nextWeek, startOfDay, startOfMonth, startOfWeek } from '../../../src/lib/local-calendar';
import { LocalTime } from '../../../src/simulator/local-time';

const H = 3_600_000;

describe('client and simulator calendars agree', () => {
  for (const zone of ['Europe/Paris', 'America/New_York', 'Asia/Tokyo', 'America/Santiago']) {
    it(`every local day, week and month of 2025 to 2027 in ${zone}`, () => {
      const sim = new LocalTime(zone);
      let t = startOfDay(zone, Date.UTC(2025, 0, 1, 12));
      const end = startOfDay(zone, Date.UTC(2028, 0, 1, 12));
      let days = 0;
      while (t < end) {
        for (const probe of [t, t + H, t + 11 * H, nextDay(zone, t) - 1]) {
          should(sim.dayStart(probe)).equal(startOfDay(zone, probe));
          should(sim.dayEnd(probe)).equal(nextDay(zone, probe));
        }
        should(sim.weekStart(t)).equal(startOfWeek(zone, t));
        should(sim.weekEnd(t)).equal(nextWeek(zone, t));
        should(sim.monthStart(t)).equal(startOfMonth(zone, t));
        should(sim.monthEnd(t)).equal(nextMonth(zone, t));
        t = nextDay(zone, t);
        days += 1;
      }
      should(days).equal(365 * 3);
    });
  }
});
