// The `homeassistant` format's statistics: measure payloads in, import commands out, a ledger per
// statistic on disk, and the baseline loop for a statistic whose ledger is missing (ask Home
// Assistant what it holds, wait for the answer, then carry on from its sum). No timers and no
// messages here: HomeAssistantExporter (homeassistant-exporter.ts) wraps it for the node.
//
// A cost statistic holds one currency: Home Assistant keeps one unit per statistic, and a sum of
// euros and francs means nothing. Costs in another currency than the one `<id>_cost` was started
// in go to `<id>_cost_<currency>` (`…_cost_chf`), with one warning naming both: the Energy
// dashboard keeps the old costs, and the user picks the new statistic there. See ha-costs.ts.
import {
  baselineRequest,
  costMetadataFor,
  costStatisticId,
  importCommands,
  metadataFor,
  parseBaselineAnswer,
  statisticIdFor,
  sumBefore,
  ROWS_PER_MESSAGE,
  type HaRow,
  type ImportStatisticsCommand,
  type StatisticsDuringPeriodCommand,
} from './ha-statistics';
import { HourLedger, ENERGY_PER_UNIT, type HourRow } from './hour-ledger';
import { COST_PER_UNIT, costIdIn, costPayload } from './ha-costs';
import type { LedgerClaims } from './ledger-registry';
import type { LedgerStore } from './ledger-store';
import { ExportProblem, HOUR, type MeasurePayload } from './types';

export interface HaLedgersOptions {
  source: string;
  /** The object id to use instead of the ecocounter's id and line index ('' for none). */
  statisticIdOverride: string;
  store: LedgerStore;
  /** This node's hold on the runtime's ledgers: a statistic another node exports is refused. */
  claims: LedgerClaims;
  /** Ask Home Assistant for the sum to continue from when a statistic has no ledger. */
  askBaseline: boolean;
  rowsPerMessage?: number;
}

export interface BaselineAsk {
  statisticId: string;
  /** The first hour about to be sent: Home Assistant's sum before it is wanted. */
  from: number;
  command: StatisticsDuringPeriodCommand;
}

export interface HaOutcome {
  commands: ImportStatisticsCommand[];
  /** A read to send to Home Assistant, its answer to be wired back into the node. */
  asks: BaselineAsk[];
  /** Rows sent and the last hour among them. */
  rows: number;
  lastHour: number | null;
  /** Statistics waiting for Home Assistant's answer. */
  waiting: string[];
  /** Things the user should know (a corrupt ledger, a baseline given up). */
  warnings: Array<{ key: string; args: Record<string, string> }>;
}

interface Pending {
  from: number;
  name: string;
  queue: MeasurePayload[];
}

function emptyOutcome(): HaOutcome {
  return { commands: [], asks: [], rows: 0, lastHour: null, waiting: [], warnings: [] };
}

export class HaLedgers {
  private readonly ledgers = new Map<string, HourLedger>();
  private readonly pending = new Map<string, Pending>();
  private readonly names = new Map<string, string>();
  /** The currency of each cost statistic (its unit). */
  private readonly currencies = new Map<string, string>();
  /** The cost statistic each energy statistic's costs went to last. */
  private readonly lastCost = new Map<string, string>();

  constructor(private readonly opts: HaLedgersOptions) {}

  /** The statistic id a payload feeds (throws an ExportProblem for a bad override or source). */
  statisticIdOf(payload: MeasurePayload): string {
    return statisticIdFor(this.opts.source, payload.moduleId, this.opts.statisticIdOverride);
  }

  isWaiting(statisticId: string): boolean {
    return this.pending.has(statisticId);
  }

  /**
   * Checks a payload, changing no ledger, and makes this node its statistic's writer (and its cost
   * statistic's): throws the ExportProblem that refuses it (another node's statistic among them).
   * Returns the statistic, and the cost statistic with the payload it takes (null without costs).
   */
  private check(payload: MeasurePayload): { id: string; cost: { id: string; payload: MeasurePayload } | null } {
    if (payload.scale !== '30min' && payload.scale !== '1hour') throw new ExportProblem('scaleTooCoarse', { scale: payload.scale });
    const id = this.statisticIdOf(payload);
    // Before anything is read: a ledger cached here is only good while no other node writes it.
    this.opts.claims.take(id);
    const costs = costPayload(payload);
    const cost = costs === null ? null : { id: this.costTarget(id, costs.currency), payload: costs.payload };
    if (cost !== null) this.opts.claims.take(cost.id);
    const ledger = this.peek(id);
    if (ledger && ledger.moduleId !== payload.moduleId) throw new ExportProblem('statisticTaken', { id, moduleId: ledger.moduleId });
    return { id, cost };
  }

