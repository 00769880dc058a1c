// A SIGKILL in the middle of a measure node's memory write and of an export ledger write (the
// token pair's is in restart.test.ts): each run of a real child process is killed at a random
// moment and the next one carries on from the disk, as a restarted runtime does. The file holds
// the last acknowledged write or the one in flight, never a broken or older one; the ledger's
// hours stay contiguous with their sums (nothing lost, nothing counted twice); temporary files
// do not pile up.
import fs from 'fs';
import path from 'path';
import should from 'should';
import { HourLedger } from '../../src/export/hour-ledger';
import { ledgerFile } from '../../src/export/ledger-store';
import { tempDir } from '../support/temp-dir';
import { killedWriterRun } from './support/killed-writer';
import { LEDGER_ID, LEDGER_START } from './support/state-writer';

const HOUR = 3_600_000;
const RUNS = 15;

/** One run of the writer, killed after a random moment: the last count it acknowledged. */
function killedRun(kind: 'memory' | 'ledger', dir: string, run: number): Promise<number | null> {
  return killedWriterRun(path.join(__dirname, 'support', 'state-writer.js'), [kind, dir, String(run)]);
}

/** The count a file holds (throws on a torn or foreign file). */
function countIn(kind: 'memory' | 'ledger', file: string): number {
  const data: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (kind === 'memory') {
    const v = (data as { v?: { i?: unknown; pad?: unknown } }).v;
    if (typeof v?.i !== 'number' || typeof v.pad !== 'string' || v.pad.length !== 6000) throw new Error('the memory does not hold a whole value');
    return v.i;
  }
  const ledger = HourLedger.restore(data);
  if (!ledger || ledger.statisticId !== LEDGER_ID) throw new Error('the file is not the ledger');
  const rows = ledger.rows(LEDGER_START);
  // Contiguous hours of 200 Wh each, summed once each.
  rows.forEach((r, k) => {
    should(r.start).equal(LEDGER_START + k * HOUR);
    should(r.state).equal(200);
    should(r.sum).equal(200 * (k + 1));
  });
  return rows.length;
}

for (const kind of ['memory', 'ledger'] as const) {
  describe(`SIGKILL during ${kind === 'memory' ? "a measure node's memory" : 'export ledger'} writes`, function () {
    this.timeout(120_000);

    it('leaves the acknowledged write or the one in flight, never less, and the next run carries on from it', async function () {
      const dir = tempDir(`econetatmo-${kind}-kill-`).dir;
      const file = kind === 'memory' ? path.join(dir, 'node.json') : ledgerFile(dir, LEDGER_ID);
      let onDisk = 0;
      let inFlightLanded = 0;
      for (let run = 1; run <= RUNS; run++) {
        const acked = await killedRun(kind, dir, run);
        const held = fs.existsSync(file) ? countIn(kind, file) : 0;
        const floor = acked ?? onDisk;
        should(held).be.within(floor, floor + 1, `run ${run}: the file holds ${held}, the last acknowledged write was ${floor}`);
        if (held === floor + 1) inFlightLanded += 1;
        if (held > 0) should(fs.statSync(file).mode & 0o777).equal(0o600);
        const temps = fs.existsSync(path.dirname(file)) ? fs.readdirSync(path.dirname(file)).filter((n) => n.endsWith('.tmp')) : [];
        should(temps.length).be.belowOrEqual(1, `run ${run}: temporary files pile up: ${temps.join(', ')}`);
        onDisk = held;
      }
      should(onDisk).be.above(RUNS);
      process.stdout.write(`      (${RUNS} kills, ${onDisk} writes on disk; ${inFlightLanded} kills landed after a write completed but before its ack)\n`);
    });
  });
}
