// Child process of the restart tests: writes a measure node's memory or an export ledger through
// the real stores, one write after the other, as fast as it can, until it is killed, carrying on
// from what the previous (killed) run left on disk, as a restarted runtime does. Each completed
// write is reported on stdout (synchronous on a pipe under Linux) with the count it holds.
// Usage: node state-writer.js <memory|ledger> <dir> <run>
import fs from 'fs';
import path from 'path';
import { HourLedger } from '../../../src/export/hour-ledger';
import { fileLedgerStore } from '../../../src/export/ledger-store';
import { FileMemory } from '../../../src/measure/store';

export const LEDGER_ID = 'econetatmo:oven';
export const LEDGER_START = Date.UTC(2026, 0, 1);
const HOUR = 3_600_000;
const HALF = HOUR / 2;

function memoryWriter(dir: string, run: number): () => number {
  const memory = new FileMemory(path.join(dir, 'node.json'));
  const stored = memory.get('v') as { i?: unknown } | undefined;
  let i = typeof stored?.i === 'number' ? stored.i : 0;
  // A long value makes each write span more than one block, so a torn write would show.
  const pad = 'x'.repeat(6000);
  return () => {
    i += 1;
    memory.set('v', { run, i, pad });
    return i;
  };
}

function ledgerWriter(dir: string): () => number {
  const store = fileLedgerStore(dir);
  const loaded = store.load(LEDGER_ID);
  if (loaded === 'corrupt') throw new Error('the ledger on disk is corrupt');
  const ledger = loaded ?? HourLedger.create(LEDGER_ID, '70:ee:50:a1:b2:c3#4');
  let hours = ledger.rows(LEDGER_START).length;
  return () => {
    const start = LEDGER_START + hours * HOUR;
    ledger.apply([
      { start, end: start + HALF, values: { sum_energy_elec: 100 }, total: 100 },
      { start: start + HALF, end: start + HOUR, values: { sum_energy_elec: 100 }, total: 100 },
    ]);
    store.save(ledger);
    hours += 1;
    return hours;
  };
}

function main(): void {
  const [kind, dir, run] = process.argv.slice(2);
  if ((kind !== 'memory' && kind !== 'ledger') || !dir || !run) throw new Error('usage: state-writer <memory|ledger> <dir> <run>');
  const write = kind === 'memory' ? memoryWriter(dir, Number(run)) : ledgerWriter(dir);
  fs.writeSync(1, 'ready\n');
  for (;;) fs.writeSync(1, `saved ${write()}\n`);
}

// Run only as the child process (the test imports the constants above).
if (require.main === module) {
  try {
    main();
  } catch (err: unknown) {
    fs.writeSync(2, `state-writer: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  }
}
