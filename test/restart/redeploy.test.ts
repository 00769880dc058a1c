// 200 full redeploys of a flow with an account, a sync node, 9 measure nodes against the
// simulator and the Home Assistant export they feed: nothing may pile up (handles, timers, heap),
// and each new export node gets back the statistics its predecessor held. In-process (node-red-node-test-helper),
// so the figures are those of this very process.
import v8 from 'v8';
import vm from 'vm';
import should from 'should';
import helper from 'node-red-node-test-helper';
import { startSimulator, type Simulator } from '../../src/simulator';
import { removeTempUserDirs, useTempUserDir } from '../support/node-red-settings';

const accountNode = require('../../src/nodes/account/account');
const syncNode = require('../../src/nodes/sync/sync');
const measureNode = require('../../src/nodes/measure/measure');
const exportNode = require('../../src/nodes/export/export');

const DEPLOYS = 200;
const READ_EVERY = 25; // a real read now and then: the rate budget (50 / 10 s) must not slow the loop
const MEASURES = 9;
const ACCOUNT_ID = 'rdacc000000001';
const SYNC_ID = 'rdsyn000000001';
const SYNC_OUT = 'rdsynout000001';
const EXPORT_ID = 'rdexp000000001';
const EXPORTED = 'rdexpok0000001';
const REFUSED = 'rdexperr000001';

type FlowNode = Record<string, unknown> & { id: string; type: string };

const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A gc function: the one node gives with --expose-gc, else one obtained at run time. */
function findGc(): (() => void) | undefined {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (typeof existing === 'function') return existing;
  try {
    v8.setFlagsFromString('--expose-gc');
    const fn: unknown = vm.runInNewContext('gc');
    return typeof fn === 'function' ? (fn as () => void) : undefined;
  } catch {
    return undefined;
  }
}

interface Figures {
  handles: number;
  requests: number;
  timers: number;
  resources: Record<string, number>;
  heapUsed: number;
}

function countResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  const info = (process as unknown as { getActiveResourcesInfo?: () => string[] }).getActiveResourcesInfo?.() ?? [];
  for (const type of info) counts[type] = (counts[type] ?? 0) + 1;
  return counts;
}

