// Long ranges (`msg.dateBegin` … `msg.dateEnd`) for econetatmo-measure: read page by page at
// background priority within the account's share of the hour, progress in the status, sent as
// one message or as parts a Join node rebuilds, and resumed after a redeploy or a restart from
// the cursor kept under the user directory. The paging itself is src/netatmo/backfill-runner.ts.
import { join } from 'node:path';
import { isBackfillOutput, newBackfillState, type BackfillState, type HistoryVerdict } from '../netatmo/backfill';
import { type BackfillOutput } from '../contract/measure-types';
import type { BackgroundShare } from '../netatmo/backfill-pacer';
import { runBackfill, type BackfillPage } from '../netatmo/backfill-runner';
import { isLocalScale, MAX_ROWS } from '../netatmo/measure-plan';
import type { Bucket, MeasureQuery } from '../netatmo/types';
import type { Clock } from '../lib/clock';
import { measurePayload } from './payload';
import { cloudNow, type BackfillStore, type LineFacts, type MeasureSource, type Message, type SendFn } from './ports';
import type { PayloadPricer } from './costs';

export function backfillDir(stateDir: string): string {
  return join(stateDir, 'backfill');
}

/**
 * `msg.rangeOutput` when given (null when it is not a known output), else the node's
 * `rangeOutput`, else one message.
 */
export function rangeOutputOf(fromMsg: unknown, fromConfig: unknown): BackfillOutput | null {
  if (fromMsg !== undefined && fromMsg !== null) return isBackfillOutput(fromMsg) ? fromMsg : null;
  return fromConfig === 'parts' ? 'parts' : 'message';
}

export interface BackfillMessageParts {
  id: string;
  index: number;
  count: number;
  type: 'array';
  property: 'payload.points';
  len: number;
  parts?: unknown;
}

/** What a backfill tells the user as it goes, in their language (backfill-status.ts). */
export interface BackfillReport {
  progress(state: BackfillState): void;
  waiting(ms: number): void;
  finished(state: BackfillState, verdict: HistoryVerdict): void;
  failed(err: unknown): void;
  /** A resumed backfill (no message to answer) failed: tell Node-RED (Catch nodes). */
  error(err: unknown): void;
  /** The text of `payload.warning`, when the cloud had less than asked for. */
  warning(verdict: HistoryVerdict, state: BackfillState): string | undefined;
}

export interface BackfillHost {
  nodeId: string;
  account: MeasureSource;
  store: BackfillStore;
  /** The account's share of the hour for background pages. */
  share: BackgroundShare;
  clock: () => Clock;
  signal: AbortSignal;
  /**
   * The line's name, and its home time zone for `payload.timezone` of sub-day ranges. A
   * `1day`/`1week`/`1month` range carries the zone it was started with (`query.timeZone`).
   */
  lines: LineFacts;
  report: BackfillReport;
  /** Send for a backfill resumed without a message (after a restart). */
  send(msg: Message): void;
  /** The last page's buckets go through the node's change tracker (no repeat as new later). */
  remember(state: BackfillState, buckets: readonly Bucket[]): void;
  newId(): string;
  /** Costs of the points (absent: none); a range prices what was never priced with today's prices. */
  pricer?: PayloadPricer;
}

interface Running {
  promise: Promise<void>;
}

/** The asking message's own properties go on every message sent for it (Node-RED's habit). */
function fromTemplate(template: Message, extra: Message): Message {
  const copy: Message = { ...template };
  for (const key of ['payload', 'parts', 'dateBegin', 'dateEnd', 'rangeOutput', '_msgid']) delete copy[key];
  return { ...copy, ...extra };
}

export class Backfills {
  private readonly running = new Map<string, Running>();

  constructor(private readonly host: BackfillHost) {}

