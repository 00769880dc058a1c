// A home's currency changes under a Home Assistant cost statistic, with real parts: the account
// node's own prices switched from euros to Swiss francs and redeployed, the measure node against
// the simulator, the export node and node-red-contrib-home-assistant-websocket's API node talking
// to the stand-in Home Assistant. The euros' statistic keeps its sum and its unit, the francs go
// to a statistic of their own from 0, one warning names both, and the energy goes on unbroken.
import '../support/node-red-line';
import should from 'should';
import helper from 'node-red-node-test-helper';
import type { Simulator } from '../../src/simulator';
import type { VirtualClock } from '../support/virtual-clock';
import type { HaStandIn, StoredRow } from '../support/ha-standin';
import { accountCredentials, accountFlowNode, accountNode, exportNode, measureNode, measureNodeOf, type FlowNode } from '../nodes/measure-support';
import type { MeasurePayload } from '../../src/contract/measure-payload';
import { haApiNode, haConnected, haCredentials, haNodes, haServerNode, quietOn, startHaRig, statisticIdOf, type HaRig } from './ha-support';
import { checkHaRows, DAY, FOUR_TYPES, HOUR } from './truth';

const T0 = Date.UTC(2026, 10, 18, 10, 7);
const EUR = { tariff: 'own', priceBasic: '0.25', pricePeak: '0.27', priceOffPeak: '0.2', currency: 'EUR' };
const CHF = { tariff: 'own', priceBasic: '0.3', pricePeak: '0.31', priceOffPeak: '0.11', currency: 'CHF' };

function flow(sim: Simulator, moduleId: string, prices: Record<string, string>): FlowNode[] {
  const placed: FlowNode[] = [
    measureNodeOf('m1', { moduleId, types: FOUR_TYPES.join(',') }, [['x1', 'measured']]),
    { id: 'measured', type: 'helper' },
    { id: 'x1', type: 'econetatmo-export', format: 'homeassistant', source: 'econetatmo', statisticId: '', baselineTimeout: 600, wires: [['imp'], ['ask']] },
    haApiNode('imp', [[]]),
    haApiNode('ask', [['x1']]),
    { id: 'c1', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper' },
  ];
  return [
    { ...accountFlowNode(sim), ...prices },
    haServerNode(),
    { id: 'f1', type: 'tab' },
    ...placed.map((n, i) => ({ z: 'f1', x: 100 + i * 10, y: 100, ...n })),
  ];
}

/** Each bucket's last known cost in `currency` among what the measure node sent: what the statistic must hold. */
function costsIn(measured: MeasurePayload[], currency: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const p of measured) if (p.currency === currency) for (const pt of p.points) if (typeof pt.cost === 'number') out.set(pt.start, pt.cost);
  return out;
}

/** Sums never go down, and each row's state is the difference of consecutive sums. */
function checkCumulative(rows: StoredRow[]): void {
  let prev = 0;
  for (const r of rows) {
    should(r.sum as number).be.aboveOrEqual(prev - 1e-9, `negative hour at ${new Date(r.start).toISOString()}`);
    should(r.state as number).be.approximately((r.sum as number) - prev, 1e-9);
    prev = r.sum as number;
  }
}

describe('econetatmo-export → Home Assistant (stand-in): the currency of the costs changes', function () {
  this.timeout(120_000);
  let rig: HaRig;
  let sim: Simulator;
  let ha: HaStandIn;
  let clock: VirtualClock;

  before(async function () {
    rig = await startHaRig(T0, { revisionRate: 0.15 });
    ({ clock, sim, ha } = rig);
  });

  after(async function () {
    await rig.close();
  });

  it("keeps the euros' statistic as it was and sends the francs to <id>_cost_chf, with one warning naming both", async function () {
    const moduleId = sim.lines()[1].moduleId;
    const energyId = statisticIdOf(moduleId);
    const measured: MeasurePayload[] = [];
    const caught: Array<Record<string, unknown>> = [];
    const warnings: string[] = [];
    const load = async (prices: Record<string, string>): Promise<void> => {
      const connected = ha.received.length;
      await helper.load([accountNode, measureNode, exportNode, haNodes as never], flow(sim, moduleId, prices), {
        ...accountCredentials(sim),
        ...haCredentials(ha),
      });
      helper.getNode('measured').on('input', (m: Record<string, unknown>) => measured.push(m.payload as MeasurePayload));
      helper.getNode('caught').on('input', (m: Record<string, unknown>) => caught.push(m));
      const x1 = helper.getNode('x1') as unknown as { warn: (text: unknown) => void };
      const warn = x1.warn.bind(x1);
      x1.warn = (text: unknown) => {
        warnings.push(String(text));
        warn(text);
      };
      await haConnected(ha, connected);
    };
    const quiet = (): Promise<void> => quietOn(clock, () => ha.received.length + measured.length);
    const read = async (msg: Record<string, unknown> = { payload: 'read' }): Promise<void> => {
      helper.getNode('m1').receive(msg);
      await quiet();
    };

    // Two days in euros: a backfill, then live reads.
    await load(EUR);
    await read({ dateBegin: T0 - 2 * DAY, dateEnd: T0 });
    for (let i = 0; i < 4; i++) {
      await clock.runFor(HOUR);
      await read();
    }
    const euros = ha.rows(`${energyId}_cost`);
    should(euros.length).be.above(40);
    should(warnings).eql([]);

    // The user's own prices are now in Swiss francs: redeployed, half a day of live reads.
    await helper.unload();
    await load(CHF);
    for (let i = 0; i < 12; i++) {
      await clock.runFor(HOUR);
      await read();
    }

    // The euros' statistic: its unit, and its sum, the euros the measure node sent.
    should(ha.metadata(`${energyId}_cost`)).match({ unit_of_measurement: 'EUR' });
    const eurRows = ha.rows(`${energyId}_cost`);
    checkCumulative(eurRows);
    const eurTotal = [...costsIn(measured, 'EUR').values()].reduce((a, c) => a + c, 0);
    should(eurRows[eurRows.length - 1].sum as number).be.approximately(eurTotal, 1e-6);
    // The francs': a statistic of its own, from 0, in CHF.
    should(ha.metadata(`${energyId}_cost_chf`)).eql({
      source: 'econetatmo',
      statistic_id: `${energyId}_cost_chf`,
      name: sim.lines()[1].name,
      unit_of_measurement: 'CHF',
      unit_class: null,
      has_sum: true,
      mean_type: 0,
    });
    const chfRows = ha.rows(`${energyId}_cost_chf`);
    checkCumulative(chfRows);
    const chf = costsIn(measured, 'CHF');
    should(chf.size).be.above(10);
    const chfTotal = [...chf.values()].reduce((a, c) => a + c, 0);
    should(chfRows[chfRows.length - 1].sum as number).be.approximately(chfTotal, 1e-6);
    should(chfRows[0].sum as number).be.approximately(chfRows[0].state as number, 1e-9);
    // No euro row after the change, other than the hour the change fell in.
    const firstChf = Math.min(...chf.keys());
    should(eurRows.filter((r) => r.start > firstChf - (firstChf % HOUR))).eql([]);

    // Said once, with both currencies; the energy never stopped, nothing refused.
    should(warnings.length).equal(1);
    should(warnings[0]).containEql('EUR');
    should(warnings[0]).containEql('CHF');
    should(warnings[0]).containEql(`${energyId}_cost_chf`);
    checkHaRows(ha.rows(energyId), sim, moduleId, T0 - 2 * DAY, clock.now());
    should(caught).eql([]);
    should(ha.errors.filter((e) => e.type.startsWith('recorder/'))).eql([]);
  });
});
