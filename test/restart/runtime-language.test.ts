// A real Node-RED process whose runtime speaks French (settings.lang = 'fr'): the nodes' runtime
// texts, and the client's failures, reach Catch nodes and statuses in French, and the OAuth
// callback page a French user's popup opens is French too.
import should from 'should';
import { startSimulator, type Simulator } from '../../src/simulator';
import { startNodeRed, type FlowNode, type NodeRedProcess } from '../support/node-red-process';
import { debugNode, injectNode, measureOnDemand } from '../support/editor-nodes';

const TAB = 'fr0tab00000001';
const ACCOUNT = 'fr0acc00000001';
const INJECT_UNKNOWN = 'fr0inj00000001';
const INJECT_BAD = 'fr0inj00000002';
const MEASURE = 'fr0mea00000001';
const CATCH = 'fr0cat00000001';
const SAY = 'fr0dbg00000001';
const STATUS = 'fr0sta00000001';
const SAY_STATUS = 'fr0dbg00000002';

function flow(sim: Simulator, moduleId: string): FlowNode[] {
  const inject = (id: string, y: number, props: Array<Record<string, string>>): FlowNode =>
    injectNode({ id, z: TAB, name: id, props, x: 120, y, wires: [[MEASURE]] });
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
    measureOnDemand({ id: MEASURE, z: TAB, account: ACCOUNT, moduleId, types: 'sum_energy_elec', x: 320, y: 80, wires: [[]] }),
    { id: CATCH, type: 'catch', z: TAB, name: '', scope: [MEASURE], uncaught: false, x: 120, y: 200, wires: [[SAY]] },
    // The measure node's canvas statuses, to the log.
    { id: STATUS, type: 'status', z: TAB, name: '', scope: [MEASURE], x: 120, y: 260, wires: [[SAY_STATUS]] },
    debugNode({ id: SAY_STATUS, z: TAB, name: 'statut', complete: 'status.text', to: 'console', x: 320, y: 260 }),
    debugNode({ id: SAY, z: TAB, name: 'erreur', complete: 'error.message', to: 'console', x: 320, y: 200 }),
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
    // The canvas statuses too: "reading…" while the read ran.
    should(nr.logs()).match(/\[debug:statut\][^\n]*\n?[^\n]*lecture…/);
  });

  it('answers the OAuth callback in French: a refusal, and tokens Netatmo will not give', async function () {
    if (!nr) this.skip();
    const callback = `${nr!.url}/econetatmo/oauth/callback`;
    /** Connect an account not deployed, decide on the simulator's consent page, and open the callback as the popup would. */
    const consent = async (clientSecret: string, decision: 'approve' | 'deny'): Promise<{ status: number; page: string }> => {
      const start = await nr!.admin('POST', '/econetatmo/accounts/fr0acc00000002/connect', {
        clientId: sim.clientId,
        clientSecret,
        apiUrl: sim.url,
        redirectUri: callback,
      });
      should(start.status).equal(200, start.text);
      const asked = new URL((start.body as { authorizeUrl: string }).authorizeUrl).searchParams;
      const form = new URLSearchParams({
        decision,
        client_id: asked.get('client_id') ?? '',
        redirect_uri: asked.get('redirect_uri') ?? '',
        state: asked.get('state') ?? '',
        scope: 'read_magellan',
      });
      const back = await fetch(`${sim.url}/oauth2/authorize/decision`, { method: 'POST', body: form, redirect: 'manual' });
      const location = back.headers.get('location');
      should(location).startWith(callback);
      const answer = await fetch(location as string);
      return { status: answer.status, page: await answer.text() };
    };
    const denied = await consent(sim.clientSecret, 'deny');
    should(denied.page).match(/Accès refusé/);
    should(denied.page).match(/Vous avez refusé l(&#39;|&#x27;|')accès sur la page de Netatmo/);
    const failed = await consent('pas-le-bon-secret', 'approve');
    should(failed.status).equal(502);
    should(failed.page).match(/Échec de la connexion/);
    should(failed.page).match(/Impossible d(&#39;|&#x27;|')obtenir les jetons : Netatmo a refusé l(&#39;|&#x27;|')identifiant ou le secret client/);
    should(failed.page).not.match(/Could not get the tokens|refused the client id/);
  });
});