  /**
   * Start (or continue) the backfill of `query`. Resolves when its last message is sent;
   * rejects with the error that stopped it (its cursor stays on disk). A `1day`/`1week`/`1month`
   * query carries the home's zone in `timeZone` (the controller fills it); a resumed backfill
   * keeps the zone it was started with.
   */
  start(query: MeasureQuery, output: BackfillOutput, msg: Message, send: SendFn): Promise<void> {
    const h = this.host;
    const fresh = newBackfillState({
      nodeId: h.nodeId,
      query,
      output,
      partsId: h.newId(),
      // "Until now" is until the cloud's now: a board hours behind would cut the range short.
      now: cloudNow(h.account, h.clock().now()),
      topic: typeof msg.topic === 'string' ? msg.topic : undefined,
    });
    const running = this.running.get(fresh.key);
    if (running) return running.promise; // the same range is already on its way
    const saved = h.store.list(h.nodeId).find((s) => s.key === fresh.key && s.output === output);
    return this.run(saved ?? fresh, msg.parts, msg, send);
  }

  /** Continue every backfill of this node a redeploy or a restart interrupted. */
  resumeAll(): void {
    for (const state of this.host.store.list(this.host.nodeId)) {
      if (this.running.has(state.key)) continue;
      this.run(state, undefined, {}, (m) => this.host.send(m)).catch((err: unknown) => {
        if (!this.host.signal.aborted) this.host.report.error(err);
      });
    }
  }

  private run(state: BackfillState, outerParts: unknown, template: Message, send: SendFn): Promise<void> {
    const promise = this.execute(state, outerParts, template, send).finally(() => this.running.delete(state.key));
    this.running.set(state.key, { promise });
    return promise;
  }

  private async execute(state: BackfillState, outerParts: unknown, template: Message, send: SendFn): Promise<void> {
    const h = this.host;
    const r = state.range;
    const report = h.report;
    report.progress(state);
    const name = await h.lines.nameOf(r.moduleId, h.signal);
    // A local scale's zone is the one its buckets were cut in; a sub-day range tells the home's.
    const timezone = isLocalScale(r.scale) ? (r.timeZone ?? null) : await h.lines.zoneOf(r.moduleId, h.signal);
    // The contract: msg.topic is the line's name, whatever the asking message said.
    const topic = name;
    // A range answers the question asked: `revised` is always empty.
    const prices = h.pricer ? await h.pricer.current(r.moduleId, h.signal) : null;
    const payload = (buckets: readonly Bucket[], verdict: HistoryVerdict) => {
      const p = measurePayload(r, { name, timezone }, buckets, [], { historyStart: verdict.historyStart, warning: report.warning(verdict, state) });
      h.pricer?.apply(p, prices, h.clock().now(), true);
      return p;
    };
    let lastPage: Bucket[] = [];
    try {
      const result = await runBackfill(h.account, h.store, state, {
        now: () => h.clock().now(),
        signal: h.signal,
        share: h.share,
        onWait: (ms) => (ms > 0 ? report.waiting(ms) : report.progress(state)),
        onPage: (page: BackfillPage) => {
          if (page.last) lastPage = page.buckets;
          if (state.output !== 'parts') return;
          const parts: BackfillMessageParts = {
            id: state.partsId,
            index: page.index,
            count: state.pages,
            type: 'array',
            property: 'payload.points',
            len: MAX_ROWS,
          };
          if (outerParts !== undefined) parts.parts = outerParts;
          send(fromTemplate(template, { topic, payload: payload(page.buckets, page.verdict), parts }));
        },
        onProgress: (s) => report.progress(s),
      });
      if (state.output === 'message') {
        const msg = fromTemplate(template, { topic, payload: payload(result.buckets, result.verdict) });
        if (outerParts !== undefined) msg.parts = outerParts;
        send(msg);
      }
      h.remember(state, lastPage);
      h.store.remove(state);
      report.finished(state, result.verdict);
    } catch (err) {
      if (!h.signal.aborted) report.failed(err);
      throw err;
    }
  }
}