async function settleAndMeasure(gc: (() => void) | undefined): Promise<Figures> {
  // Let closed sockets and aborted requests finish going away, then collect twice.
  let last = -1;
  for (let i = 0; i < 20; i++) {
    await delay(50);
    const now = (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles().length;
    if (now === last) break;
    last = now;
  }
  // The least of a few collected readings: one reading can catch V8 mid-way through freeing
  // (seen: 78.8 -> 73.4 -> 75.1 MB, a "growth" that was only noise).
  let heapUsed = Infinity;
  for (let i = 0; i < 5; i++) {
    gc?.();
    await delay(20);
    heapUsed = Math.min(heapUsed, process.memoryUsage().heapUsed);
  }
  const resources = countResources();
  return {
    handles: (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles().length,
    requests: (process as unknown as { _getActiveRequests(): unknown[] })._getActiveRequests().length,
    timers: resources.Timeout ?? 0,
    resources,
    heapUsed,
  };
}

function flow(sim: Simulator, moduleIds: string[], deploy: number): FlowNode[] {
  const nodes: FlowNode[] = [
    { id: ACCOUNT_ID, type: 'econetatmo-account', name: `account v${deploy}`, apiUrl: sim.url },
    { id: SYNC_ID, type: 'econetatmo-sync', name: `sync v${deploy}`, account: ACCOUNT_ID, mode: 'all', wires: [[SYNC_OUT]] },
    { id: SYNC_OUT, type: 'helper', wires: [] },
    // Home Assistant, without the baseline loop: every read lands in the ledgers at once.
    { id: EXPORT_ID, type: 'econetatmo-export', name: `export v${deploy}`, format: 'homeassistant', baselineTimeout: 0, wires: [[], []] },
    { id: 'rdexpdone00001', type: 'complete', scope: [EXPORT_ID], uncaught: false, wires: [[EXPORTED]] },
    { id: EXPORTED, type: 'helper', wires: [] },
    { id: 'rdexpcatch0001', type: 'catch', scope: [EXPORT_ID], uncaught: false, wires: [[REFUSED]] },
    { id: REFUSED, type: 'helper', wires: [] },
  ];
  for (let i = 0; i < MEASURES; i++) {
    const moduleId = moduleIds[i % moduleIds.length];
    nodes.push(
      {
        id: `rdmea00000000${i}`,
        type: 'econetatmo-measure',
        name: `measure ${i} v${deploy}`,
        account: ACCOUNT_ID,
        moduleId,
        deviceId: moduleId.split('#')[0],
        types: 'sum_energy_elec,sum_energy_elec$0,sum_energy_elec$1,sum_energy_elec$2',
        // Default timer (10 min): each deploy arms 9 timers that the next deploy must clear.
        scale: i % 2 === 0 ? '30min' : '1hour',
        interval: 10,
        emit: 'all',
        wires: [[`rdout00000000${i}`, EXPORT_ID]],
      },
      { id: `rdout00000000${i}`, type: 'helper', wires: [] },
    );
  }
  return nodes;
}

function received(id: string, timeoutMs = 15000): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no message at ${id}`)), timeoutMs);
    helper.getNode(id).on('input', (msg: Record<string, unknown>) => {
      clearTimeout(timer);
      resolve(msg);
    });
  });
}

/** The export node took a message (done), or the reason it refused it. */
function exported(timeoutMs = 15000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the export node did not finish its message')), timeoutMs);
    helper.getNode(EXPORTED).on('input', () => {
      clearTimeout(timer);
      resolve();
    });
    helper.getNode(REFUSED).on('input', (msg: { error?: { message?: string } }) => {
      clearTimeout(timer);
      reject(new Error(`the export node refused: ${msg.error?.message}`));
    });
  });
}

describe('redeploy loop (in-process)', function () {
  this.timeout(120000);
  let sim: Simulator;
  let credentials: Record<string, Record<string, string>>;
  let moduleIds: string[];

  before(async function () {
    sim = await startSimulator({ seed: 11, rateLimits: [{ windowMs: 10000, max: 100000 }] });
    const tokens = sim.issueTokens();
    credentials = {
      [ACCOUNT_ID]: { clientId: sim.clientId, clientSecret: sim.clientSecret, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken },
    };
    // Electricity lines only (0-5): gas and water lines hold no sum_energy_elec data, so `emit: all` stays silent.
    moduleIds = sim
      .lines()
      .filter((l) => l.index <= 5)
      .map((l) => l.moduleId);
    should(moduleIds.length).be.above(0);
    useTempUserDir();
  });

  after(async function () {
    await helper.unload();
    removeTempUserDirs();
    await sim.close();
  });

  async function deploy(n: number, read: boolean): Promise<void> {
    await helper.load([accountNode, syncNode, measureNode, exportNode], flow(sim, moduleIds, n), credentials);
    if (read) {
      const i = n % MEASURES;
      const lines = received(SYNC_OUT);
      const points = received(`rdout00000000${i}`);
      const stored = exported();
      helper.getNode(SYNC_ID).receive({ payload: n });
      helper.getNode(`rdmea00000000${i}`).receive({ payload: n });
      const [syncMsg, measureMsg] = await Promise.all([lines, points, stored]);
      should(syncMsg.payload).be.an.Array().and.have.length(sim.lines().length);
      should((measureMsg.payload as { points?: unknown[] }).points)
        .be.an.Array()
        .and.not.be.empty();
    }
    await helper.unload();
  }

  it(`leaves no handles, timers or heap behind after ${DEPLOYS} full deploys`, async function () {
    const gc = findGc();
    // Warm-up: first loads fill module caches, i18n catalogues and the HTTP agent's pool.
    for (let n = 0; n < 10; n++) await deploy(n, n === 0);
    const before = await settleAndMeasure(gc);
    let middle: Figures | undefined;
    const started = Date.now();
    for (let n = 1; n <= DEPLOYS; n++) {
      await deploy(1000 + n, n % READ_EVERY === 0);
      if (n === DEPLOYS / 2) middle = await settleAndMeasure(gc);
    }
    const elapsed = Date.now() - started;
    const after = await settleAndMeasure(gc);
    const mb = (b: number): string => (b / 1048576).toFixed(2);
    process.stdout.write(
      `      (gc: ${gc ? 'forced' : 'unavailable, settled only'}; ${DEPLOYS} deploys of ${9 + 2 * MEASURES} nodes in ${elapsed} ms)\n` +
        `      (handles ${before.handles} -> ${middle?.handles} -> ${after.handles}; requests ${before.requests} -> ${after.requests}; ` +
        `timers ${before.timers} -> ${middle?.timers} -> ${after.timers})\n` +
        `      (heapUsed ${mb(before.heapUsed)} MB -> ${mb(middle?.heapUsed ?? 0)} MB -> ${mb(after.heapUsed)} MB)\n` +
        `      (resources before ${JSON.stringify(before.resources)} after ${JSON.stringify(after.resources)})\n` +
        `      (simulator: ${JSON.stringify(sim.stats().requests)})\n`,
    );
    should(sim.stats().invalidGrant).equal(0);
    // A leak of one thing per deploy would show as +200 (or +9 x 200 timers): allow a little noise.
    should(after.handles).be.belowOrEqual(before.handles + 2, 'active handles grew');
    should(after.requests).be.belowOrEqual(before.requests + 1, 'active requests grew');
    should(after.timers).be.belowOrEqual(before.timers + 2, 'timers grew');
    if (gc) {
      // Everything a deploy makes is garbage once it is gone: a leak of even 10 kB per deploy
      // (2 MB over the loop) would show; the second half must not grow more than noise.
      should(after.heapUsed - before.heapUsed).be.below(4 * 1048576, 'heap grew over the loop');
      should(after.heapUsed - (middle?.heapUsed ?? 0)).be.below(1.5 * 1048576, 'heap kept growing');
    }
  });
});
