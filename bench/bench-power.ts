// The power node's cost: /api/homestatus requests per hour at the default interval (60 s), with
// three power nodes on the account (they share one request per home per read), beside measure
// nodes in `auto` on every line of the account (the ecocounter's 9 and the range's modules), on a
// virtual clock against the simulator. The simulator has two homes: the figure for three homes
// is the measured cost of one home times three (each home costs one request per read, whatever
// the number of power nodes; the run checks that this holds).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import helper from 'node-red-node-test-helper';
import { nodeRedSettings, resetNodeRedSettings } from '../test/support/node-red-settings';
import { startSimulator } from '../src/simulator';
import { DEFAULT_RATE_LIMITS } from '../src/netatmo/rate-budget';
import { DEFAULT_POWER_INTERVAL_S } from '../src/contract/power';
import { VirtualClock } from '../test/support/virtual-clock';
import { packageRoot } from './bench-rig';

const MIN = 60_000;
const HOUR = 60 * MIN;
const ACCOUNT = 'bench-account';

export interface PowerFigures {
  homes: number;
  powerNodes: number;
  energyLines: number;
  measuredHours: number;
  /** /api/homestatus per hour, all homes of the simulator, all power nodes. */
  homestatusPerHour: number;
  homestatusPerHomePerHour: number;
  /** The same for three homes (see the header). */
  homestatusPerHourThreeHomes: number;
  /** Power messages per hour, all nodes. */
  powerMessagesPerHour: number;
  /** /api/getmeasure per hour of the `auto` measure nodes over the same hours. */
  getmeasurePerHour: number;
  /** Every request of the account (API and token), per hour, and in the busiest measured hour. */
  allPerHour: number;
  busiestHour: number;
  /** The hourly budget the account keeps under. */
  budgetPerHour: number;
  rateLimited: number;
  realSeconds: number;
}

type NodeModule = (RED: unknown) => void;

function count(stats: Record<string, Record<string, number>>, p?: string): number {
  const paths = p === undefined ? Object.keys(stats) : [p];
  return paths.reduce((n, k) => n + Object.values(stats[k] ?? {}).reduce((a, b) => a + b, 0), 0);
}

