// What the energy costs, inside Node-RED against the simulator: each point's cost is its tariff
// columns × the home's prices (home 1: peak 0.27, off-peak 0.20 per kWh, EUR from France); a
// revised bucket keeps its first prices across a price change and a restart; a backfill prices
// old buckets with today's prices and says so; a bad schedule makes costs null with one warning.
import should from 'should';
import helper from 'node-red-node-test-helper';
import { startSimulator, type Simulator } from '../../src/simulator';
import type { MeasurePayload as Payload, MeasurePoint as Point } from '../../src/contract/measure-payload';
import {
  ACCOUNT_ID,
  accountCredentials,
  accountNode,
  FOUR_TYPES,
  measureFlow,
  measureNode,
  NO_LIMITS,
  sendAndWait,
  syncNode,
  VirtualClock,
  type FlowNode,
} from './measure-support';
import { nodeRedSettings, removeTempUserDirs, useTempUserDir } from '../support/node-red-settings';

const T0 = Date.UTC(2026, 10, 17, 10, 7); // a Tuesday
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

type CostPoint = Point & { cost: number | null };
type CostPayload = Payload & { currency: string | null; points: CostPoint[] };

function flow(sim: Simulator, moduleId: string, account: Record<string, unknown> = {}): FlowNode[] {
  const sync: FlowNode[] = [
    { id: 's1', type: 'econetatmo-sync', account: ACCOUNT_ID, wires: [['synced']] },
    { id: 'synced', type: 'helper' },
  ];
  return measureFlow(sim, { types: FOUR_TYPES.join(','), moduleId }, { account, extra: sync });
}

/** What m1 sent for `msg` until its done(); an error if the node failed the message. */
async function input(msg: Record<string, unknown> = {}): Promise<CostPayload[]> {
  const { sent, error } = await sendAndWait<CostPayload>(msg);
  if (error) throw new Error(String(error.message));
  return sent;
}

async function sync(): Promise<void> {
  const done = new Promise<void>((resolve) => helper.getNode('synced').on('input', () => resolve()));
  helper.getNode('s1').receive({});
  await done;
}

/** The cost of a point at peak and off-peak prices per kWh (its `$1` and `$2` columns). */
function costAt(p: Point, peak: number, offPeak: number): number {
  return ((p.values['sum_energy_elec$1'] ?? 0) * peak + (p.values['sum_energy_elec$2'] ?? 0) * offPeak) / 1000;
}

function near(actual: number | null, expected: number): void {
  should(actual).be.a.Number();
  should(Math.abs((actual as number) - expected)).be.below(1e-6);
}

/** Every home-1 zone's price multiplied by `factor` in /api/homesdata. */
function scalePrices(sim: Simulator, factor: number): void {
  sim.rewriteAnswers('/api/homesdata', (body) => {
    const b = body as { homes: Array<{ schedules?: Array<{ type: string; zones: Array<{ price: unknown }> }> }> };
    for (const s of b.homes[0].schedules ?? []) if (s.type === 'electricity') for (const z of s.zones) z.price = (z.price as number) * factor;
    return body;
  });
}

