// The Home Assistant cost statistic without Node-RED: a month of half-hours sums to the exact sum
// of its buckets' costs (no rounding per bucket that piles up), and a change of currency never
// adds one currency to another in one statistic: the new currency's costs go to a statistic of
// their own, with one warning naming both currencies; the energy statistic goes on as before.
import should from 'should';
import { HaLedgers } from '../../../src/export/ha-ledgers';
import { HourLedger } from '../../../src/export/hour-ledger';
import { LedgerRegistry } from '../../../src/export/ledger-registry';
import { memoryLedgerStore } from '../../../src/export/ledger-store';
import type { ImportStatisticsCommand } from '../../../src/export/ha-statistics';
import type { MeasurePayload } from '../../../src/export/types';

const HALF = 1_800_000;
const HOUR = 2 * HALF;
const DEC = Date.UTC(2026, 11, 1);
const MODULE = '70:ee:50:12:34:56#1';
const ENERGY = 'econetatmo:70ee50123456_1';
const COST = `${ENERGY}_cost`;

function payload(start: number, costs: Array<number | null>, currency: string | null = 'EUR'): MeasurePayload {
  return {
    moduleId: MODULE,
    deviceId: '70:ee:50:12:34:56',
    name: 'Four',
    scale: '30min',
    unit: 'Wh',
    types: ['sum_energy_elec'],
    revised: [],
    currency,
    points: costs.map((cost, i) => ({ start: start + i * HALF, end: start + (i + 1) * HALF, values: { sum_energy_elec: 100 }, total: 100, cost })),
  } as MeasurePayload;
}

function ledgers(store = memoryLedgerStore()): HaLedgers {
  return new HaLedgers({ source: 'econetatmo', statisticIdOverride: '', store, claims: new LedgerRegistry().claimsFor('/l', 'n1'), askBaseline: false });
}

/** Home Assistant's table of one statistic after these commands: start -> { state, sum }, the last import of an hour winning. */
function imported(commands: ImportStatisticsCommand[], id: string): Map<string, { state: number; sum: number }> {
  const rows = new Map<string, { state: number; sum: number }>();
  for (const c of commands) if (c.metadata.statistic_id === id) for (const r of c.stats) rows.set(r.start, { state: r.state, sum: r.sum });
  return new Map([...rows].sort(([a], [b]) => a.localeCompare(b)));
}

describe('Home Assistant cost statistic', () => {
  it("a month of half-hours: every hour's sum is the exact sum of the bucket costs, sent by live reads and a revision", () => {
    const ha = ledgers();
    const commands: ImportStatisticsCommand[] = [];
    // 0.012449 is 0.012 in thousandths: rounded per bucket, December's 1488 half-hours would lose 0.33.
    const costOf = (i: number): number => [0.012449, 0.030449, 0.001499, 0.0875][i % 4];
    const buckets = 31 * 48;
    const micro: number[] = [];
    for (let i = 0; i < buckets; i += 6) {
      const costs = Array.from({ length: 6 }, (_x, k) => costOf(i + k));
      costs.forEach((c) => micro.push(Math.round(c * 1e6)));
      commands.push(...ha.handle(payload(DEC + i * HALF, costs)).commands);
    }
    // A revision of a bucket sent long before: its hour and every later sum move with it.
    micro[100] = Math.round(0.041237 * 1e6);
    commands.push(...ha.handle(payload(DEC + 100 * HALF, [0.041237])).commands);
    const rows = [...imported(commands, COST).values()];
    should(rows.length).equal(31 * 24);
    let exact = 0;
    let prev = 0;
    rows.forEach((r, h) => {
      exact += micro[2 * h] + micro[2 * h + 1];
      should(r.sum).be.approximately(exact / 1e6, 1e-9, `sum of hour ${h}`);
      should(r.state).be.approximately(r.sum - prev, 1e-9, `state of hour ${h}`);
      prev = r.sum;
    });
    should(Math.abs((rows[rows.length - 1]?.sum ?? 0) - exact / 1e6)).be.below(0.01);
  });

  it('a ledger from before (thousandths of the currency) carries on, its sum unchanged', () => {
    const store = memoryLedgerStore();
    const old = HourLedger.create(COST, MODULE);
    old.apply(payload(DEC, [1.234, 0.5]).points.map((p) => ({ ...p, total: Math.round((p.cost as number) * 1000) })));
    store.save(old);
    const out = ledgers(store).handle(payload(DEC + HOUR, [0.000449, 0.000449]));
    const rows = [...imported(out.commands, COST).values()];
    should(rows).eql([{ state: 0.000898, sum: 1.734898 }]);
  });

  it('another currency: its costs go to <id>_cost_<currency>, one warning names both; the energy statistic and the first cost statistic are untouched', () => {
    const store = memoryLedgerStore();
    const ha = ledgers(store);
    const first = ha.handle(payload(DEC, [0.5, 0.25]));
    should(first.commands.map((c) => [c.metadata.statistic_id, c.metadata.unit_of_measurement])).eql([
      [ENERGY, 'kWh'],
      [COST, 'EUR'],
    ]);
    // The user's own prices, now in Swiss francs.
    const second = ha.handle(payload(DEC + HOUR, [0.4, 0.1], 'CHF'));
    should(second.commands.map((c) => [c.metadata.statistic_id, c.metadata.unit_of_measurement])).eql([
      [ENERGY, 'kWh'],
      [`${COST}_chf`, 'CHF'],
    ]);
    should(imported(second.commands, `${COST}_chf`).get('2026-12-01T01:00:00+00:00')).eql({ state: 0.5, sum: 0.5 });
    should(imported(second.commands, ENERGY).get('2026-12-01T01:00:00+00:00')).eql({ state: 0.2, sum: 0.4 });
    should(second.warnings).eql([{ key: 'costCurrencyChanged', args: { id: COST, from: 'EUR', to: 'CHF', newId: `${COST}_chf` } }]);
    // More francs: the same statistic, no second warning; the euros keep their sum.
    const third = ha.handle(payload(DEC + 2 * HOUR, [0.2, 0.2], 'CHF'));
    should(third.warnings).eql([]);
    should(imported(third.commands, `${COST}_chf`).get('2026-12-01T02:00:00+00:00')).eql({ state: 0.4, sum: 0.9 });
    should(imported(third.commands, COST).size).equal(0);
    // Back to euros (a mistake undone): the first statistic carries on from its own sum, said once.
    const fourth = ha.handle(payload(DEC + 3 * HOUR, [0.1, 0.1]));
    should(imported(fourth.commands, COST).get('2026-12-01T03:00:00+00:00')).eql({ state: 0.2, sum: 0.95 });
    should(fourth.warnings).eql([{ key: 'costCurrencyChanged', args: { id: `${COST}_chf`, from: 'CHF', to: 'EUR', newId: COST } }]);
    // After a restart (ledgers from disk), francs still go to the francs' statistic, silently.
    const again = ledgers(store).handle(payload(DEC + 4 * HOUR, [0.3, 0.3], 'CHF'));
    should(imported(again.commands, `${COST}_chf`).get('2026-12-01T04:00:00+00:00')).eql({ state: 0.6, sum: 1.5 });
    should(again.warnings).eql([]);
  });
});