export async function benchPower(
  o: { warmupHours: number; measureHours: number; seed: number } = { warmupHours: 3, measureHours: 12, seed: 42 },
): Promise<PowerFigures> {
  const began = Date.now();
  const clock = new VirtualClock({ start: Date.UTC(2026, 0, 14, 0, 0, 30) });
  const sim = await startSimulator({ now: clock.now, seed: o.seed });
  const userDir = mkdtempSync(path.join(tmpdir(), 'econetatmo-bench-power-'));
  nodeRedSettings({ userDir, clock });
  const modules = ['econetatmo-account', 'econetatmo-measure', 'econetatmo-power'].map(
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    (t) => require(path.join(packageRoot(), 'nodes', `${t}.js`)) as NodeModule,
  );
  const tab = 'bench-tab';
  const homes = [...new Set(sim.modules().map((m) => m.homeId))];
  // The lines of the account: the ecocounter's, and the range's (a three-phase meter and its phases).
  const lines = [...sim.lines().map((l) => l.moduleId), ...sim.modules().map((m) => m.moduleId)];
  const firstMeter = sim.modules().find((m) => m.model === 'NLPC' && m.homeId === homes[0]);
  const flow: Array<Record<string, unknown> & { id: string; type: string }> = [
    { id: tab, type: 'tab', label: 'bench' },
    { id: ACCOUNT, type: 'econetatmo-account', name: 'bench', apiUrl: sim.url },
    // Default interval (none set): every module, one message each; the first home's meter; every module in one message.
    { id: 'power-0', type: 'econetatmo-power', z: tab, account: ACCOUNT, modules: [], output: 'each', wires: [['power-out']] },
    {
      id: 'power-1',
      type: 'econetatmo-power',
      z: tab,
      account: ACCOUNT,
      modules: firstMeter ? [firstMeter.moduleId] : [],
      output: 'each',
      wires: [['power-out']],
    },
    { id: 'power-2', type: 'econetatmo-power', z: tab, account: ACCOUNT, modules: '', output: 'all', wires: [['power-out']] },
    { id: 'power-out', type: 'helper', z: tab },
  ];
  lines.forEach((moduleId, i) => {
    flow.push({
      id: `measure-${i}`,
      type: 'econetatmo-measure',
      z: tab,
      account: ACCOUNT,
      moduleId,
      deviceId: '',
      types: '',
      scale: '30min',
      interval: 'auto',
      emit: 'changes',
      wires: [[]],
    });
  });
  const t = sim.issueTokens();
  await helper.load(modules as Parameters<typeof helper.load>[0], flow, {
    [ACCOUNT]: { clientId: sim.clientId, clientSecret: sim.clientSecret, accessToken: t.accessToken, refreshToken: t.refreshToken },
  });
  let messages = 0;
  helper.getNode('power-out').on('input', () => {
    messages += 1;
  });
  try {
    await clock.settle(); // the account's start (token proof) and the first reads, before time moves
    await clock.runFor(o.warmupHours * HOUR);
    const before = sim.stats().requests;
    const messagesBefore = messages;
    let busiest = 0;
    let last = count(before);
    for (let h = 0; h < o.measureHours; h++) {
      await clock.runFor(HOUR);
      const now = count(sim.stats().requests);
      busiest = Math.max(busiest, now - last);
      last = now;
    }
    const after = sim.stats().requests;
    const per = (p?: string): number => (count(after, p) - count(before, p)) / o.measureHours;
    const homestatusPerHour = per('/api/homestatus');
    return {
      homes: homes.length,
      powerNodes: 3,
      energyLines: lines.length,
      measuredHours: o.measureHours,
      homestatusPerHour,
      homestatusPerHomePerHour: homestatusPerHour / homes.length,
      homestatusPerHourThreeHomes: (3 * homestatusPerHour) / homes.length,
      powerMessagesPerHour: (messages - messagesBefore) / o.measureHours,
      getmeasurePerHour: per('/api/getmeasure'),
      allPerHour: per(),
      busiestHour: busiest,
      budgetPerHour: Math.max(...DEFAULT_RATE_LIMITS.filter((l) => l.windowMs === HOUR).map((l) => l.max)),
      rateLimited: sim.stats().rateLimited,
      realSeconds: (Date.now() - began) / 1000,
    };
  } finally {
    await helper.unload();
    await clock.settle();
    clock.dispose();
    resetNodeRedSettings();
    await sim.close();
    rmSync(userDir, { recursive: true, force: true });
  }
}

export function renderPower(p: PowerFigures, fmt: (n: number, digits?: number) => string): string[][] {
  return [
    [`live power, ${p.powerNodes} nodes at ${DEFAULT_POWER_INTERVAL_S} s, beside ${p.energyLines} lines on auto`, 'measured'],
    [`homestatus requests / hour (${p.homes} homes)`, fmt(p.homestatusPerHour)],
    ['  per home', fmt(p.homestatusPerHomePerHour)],
    ['  for 3 homes', fmt(p.homestatusPerHourThreeHomes)],
    ['power messages / hour (all nodes)', fmt(p.powerMessagesPerHour, 0)],
    [`getmeasure requests / hour (${p.energyLines} lines, auto)`, fmt(p.getmeasurePerHour)],
    ['every request / hour, busiest hour', `${fmt(p.allPerHour)}, ${p.busiestHour}`],
    ['hourly budget of the account', String(p.budgetPerHour)],
    ['rate-limit answers', String(p.rateLimited)],
  ];
}

if (require.main === module) {
  benchPower().then(
    (p) => {
      const fmt = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
      for (const row of renderPower(p, fmt)) process.stdout.write(`${row.join('  |  ')}\n`);
      process.stdout.write(`(${fmt(p.realSeconds, 0)} s)\n`);
      process.exit(0);
    },
    (err: unknown) => {
      process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    },
  );
}