describe('econetatmo-measure: costs', function () {
  let sim: Simulator;
  let clock: VirtualClock;
  let moduleId: string;

  beforeEach(async function () {
    useTempUserDir();
    clock = new VirtualClock({ start: T0 });
    nodeRedSettings({ clock });
    sim = await startSimulator({ port: 0, now: () => clock.now(), rateLimits: NO_LIMITS, revisionRate: 1 });
    moduleId = sim.lines()[0].moduleId;
  });
  afterEach(async function () {
    await helper.unload();
    await sim.close();
  });
  after(function () {
    removeTempUserDirs();
  });

  async function load(account: Record<string, unknown> = {}): Promise<void> {
    await helper.load([accountNode, measureNode, syncNode], flow(sim, moduleId, account), accountCredentials(sim));
  }

  it("prices each half-hour's columns at the home's prices, in the currency of its country", async function () {
    await load();
    const [p] = await input();
    should(p.currency).equal('EUR');
    should(p.points.length).be.above(10);
    for (const x of p.points) near(x.cost, costAt(x, 0.27, 0.2));
    should(p.points.some((x) => (x.values['sum_energy_elec$1'] ?? 0) > 0)).be.true();
    should(p.points.some((x) => (x.values['sum_energy_elec$2'] ?? 0) > 0)).be.true();
  });

  it('a revised bucket keeps its first prices across a price change and a restart; new buckets take the new prices', async function () {
    await load();
    const [first] = await input();
    const firstStarts = new Set(first.points.map((x) => x.start));
    scalePrices(sim, 2);
    await sync(); // the prices are read with the lines
    clock.advanceSync(4 * HOUR);
    // A restart between: what the node sent, and at which prices, is on disk.
    await helper.unload();
    await load();
    await sync();
    const [second] = await input();
    should(second.revised.length).be.above(0);
    let revisedSeen = 0;
    let newSeen = 0;
    for (const x of second.points) {
      if (firstStarts.has(x.start)) {
        revisedSeen++;
        near(x.cost, costAt(x, 0.27, 0.2));
      } else {
        newSeen++;
        near(x.cost, costAt(x, 0.54, 0.4));
      }
    }
    should(revisedSeen).be.above(0);
    should(newSeen).be.above(0);
  });

  it("a backfill prices never-priced buckets with today's prices and says so in its warning", async function () {
    await load();
    await input(); // the prices are first seen now
    const [range] = await input({ dateBegin: T0 - 3 * DAY, dateEnd: T0 - 2 * DAY });
    should(range.points.length).be.aboveOrEqual(48);
    for (const x of range.points) near(x.cost, costAt(x, 0.27, 0.2));
    should(range.warning).match(/todaysPrices/);
  });

  it('a bad schedule: costs null, energy sent, one warning on the account that says why', async function () {
    sim.rewriteAnswers('/api/homesdata', (body) => {
      const b = body as { homes: Array<{ schedules?: Array<{ type: string; zones: Array<{ price_type: unknown }> }> }> };
      for (const s of b.homes[0].schedules ?? []) if (s.type === 'electricity') s.zones[0].price_type = 'tempo_red';
      return body;
    });
    await load();
    const warnings: string[] = [];
    const account = helper.getNode(ACCOUNT_ID) as unknown as { on(e: string, f: (c: { args: unknown[] }) => void): void };
    account.on('call:warn', (c) => warnings.push(String(c.args[0])));
    const [p] = await input();
    should(p.currency).be.null();
    should(p.points.length).be.above(0);
    for (const x of p.points) {
      should(x.cost).be.null();
      should(x.total).be.a.Number();
    }
    await sync();
    clock.advanceSync(HOUR);
    await input();
    should(warnings).have.length(1);
    should(warnings[0]).match(/tempo_red/);
  });

  it("every model: a meter's and a plug's sum_energy_buy_from_grid columns are priced the same way, in each home's currency", async function () {
    const parisHome = sim.lines()[0].homeId;
    const meters = sim.modules().filter((m) => m.homeId === parisHome && (m.model === 'NLPC' || m.model === 'NLP'));
    should(meters.length).be.aboveOrEqual(2);
    const tokyo = sim.modules().filter((m) => m.homeId !== parisHome);
    for (const meter of [...meters, ...tokyo.slice(0, 1)]) {
      moduleId = meter.moduleId;
      await load();
      const [p] = await input({ types: ['', '$0', '$1', '$2'].map((t) => `sum_energy_buy_from_grid${t}`) });
      should(p.types[0]).equal('sum_energy_buy_from_grid');
      should(p.points.length).be.above(0);
      const paris = meter.homeId === parisHome;
      should(p.currency).equal(paris ? 'EUR' : 'JPY');
      for (const x of p.points) {
        const v = x.values;
        const expected = paris
          ? ((v['sum_energy_buy_from_grid$1'] ?? 0) * 0.27 + (v['sum_energy_buy_from_grid$2'] ?? 0) * 0.2) / 1000
          : ((v['sum_energy_buy_from_grid$0'] ?? 0) * 31) / 1000;
        near(x.cost, expected);
      }
      await helper.unload();
    }
    should(tokyo.length).be.above(0);
  });

  it("own prices replace the cloud's on its timetable", async function () {
    await load({ tariff: 'own', priceBasic: '0.3', pricePeak: '0.31', priceOffPeak: '0.11', currency: 'chf' });
    const [p] = await input();
    should(p.currency).equal('CHF');
    for (const x of p.points) near(x.cost, costAt(x, 0.31, 0.11));
  });
});
