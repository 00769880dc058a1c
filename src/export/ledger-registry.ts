// One writer per Home Assistant statistic in the whole runtime. An export node keeps the ledgers
// it writes in memory and saves them whole, so two nodes on one statistic would each save their
// own copy and the last save would win, silently losing the other's hours (or doubling them in
// the sums). Sharing a ledger between nodes would also mean sharing the baseline loop, whose
// answer comes back to one node only; so the first node to export a statistic holds it until it
// closes, and another node's messages for it are refused with a clear error. The key is the
// ledger's file: the statistic id under one user directory.
import { ledgerFile } from './ledger-store';
import { ExportProblem } from './types';

export class LedgerRegistry {
  /** Ledger file -> the node's claims holding it. */
  private readonly holders = new Map<string, LedgerClaims>();

  /** One node's hold on the ledgers under `dir`; `owner` names the node in another's refusal. */
  claimsFor(dir: string, owner: string): LedgerClaims {
    return new LedgerClaims(this.holders, dir, owner);
  }

  /** How many statistics are held (for tests: a closed node holds none). */
  get size(): number {
    return this.holders.size;
  }
}

export class LedgerClaims {
  private readonly held = new Set<string>();
  /** The statistic ids behind `held`: every message takes its statistic again, and the file name costs a digest. */
  private readonly heldIds = new Set<string>();

  constructor(
    private readonly holders: Map<string, LedgerClaims>,
    private readonly dir: string,
    readonly owner: string,
  ) {}

  /** Makes this node the statistic's only writer, or throws the refusal naming the node that is. */
  take(statisticId: string): void {
    // Held since its first take: only release() lets go of it.
    if (this.heldIds.has(statisticId)) return;
    const file = ledgerFile(this.dir, statisticId);
    const holder = this.holders.get(file);
    if (holder === this) return;
    if (holder !== undefined) throw new ExportProblem('statisticInUse', { id: statisticId, owner: holder.owner });
    this.holders.set(file, this);
    this.held.add(file);
    this.heldIds.add(statisticId);
  }

  /** Lets go of every statistic (the node closes: its ledgers are on disk, the next node reads them). */
  release(): void {
    for (const file of this.held) if (this.holders.get(file) === this) this.holders.delete(file);
    this.held.clear();
    this.heldIds.clear();
  }
}
