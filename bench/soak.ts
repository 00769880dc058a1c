// `npm run soak` (= node dist/bench/soak.js [--hours N] [--seed S]): the chaos soak.
// Simulated days against a failing simulator, then the checks of soak-checks.ts, printed.
// Exit code 0 only when every check passes.
import { formatReport } from './soak-checks';
import { runSoak } from './soak-run';

function argValue(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i >= 0) return args[i + 1];
  const inline = args.find((a) => a.startsWith(`${name}=`));
  return inline?.slice(name.length + 1);
}

function positive(raw: string | undefined, fallback: number, name: string): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} wants a positive number, got ${JSON.stringify(raw)}`);
  return n;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const hours = Math.round(positive(argValue(args, '--hours'), 48, '--hours'));
  const seed = Math.round(positive(argValue(args, '--seed'), 42, '--seed'));
  process.stdout.write(`Chaos soak: ${hours} simulated hours, seed ${seed}\n`);
  const outcome = await runSoak({ hours, seed, log: (line) => process.stdout.write(`${line}\n`) });
  process.stdout.write(`${formatReport(outcome.report)}\n`);
  process.stdout.write(
    `Wall time: ${(outcome.wallMs / 1000).toFixed(1)} s (${outcome.timersFired} timers fired, ${(outcome.ioWaitMs / 1000).toFixed(1)} s waiting for I/O)\n`,
  );
  process.stdout.write(`${outcome.report.ok ? 'SOAK PASSED' : 'SOAK FAILED'}\n`);
  return outcome.report.ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`soak aborted: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exit(2);
  },
);
