// The simulator's pure parts for the Legrand range: the tariff column of each minute from a schedule's
// weekly timetable, and a 30-min slot's energy split across two columns when a zone changes inside it.
import should from 'should';
import { LocalTime } from '../../../src/simulator/local-time';
import { MeterData } from '../../../src/simulator/meter-data';
import { MeterPower, Reachability } from '../../../src/simulator/power';
import type { MeterSpec } from '../../../src/simulator/range';
import { basicSchedule, peakOffPeakSchedule, TariffClock, type ElectricitySchedule } from '../../../src/simulator/schedule';
import { Timeline } from '../../../src/simulator/timeline';

const MINUTE = 60_000;
const HALF_HOUR = 30 * MINUTE;
const utc = (y: number, mo: number, d: number, h = 0, mi = 0): number => Date.UTC(y, mo - 1, d, h, mi);

function spec(over: Partial<MeterSpec> = {}): MeterSpec {
  return {
    homeId: 'h',
    id: '00:04:74:00:01:aa:bb:cc',
    model: 'NLPC',
    name: 'Compteur',
    bridge: '00:04:74:aa:bb:cc',
    role: 'meter',
    index: null,
    household: 42,
    profile: { kind: 'share', circuits: [0, 1, 2, 3, 4], share: 1 },
    lastSeen: true,
    unreachablePower: 'absent',
    flaky: false,
    ...over,
  };
}

function timeline(): Timeline {
  return new Timeline({ seed: 1, historyStart: 0, uploadEveryMs: 0, uploadJitterMs: 0, revisionRate: 0, gapsBefore: 0 });
}

describe('simulator: tariffs and energy of the Legrand range', () => {
  it("gives each minute its schedule's column on the home's clock, across the clock changes", () => {
    const paris = new TariffClock(peakOffPeakSchedule(42), new LocalTime('Europe/Paris'));
    // Off-peak is 22:00–06:00 local: 21:00–05:00 UTC in winter, 20:00–04:00 UTC in summer.
    for (const [t, column] of [
      [utc(2026, 1, 14, 20, 59), 1],
      [utc(2026, 1, 14, 21, 0), 2],
      [utc(2026, 1, 15, 4, 59), 2],
      [utc(2026, 1, 15, 5, 0), 1],
      [utc(2026, 7, 14, 19, 59), 1],
      [utc(2026, 7, 14, 20, 0), 2],
      [utc(2026, 7, 15, 4, 0), 1],
      [utc(2026, 3, 29, 0, 30), 2], // the night the clocks go forward
      [utc(2026, 3, 29, 4, 0), 1],
    ] as const) {
      should(paris.column(paris.minuteOfWeek(t))).equal(column, new Date(t).toISOString());
    }
    // Monday 00:00 local is minute 0 of the week.
    should(paris.minuteOfWeek(utc(2026, 1, 11, 23, 0))).equal(0);
    const basic = new TariffClock(basicSchedule(42), new LocalTime('Asia/Tokyo'));
    for (let t = utc(2026, 1, 5); t < utc(2026, 1, 12); t += 37 * MINUTE) should(basic.column(basic.minuteOfWeek(t))).equal(0);
  });

  it('splits a slot across two columns when the zone changes inside it, each rounded to the Wh', () => {
    const local = new LocalTime('UTC');
    const schedule: ElectricitySchedule = { ...peakOffPeakSchedule(1), timetable: [] };
    // Peak from Monday 06:10, off-peak from 22:10, every day (UTC home).
    for (let d = 0; d < 7; d++) schedule.timetable.push({ zone_id: 0, m_offset: d * 1440 + 370 }, { zone_id: 1, m_offset: d * 1440 + 1330 });
    const s = spec();
    const tl = timeline();
    const power = new MeterPower(42, s, local);
    const data = new MeterData(power, new Reachability(42, s.id, false, tl), tl, new TariffClock(schedule, local), local);
    const slot = utc(2026, 1, 14, 22, 0) / HALF_HOUR; // a Wednesday, 22:00–22:30 UTC
    const columns = data.finalSlot(slot) as (number | null)[];
    const watts = power.slot(slot);
    const peak = watts.slice(0, 10).reduce((a, b) => a + b, 0) / 60;
    const offPeak = watts.slice(10).reduce((a, b) => a + b, 0) / 60;
    should(columns).eql([null, Math.round(peak), Math.round(offPeak)]);
    should(peak).be.above(0);
    should(data.finalSlot(slot + 1)).eql([null, null, Math.round(power.slot(slot + 1).reduce((a, b) => a + b, 0) / 60)]);
  });

  it("makes an NLY's power the sum of its phases, and a lamp either off or at its watts", () => {
    const local = new LocalTime('Europe/Paris');
    const phases = [0, 1, 2].map((c) => new MeterPower(42, spec({ id: `x#${c + 1}`, profile: { kind: 'share', circuits: [c], share: 0.5 } }), local));
    const nly = new MeterPower(42, spec({ id: 'x', model: 'NLY', profile: { kind: 'phases' } }), local, phases);
    const lamp = new MeterPower(42, spec({ id: 'l', model: 'NLL', profile: { kind: 'lamp', circuit: 3, watts: 40, onFromWh: 55 } }), local);
    let lit = 0;
    for (let m = utc(2026, 1, 14) / MINUTE; m < utc(2026, 1, 15) / MINUTE; m += 7) {
      should(nly.minute(m)).equal(phases.reduce((sum, p) => sum + p.minute(m), 0));
      const w = lamp.minute(m);
      should(w === 0 || (w >= 38 && w <= 42)).be.true(String(w));
      if (w > 0) lit++;
      should(Number.isInteger(nly.minute(m))).be.true();
    }
    should(lit).be.above(10);
  });
});
