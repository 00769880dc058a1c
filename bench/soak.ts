// `npm run soak` (= node dist/bench/soak.js [--hours N] [--seed S]): the chaos soak.
// Simulated days against a failing simulator, then the checks of soak-checks.ts, printed.
// `--days N`: the long soak of soak-month.ts (a Paris home across clock changes and month ends,
// daily `1day` reads, the board's wall clock stepping by hours, heap and state files watched)
// and its tables; `--days 365` is the year. `--heap-snapshots DIR [--snapshot-days 3,40,100]`
// writes a heap snapshot after GC at the end of those simulated days (to compare by constructor).
// Exit code 0 only when every check passes.
import { formatReport } from './soak-checks';
import { runSoak } from './soak-run';
import { formatMonthSoak, runMonthSoak } from './soak-month';

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
  if (argValue(args, '--days') !== undefined) {
    const days = Math.round(positive(argValue(args, '--days'), 31, '--days'));
    const seed = Math.round(positive(argValue(args, '--seed'), 42, '--seed'));
    if (days < 4) throw new Error('--days wants at least 4 (the heap and the state files are compared with day 3)');
    process.stdout.write(`Month soak: ${days} simulated days, seed ${seed}\n`);
    const snapshotDir = argValue(args, '--heap-snapshots');
    const snapshotDays = (argValue(args, '--snapshot-days') ?? '3,40,100').split(',').map((d) => Math.round(positive(d, 3, '--snapshot-days')));
    const heapSnapshots = snapshotDir === undefined ? undefined : { dir: snapshotDir, days: snapshotDays };
    const outcome = await runMonthSoak({ days, seed, heapSnapshots, log: (line) => process.stdout.write(`${line}\n`) });
    process.stdout.write(`${formatReport(outcome.report)}\n\n${formatMonthSoak(outcome, days, seed)}\n`);
    process.stdout.write(`${outcome.ok ? 'SOAK PASSED' : 'SOAK FAILED'}\n`);
    return outcome.ok ? 0 : 1;
  }
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
    process.stderr.write(`soak aborted: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(2);
  },
);
