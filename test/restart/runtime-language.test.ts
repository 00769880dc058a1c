// A real Node-RED process whose runtime speaks French (settings.lang = 'fr'): the nodes' runtime
// texts, and the client's failures, reach Catch nodes and statuses in French.
import should from 'should';
import { startSimulator, type Simulator } from '../../src/simulator';
import { startNodeRed, type FlowNode, type NodeRedProcess } from '../support/node-red-process';

const TAB = 'fr0tab00000001';
const ACCOUNT = 'fr0acc00000001';
const INJECT_UNKNOWN = 'fr0inj00000001';
const INJECT_BAD = 'fr0inj00000002';
const MEASURE = 'fr0mea00000001';
const CATCH = 'fr0cat00000001';
const SAY = 'fr0dbg00000001';

function flow(sim: Simulator, moduleId: string): FlowNode[] {
  const inject = (id: string, y: number, props: Array<Record<string, string>>): FlowNode => ({
    id,
    type: 'inject',
    z: TAB,
    name: id,
    props,
    repeat: '',
    crontab: '',
    once: false,
    onceDelay: 0.1,
    topic: '',
    x: 120,
    y,
    wires: [[MEASURE]],
  });
  return [
    { id: TAB, type: 'tab', label: 'fr', disabled: false, info: '' },
    { id: ACCOUNT, type: 'econetatmo-account', name: 'compte', apiUrl: sim.url },
    // A line of an ecocounter the cloud does not know: Netatmo answers code 9.
    inject(INJECT_UNKNOWN, 60, [
      { p: 'moduleId', v: '70:ee:50:99:99:99#1', vt: 'str' },
      { p: 'deviceId', v: '70:ee:50:99:99:99', vt: 'str' },
    ]),
    // A scale that does not exist: refused before any request.
    inject(INJECT_BAD, 120, [{ p: 'scale', v: '2hours', vt: 'str' }]),
    {
      id: MEASURE,
      type: 'econetatmo-measure',
      z: TAB,
      name: '',
      account: ACCOUNT,
      moduleId,
      deviceId: '',
      types: 'sum_energy_elec',
      scale: '30min',
      interval: 0,
      emit: 'all',
      x: 320,
      y: 80,
      wires: [[]],
    },
    { id: CATCH, type: 'catch', z: TAB, name: '', scope: [MEASURE], uncaught: false, x: 120, y: 200, wires: [[SAY]] },
    {
      id: SAY,
      type: 'debug',
      z: TAB,
      name: 'erreur',
      active: true,
      tosidebar: false,
      console: true,
      tostatus: false,
      complete: 'error.message',
      targetType: 'msg',
      statusVal: '',
      statusType: 'auto',
      x: 320,
      y: 200,
      wires: [],
    },
  ];
}

describe('a Node-RED runtime in French', function () {
  this.timeout(60000);
  let sim: Simulator;
  let nr: NodeRedProcess | undefined;

  before(async function () {
    sim = await startSimulator({ seed: 11 });
  });
  after(async function () {
    if (nr) await nr.stop();
    await sim.close();
  });

  it('reports input errors and Netatmo failures in French', async function () {
    const pasted = sim.issueTokens();
    nr = await startNodeRed({
      lang: 'fr',
      waitForFlows: false, // the launcher waits for the English 'Started flows'
      flows: flow(sim, sim.lines()[0].moduleId),
      credentials: {
        [ACCOUNT]: { clientId: sim.clientId, clientSecret: sim.clientSecret, accessToken: pasted.accessToken, refreshToken: pasted.refreshToken },
      },
    });
    await nr.waitForLog(/Flux démarrés/, 20000, 0);
    let from = nr.logs().length;
    should((await nr.admin('POST', `/inject/${INJECT_UNKNOWN}`)).status).equal(200);
    const unknown = await nr.waitForLog(/\[debug:erreur\][^\n]*\n?[^\n]*Netatmo ne connaît pas cet appareil/, 20000, from);
    should(unknown).match(/vérifiez les ids du module/);
    should(sim.stats().requests['/api/getmeasure']?.['404'] ?? 0).equal(1);

    from = nr.logs().length;
    const before = JSON.stringify(sim.stats().requests['/api/getmeasure']);
    should((await nr.admin('POST', `/inject/${INJECT_BAD}`)).status).equal(200);
    await nr.waitForLog(/\[debug:erreur\][^\n]*\n?[^\n]*Pas inconnu "2hours"/, 20000, from);
    should(JSON.stringify(sim.stats().requests['/api/getmeasure'])).equal(before); // no request for bad input
  });
});
