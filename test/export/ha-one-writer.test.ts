// Two export nodes on one Home Assistant statistic, with real parts (the measure nodes against the
// simulator, node-red-contrib-home-assistant-websocket's API nodes, the stand-in Home Assistant):
// a flow that backfills a line through its own export node while another export node keeps the
// same line live. Each node would keep its own hours and save them over the other's, so the
// second node is refused: it sends nothing, and Home Assistant's hours stay the simulator's. Once
// the flow is mended (the backfill wired into the first node) and redeployed, the first node gets
// its statistic back and the backfill lands: no hour lost, none doubled.
import '../support/node-red-line';
import should from 'should';
import helper from 'node-red-node-test-helper';
import type { Simulator } from '../../src/simulator';
import type { VirtualClock } from '../support/virtual-clock';
import type { HaStandIn } from '../support/ha-standin';
import { ACCOUNT_ID, accountCredentials, accountFlowNode, accountNode, exportNode, measureNode, measureNodeOf, type FlowNode } from '../nodes/measure-support';
import { haApiNode, haConnected, haCredentials, haNodes, haServerNode, quietOn, startHaRig, statisticIdOf, type HaRig } from './ha-support';
import { checkHaRows, DAY, FOUR_TYPES, HOUR } from './truth';

const T0 = Date.UTC(2025, 2, 12, 10, 7);

function measure(id: string, moduleId: string, to: string): FlowNode {
  return measureNodeOf(id, { moduleId, emit: 'all', types: FOUR_TYPES.join(',') }, [[to]]);
}

function haExport(id: string, imp: string, ask: string, out: string[] = []): FlowNode {
  return {
    id,
    type: 'econetatmo-export',
    name: id,
    format: 'homeassistant',
    baselineTimeout: 600,
    wires: [
      [imp, ...out],
      [ask, ...out],
    ],
  };
}

/** `live` keeps the line up to date through x1; `backfill` reads older weeks into `backfillTo`. */
function flow(sim: Simulator, moduleId: string, backfillTo: 'x1' | 'x2'): FlowNode[] {
  const nodes: FlowNode[] = [
    accountFlowNode(sim),
    haServerNode(),
    { id: 'f1', type: 'tab' },
    measure('live', moduleId, 'x1'),
    measure('backfill', moduleId, backfillTo),
    haExport('x1', 'imp', 'ask'),
    haApiNode('imp', []),
    haApiNode('ask', [['x1']]),
    { id: 'c1', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper' },
  ];
  if (backfillTo === 'x2') nodes.push(haExport('x2', 'imp', 'ask2', ['x2out']), haApiNode('ask2', [['x2']]), { id: 'x2out', type: 'helper' });
  // Nodes with a position are flow nodes (not config nodes) to Node-RED.
  return nodes.map((n, i) => (n.type === 'tab' || n.id === ACCOUNT_ID || n.type === 'server' ? n : { z: 'f1', x: 100 + i * 10, y: 100, ...n }));
}

describe('two export nodes on one Home Assistant statistic', function () {
  this.timeout(120_000);
  let rig: HaRig;
  let sim: Simulator;
  let ha: HaStandIn;
  let clock: VirtualClock;
  let moduleId: string;
  let statisticId: string;
  let caught: Array<Record<string, unknown>>;

  async function load(backfillTo: 'x1' | 'x2'): Promise<void> {
    const connected = ha.received.length;
    await helper.load([accountNode, measureNode, exportNode, haNodes as never], flow(sim, moduleId, backfillTo), {
      ...accountCredentials(sim),
      ...haCredentials(ha),
    });
    caught = [];
    helper.getNode('caught').on('input', (m: Record<string, unknown>) => caught.push(m));
    await haConnected(ha, connected);
  }

  async function read(node: string, msg: Record<string, unknown> = { payload: 'read' }): Promise<void> {
    helper.getNode(node).receive(msg);
    await quietOn(clock, () => ha.received.length + caught.length);
  }

  before(async function () {
    rig = await startHaRig(T0, { revisionRate: 0.15 });
    ({ clock, sim, ha } = rig);
    moduleId = sim.lines()[1].moduleId;
    statisticId = statisticIdOf(moduleId);
  });

  after(async function () {
    await rig.close();
  });

  it('refuses the second node, keeps the first one right, and after the mended redeploy the backfill lands', async function () {
    await load('x2');
    const x2out: Array<Record<string, unknown>> = [];
    helper.getNode('x2out').on('input', (m: Record<string, unknown>) => x2out.push(m));
    await read('live', { dateBegin: T0 - 7 * DAY, dateEnd: T0 });
    should(caught).eql([]);
    checkHaRows(ha.rows(statisticId), sim, moduleId, T0 - 7 * DAY, clock.now());

    // The second node's backfill: refused, by name, with nothing sent and a red status.
    const statuses: Array<{ fill?: string }> = [];
    helper.getNode('x2').on('call:status', (call: { args: unknown[] }) => statuses.push(call.args[0] as { fill?: string }));
    await read('backfill', { dateBegin: T0 - 14 * DAY, dateEnd: T0 - 7 * DAY });
    should(caught).have.length(1);
    should((caught[0].error as { source?: { id?: string } }).source?.id).equal('x2');
    should(String((caught[0].error as { message?: string }).message)).match(/statisticInUse|already exported/);
    should(String((caught[0].error as { message?: string }).message)).containEql(statisticId);
    should(x2out).eql([]);
    should(statuses[statuses.length - 1].fill).equal('red');

    // The first node carries on as if the second were not there.
    for (let i = 0; i < 6; i++) {
      await clock.runFor(HOUR);
      await read('live');
    }
    should(caught).have.length(1);
    checkHaRows(ha.rows(statisticId), sim, moduleId, T0 - 7 * DAY, clock.now());

    // Mended and redeployed: x1 closed and let go, its new self takes the statistic back.
    await helper.unload();
    await load('x1');
    await read('backfill', { dateBegin: T0 - 14 * DAY, dateEnd: T0 - 7 * DAY });
    await clock.runFor(HOUR);
    await read('live');
    should(caught).eql([]);
    const checked = checkHaRows(ha.rows(statisticId), sim, moduleId, T0 - 14 * DAY, clock.now());
    should(checked.hours).be.above(14 * 24);
    should(ha.errors.filter((e) => e.type.startsWith('recorder/'))).eql([]);
  });
});
