// The `homeassistant` format as an exporter: HaLedgers' import commands for the first output, its
// baseline reads for the second (their answers come back in, tagged), and each read's time-out on
// the injected clock: without Home Assistant's answer in time, the statistic starts from 0 with a
// warning. It holds its statistics in the runtime's registry until it closes.
import { checkSource, statisticIdFor } from './ha-statistics';
import { HaLedgers, type HaOutcome } from './ha-ledgers';
import type { LedgerClaims } from './ledger-registry';
import type { LedgerStore } from './ledger-store';
import { baselineTag, parseMeasurePayload } from './measure-message';
import { outcome, type ExportOutcome, type ExportStatus, type Exporter, type ExporterHost } from './exporter';

export interface HomeAssistantSettings {
  source: string;
  /** The object id to use instead of the ecocounter's id and line index ('' for none). */
  statisticIdOverride: string;
  /** How long to wait for Home Assistant's answer to a baseline read; 0: never ask. */
  baselineTimeoutMs: number;
}

function statusOf(out: HaOutcome): ExportStatus {
  if (out.rows > 0 && out.lastHour !== null) return { kind: 'haSent', rows: out.rows, messages: out.commands.length, lastHour: out.lastHour };
  return out.waiting.length > 0 ? { kind: 'waiting' } : { kind: 'nothingNew' };
}

export class HomeAssistantExporter implements Exporter {
  private readonly ledgers: HaLedgers;
  /** The time-out of each statistic's baseline read. */
  private readonly timers = new Map<string, unknown>();
  private closed = false;

  constructor(
    private readonly settings: HomeAssistantSettings,
    private readonly host: ExporterHost,
    store: LedgerStore,
    private readonly claims: LedgerClaims,
  ) {
    // Wrong whatever line comes in: refused at once.
    checkSource(settings.source);
    if (settings.statisticIdOverride.trim() !== '') statisticIdFor(settings.source, '00:00:00:00:00:00#0', settings.statisticIdOverride);
    this.ledgers = new HaLedgers({
      source: settings.source,
      statisticIdOverride: settings.statisticIdOverride,
      store,
      claims,
      askBaseline: settings.baselineTimeoutMs > 0,
    });
  }

  accept(msg: Readonly<Record<string, unknown>>): ExportOutcome {
    const tag = baselineTag(msg);
    if (tag === null) return this.messages(this.ledgers.handle(parseMeasurePayload(msg.payload)));
    // An answer after the time-out (or to another node's read) changes nothing.
    if (!this.ledgers.isWaiting(tag.statisticId)) return outcome(null);
    const out = this.ledgers.answer(tag.statisticId, msg.payload);
    this.stopTimer(tag.statisticId);
    return this.messages(out);
  }

  close(): void {
    this.closed = true;
    for (const id of [...this.timers.keys()]) this.stopTimer(id);
    this.claims.release();
  }

  private messages(out: HaOutcome): ExportOutcome {
    for (const ask of out.asks) this.startTimer(ask.statisticId);
    return {
      store: out.commands.map((c) => ({ topic: c.metadata.statistic_id, payload: c })),
      asks: out.asks.map((a) => ({ topic: a.statisticId, payload: a.command, econetatmoBaseline: { statisticId: a.statisticId, from: a.from } })),
      status: statusOf(out),
      warnings: out.warnings,
    };
  }

  private startTimer(statisticId: string): void {
    this.stopTimer(statisticId);
    const handle = this.host.clock.setTimeout(() => {
      this.timers.delete(statisticId);
      if (this.closed) return;
      try {
        this.host.later(this.messages(this.ledgers.giveUp(statisticId)));
      } catch (err) {
        this.host.failed(err);
      }
    }, this.settings.baselineTimeoutMs);
    this.timers.set(statisticId, handle);
  }

  private stopTimer(statisticId: string): void {
    const handle = this.timers.get(statisticId);
    if (handle !== undefined) this.host.clock.clearTimeout(handle);
    this.timers.delete(statisticId);
  }
}
