// Where each statistic's ledger lives: `<userDir>/econetatmo/export/<file name>.json` (safeFileName
// of the statistic id, `econetatmo_kitchen-<digest>.json` for `econetatmo:kitchen`), one file per
// statistic (not per node), so that a node deleted and made again carries on the same sum; one
// node writes it at a time (ledger-registry.ts). Written whole or not at all, owner-only.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writePrivateJsonSync, type PrivateSyncFs } from '../lib/private-file';
import { adoptLegacyFileSync, safeFileName } from '../lib/safe-file-name';
import { HourLedger } from './hour-ledger';

export interface LedgerStore {
  /** The ledger on disk; null when there is none; 'corrupt' when the file cannot be read back. */
  load(statisticId: string): HourLedger | null | 'corrupt';
  save(ledger: HourLedger): void;
}

/** A statistic's ledger file, named by the package's one rule (safeFileName). */
export function ledgerFile(dir: string, statisticId: string): string {
  return join(dir, `${safeFileName(statisticId)}.json`);
}

/** The name an older version gave it (`:` made `.`): read once, then moved. */
function legacyLedgerFile(dir: string, statisticId: string): string {
  return join(dir, `${statisticId.replace(':', '.')}.json`);
}

/** `fs`: tests put a full or read-only disk here. */
export function fileLedgerStore(dir: string, fs?: PrivateSyncFs): LedgerStore {
  // Each save names its file again, and the name costs a digest: kept per statistic.
  const files = new Map<string, string>();
  const fileOf = (statisticId: string): string => {
    let file = files.get(statisticId);
    if (file === undefined) {
      file = ledgerFile(dir, statisticId);
      files.set(statisticId, file);
    }
    return file;
  };
  return {
    load(statisticId) {
      let text: string;
      adoptLegacyFileSync(fileOf(statisticId), legacyLedgerFile(dir, statisticId));
      try {
        text = readFileSync(fileOf(statisticId), 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
        return 'corrupt';
      }
      try {
        const ledger = HourLedger.restore(JSON.parse(text));
        return ledger && ledger.statisticId === statisticId ? ledger : 'corrupt';
      } catch {
        return 'corrupt';
      }
    },
    save(ledger) {
      writePrivateJsonSync(fileOf(ledger.statisticId), ledger.toJSON(), fs);
    },
  };
}

/** For tests and the bench: ledgers kept in memory (as JSON, so that nothing is shared by mistake). */
export function memoryLedgerStore(): LedgerStore & { files: Map<string, string> } {
  const files = new Map<string, string>();
  return {
    files,
    load(statisticId) {
      const text = files.get(statisticId);
      if (text === undefined) return null;
      return HourLedger.restore(JSON.parse(text)) ?? 'corrupt';
    },
    save(ledger) {
      files.set(ledger.statisticId, JSON.stringify(ledger.toJSON()));
    },
  };
}