  /** The statistic's ledger, cached or from disk; `perUnit`: what it must count in. */
  private peek(statisticId: string, perUnit?: number): HourLedger | null {
    const found = this.lookUp(statisticId, perUnit);
    return found === 'corrupt' ? null : found;
  }

  /** peek(), saying 'corrupt' when the file on disk cannot be read back. */
  private lookUp(statisticId: string, perUnit = this.perUnit(statisticId)): HourLedger | null | 'corrupt' {
    const cached = this.ledgers.get(statisticId);
    if (cached) return cached;
    const loaded = this.opts.store.load(statisticId);
    if (loaded instanceof HourLedger) {
      // A cost ledger of thousandths from before (it names no currency) counts millionths from now on.
      loaded.rescale(loaded.unit !== undefined ? COST_PER_UNIT : perUnit);
      this.ledgers.set(statisticId, loaded);
    }
    return loaded;
  }

  /** The values per unit a statistic's ledger holds: millionths of the currency for a cost statistic. */
  private perUnit(statisticId: string): number {
    return this.currencies.has(statisticId) ? COST_PER_UNIT : ENERGY_PER_UNIT;
  }

  /**
   * The cost statistic for `currency` of the energy statistic `id`: `<id>_cost` while it is new or
   * in that currency (one from before that said none takes it), else `<id>_cost_<currency>`.
   */
  private costTarget(id: string, currency: string): string {
    const base = costStatisticId(id);
    const target = this.currencyOf(base, currency) === currency ? base : costIdIn(base, currency);
    this.currencies.set(target, currency);
    return target;
  }

  /** The currency a cost statistic holds; `fresh` is taken as its currency when it has none yet. */
  private currencyOf(costId: string, fresh: string): string {
    const known = this.currencies.get(costId);
    if (known !== undefined) return known;
    const ledger = this.peek(costId, COST_PER_UNIT);
    if (ledger === null) return fresh;
    const unit = ledger.unit ?? fresh;
    ledger.setUnit(unit);
    this.currencies.set(costId, unit);
    return unit;
  }

  /** A measure payload: the commands for the hours it changed, or a baseline read to ask first. */
  handle(payload: MeasurePayload): HaOutcome {
    const { id, cost } = this.check(payload);
    const out = emptyOutcome();
    this.names.set(id, payload.name);
    this.process(id, payload, out);
    // The cost statistic follows its energy one, with the same hourly rules (and baseline loop).
    if (cost !== null) {
      this.names.set(cost.id, payload.name);
      this.noteCurrencyChange(id, cost.id, out);
      this.process(cost.id, cost.payload, out);
    }
    return out;
  }

  /**
   * Says when an energy statistic's costs move to another cost statistic (another currency): when
   * they went elsewhere before in this run, or, after a restart, when the statistic is a new one.
   */
  private noteCurrencyChange(id: string, costId: string, out: HaOutcome): void {
    const before = this.lastCost.get(id) ?? (this.peek(costId) === null && !this.pending.has(costId) ? costStatisticId(id) : costId);
    this.lastCost.set(id, costId);
    if (before === costId) return;
    const from = this.currencies.get(before) ?? this.peek(before)?.unit;
    const to = this.currencies.get(costId) ?? '';
    if (from === undefined || from === to) return;
    out.warnings.push({ key: 'costCurrencyChanged', args: { id: before, from, to, newId: costId } });
  }

  private process(id: string, payload: MeasurePayload, out: HaOutcome): void {
    const waiting = this.pending.get(id);
    if (waiting) {
      waiting.queue.push(payload);
      out.waiting.push(id);
      return;
    }
    const known = payload.points.find((p) => p.total !== null);
    const firstHour = known !== undefined ? known.start - (known.start % HOUR) : null;
    const found = this.lookUp(id);
    if (found === 'corrupt') out.warnings.push({ key: 'ledgerCorrupt', args: { id } });
    let ledger = found === 'corrupt' ? null : found;
    if (firstHour === null) return;
    const older = ledger !== null && ledger.baseFromHa && ledger.first !== null && firstHour < ledger.first;
    if (this.opts.askBaseline && (ledger === null || older)) {
      this.pending.set(id, { from: firstHour, name: payload.name, queue: [payload] });
      out.asks.push({ statisticId: id, from: firstHour, command: baselineRequest(id, firstHour) });
      out.waiting.push(id);
      return;
    }
    if (!ledger) {
      ledger = this.createLedger(id, payload.moduleId);
      this.ledgers.set(id, ledger);
    }
    const changed = ledger.apply(payload.points);
    this.save(ledger, out);
    if (changed.length === 0) return;
    this.emit(id, ledger.rows(changed[0]), out);
  }

