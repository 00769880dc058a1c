// The chaos soak scenario, shared by `npm run soak` and the shortened soak of `npm test`:
// a sync node and nine measure nodes on one account, against a simulator that fails often
// and in every way it knows, with access tokens that die every few simulated minutes.
import type { FaultOptions } from '../src/simulator';
import { startHarness } from './harness';
import { checkSoak, type SoakReport } from './soak-checks';

const HOUR = 3_600_000;

export const CHAOS_FAULTS: Partial<FaultOptions> = {
  error5xxRate: 0.1,
  code11Rate: 0.05,
  slowRate: 0.03,
  slowMs: 150, // real ms: slower than a normal answer, well under the request timeout
  timeoutRate: 0.01,
  malformedJsonRate: 0.02,
  htmlRate: 0.02,
  faultsOnToken: true,
};

export interface SoakOptions {
  hours: number;
  seed: number;
  /** Simulated hours between two inputs to the sync node. */
  syncEveryHours?: number;
  /** Access tokens die after this many simulated seconds. */
  tokenLifetimeSec?: number;
  /** Real ms the client waits for an answer (the timeout fault holds requests). */
  requestTimeoutMs?: number;
  faults?: Partial<FaultOptions>;
  /** Share of buckets the cloud first serves with a preliminary value (default 0.15, real: rarer). */
  revisionRate?: number;
  /** Progress lines (simulated time, wall time) go here. */
  log?: (line: string) => void;
}

export interface SoakOutcome {
  report: SoakReport;
  wallMs: number;
  timersFired: number;
  /** Real ms spent waiting for HTTP and disk between timers. */
  ioWaitMs: number;
}

export async function runSoak(options: SoakOptions): Promise<SoakOutcome> {
  const began = Date.now();
  const log = options.log ?? ((): void => undefined);
  const h = await startHarness({
    seed: options.seed,
    lines: 9,
    measure: { scale: '30min', types: '', interval: 10 },
    faults: { ...CHAOS_FAULTS, ...options.faults },
    accessTokenRealLifetimeSec: options.tokenLifetimeSec ?? 300,
    requestTimeoutMs: options.requestTimeoutMs ?? 300,
    // More revisions than the simulator's default, so that even a short soak sees several.
    simulator: { revisionRate: options.revisionRate ?? 0.15 },
  });
  try {
    const syncEvery = options.syncEveryHours ?? 3;
    h.injectSync();
    for (let hour = 1; hour <= options.hours; hour++) {
      await h.run(HOUR);
      if (hour % syncEvery === 0 && hour < options.hours) h.injectSync();
      if (hour % 6 === 0 || hour === options.hours) {
        const messages = [...h.outputs.values()].reduce((n, list) => n + list.length, 0);
        log(`  ${hour} h simulated, ${((Date.now() - began) / 1000).toFixed(1)} s wall, ${messages} messages, ${h.clock.stats().httpRequests} HTTP requests`);
      }
    }
    const report = checkSoak(h);
    if (h.syncOutputs.length === 0) {
      report.checks.push({ name: 'the sync node answered', ok: false, detail: 'no message from the sync node' });
      report.ok = false;
    }
    const clockStats = h.clock.stats();
    return { report, wallMs: Date.now() - began, timersFired: clockStats.timersFired, ioWaitMs: clockStats.settleMs };
  } finally {
    await h.stop();
  }
}