  private createLedger(id: string, moduleId: string): HourLedger {
    const currency = this.currencies.get(id);
    return HourLedger.create(id, moduleId, currency === undefined ? undefined : { unit: currency, perUnit: COST_PER_UNIT });
  }

  /**
   * A disk that refuses the ledger (full, read-only) must not stop the rows: the ledger in memory
   * has the hours, the next save writes it whole, and Home Assistant imports an hour again
   * without adding it twice. Not sending them would lose them: the measure node sends a bucket
   * once.
   */
  private save(ledger: HourLedger, out: HaOutcome): void {
    try {
      this.opts.store.save(ledger);
    } catch (err) {
      const code = (err as { code?: unknown } | null)?.code;
      out.warnings.push({
        key: 'ledgerNotSaved',
        args: { id: ledger.statisticId, code: typeof code === 'string' ? code : String((err as Error)?.message ?? err) },
      });
    }
  }

  private emit(id: string, rows: HourRow[], out: HaOutcome): void {
    if (rows.length === 0) return;
    const currency = this.currencies.get(id);
    const name = this.names.get(id) ?? id;
    const metadata = currency === undefined ? metadataFor(this.opts.source, id, name) : costMetadataFor(this.opts.source, id, name, currency);
    out.commands.push(...importCommands(metadata, rows, this.opts.rowsPerMessage ?? ROWS_PER_MESSAGE, this.perUnit(id)));
    out.rows += rows.length;
    const last = rows[rows.length - 1].start;
    out.lastHour = out.lastHour === null ? last : Math.max(out.lastHour, last);
  }

  /**
   * Home Assistant's answer to a baseline read (the `result` of statistics_during_period): the
   * sum to continue from, its rows for hours the ledger lacks, then every queued payload; sends
   * each hour from the first one asked on whose state or sum differs from what it holds.
   */
  answer(statisticId: string, result: unknown): HaOutcome {
    const out = emptyOutcome();
    const waiting = this.pending.get(statisticId);
    if (!waiting) return out;
    const rows = parseBaselineAnswer(result, statisticId, this.perUnit(statisticId));
    this.settle(statisticId, waiting, rows, out);
    return out;
  }

  /** No answer in time: carry on as a new statistic (sum from 0), with a warning. */
  giveUp(statisticId: string): HaOutcome {
    const out = emptyOutcome();
    const waiting = this.pending.get(statisticId);
    if (!waiting) return out;
    out.warnings.push({ key: 'baselineTimeout', args: { id: statisticId } });
    this.settle(statisticId, waiting, null, out);
    return out;
  }

  private settle(statisticId: string, waiting: Pending, haRows: HaRow[] | null, out: HaOutcome): void {
    this.pending.delete(statisticId);
    const first = waiting.queue[0];
    let ledger = this.peek(statisticId);
    if (!ledger) {
      ledger = this.createLedger(statisticId, first.moduleId);
      this.ledgers.set(statisticId, ledger);
    }
    const from = Math.min(waiting.from, ledger.first ?? waiting.from);
    if (haRows) {
      const base = sumBefore(haRows, from);
      // The base is the sum before the ledger's first hour: make `from` that hour.
      ledger.extendTo(from);
      for (const r of haRows) if (r.start >= from && r.state !== null && ledger.stateAt(r.start) === undefined) ledger.adopt(r.start, r.state);
      ledger.setBase(base.sum, base.fromHa);
    } else if (ledger.first === null) {
      ledger.setBase(0, false);
    }
    for (const payload of waiting.queue) ledger.apply(payload.points);
    this.save(ledger, out);
    const held = new Map((haRows ?? []).map((r) => [r.start, r]));
    const toSend = ledger.rows(from).filter((r) => {
      const ha = held.get(r.start);
      return !ha || ha.sum !== Math.round(r.sum) || (ha.state !== null && ha.state !== Math.round(r.state));
    });
    this.emit(statisticId, toSend, out);
  }
}
