// Long ranges (`msg.dateBegin` … `msg.dateEnd`) for econetatmo-measure: read page by page at
// background priority within the account's share of the hour, progress in the status, sent as
// one message or as parts a Join node rebuilds, and resumed after a redeploy or a restart from
// the cursor kept under the user directory. The paging itself is src/netatmo/backfill-runner.ts.
import { join } from 'node:path';
import type { NetatmoAccountApi } from '../netatmo/account-api';
import { isBackfillOutput, newBackfillState, percentDone, type BackfillState, type HistoryVerdict } from '../netatmo/backfill';
import { type BackfillOutput } from '../contract/measure-types';
import type { BackgroundShare } from '../netatmo/backfill-pacer';
import { runBackfill, type BackfillPage } from '../netatmo/backfill-runner';
import type { BackfillFileStore } from '../netatmo/backfill-store';
import { isLocalScale, MAX_ROWS } from '../netatmo/measure-plan';
import type { Bucket, MeasureQuery } from '../netatmo/types';
import type { Clock } from '../lib/clock';
import { measurePayload } from './payload';
import { shorten, type Translate } from '../lib/text';

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

export interface BackfillHost {
  nodeId: string;
  account: NetatmoAccountApi;
  store: BackfillFileStore;
  /** The account's share of the hour for background pages (AccountServices). */
  share: BackgroundShare;
  clock: () => Clock;
  signal: AbortSignal;
  nameOf(moduleId: string, signal?: AbortSignal): Promise<string>;
  /**
   * The line's home time zone (null: none known), for `payload.timezone` of sub-day ranges. A
   * `1day`/`1week`/`1month` range carries the zone it was started with (`query.timeZone`).
   */
  zoneOf(moduleId: string, signal?: AbortSignal): Promise<string | null>;
  /** Texts in the runtime's language. */
  progress(state: BackfillState): void;
  waiting(ms: number): void;
  finished(state: BackfillState, verdict: HistoryVerdict): void;
  failed(err: unknown): void;
  /** A resumed backfill (no message to answer) failed: tell Node-RED (Catch nodes). */
  error(err: unknown): void;
  warning(verdict: HistoryVerdict, state: BackfillState): string | undefined;
  /** Send for a backfill resumed without a message (after a restart). */
  send(msg: Record<string, unknown>): void;
  /** The last page's buckets go through the node's change tracker (no repeat as new later). */
  remember(state: BackfillState, buckets: readonly Bucket[]): void;
  newId(): string;
}

interface Running {
  promise: Promise<void>;
}

type SendFn = (msg: Record<string, unknown>) => void;

/** The asking message's own properties go on every message sent for it (Node-RED's habit). */
function fromTemplate(template: Record<string, unknown>, extra: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...template };
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
  start(query: MeasureQuery, output: BackfillOutput, msg: Record<string, unknown>, send: SendFn): Promise<void> {
    const h = this.host;
    const fresh = newBackfillState({
      nodeId: h.nodeId,
      query,
      output,
      partsId: h.newId(),
      now: h.clock().now(),
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
        if (!this.host.signal.aborted) this.host.error(err);
      });
    }
  }

  private run(state: BackfillState, outerParts: unknown, template: Record<string, unknown>, send: SendFn): Promise<void> {
    const promise = this.execute(state, outerParts, template, send).finally(() => this.running.delete(state.key));
    this.running.set(state.key, { promise });
    return promise;
  }

  private async execute(state: BackfillState, outerParts: unknown, template: Record<string, unknown>, send: SendFn): Promise<void> {
    const h = this.host;
    const r = state.range;
    h.progress(state);
    const name = await h.nameOf(r.moduleId, h.signal);
    // A local scale's zone is the one its buckets were cut in; a sub-day range tells the home's.
    const timezone = isLocalScale(r.scale) ? (r.timeZone ?? null) : await h.zoneOf(r.moduleId, h.signal);
    // The contract: msg.topic is the line's name, whatever the asking message said.
    const topic = name;
    // A range answers the question asked: `revised` is always empty.
    const payload = (buckets: readonly Bucket[], verdict: HistoryVerdict) =>
      measurePayload(r, { name, timezone }, buckets, [], { historyStart: verdict.historyStart, warning: h.warning(verdict, state) });
    let lastPage: Bucket[] = [];
    try {
      const result = await runBackfill(h.account, h.store, state, {
        now: () => h.clock().now(),
        signal: h.signal,
        share: h.share,
        onWait: (ms) => (ms > 0 ? h.waiting(ms) : h.progress(state)),
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
        onProgress: (s) => h.progress(s),
      });
      if (state.output === 'message') {
        const msg = fromTemplate(template, { topic, payload: payload(result.buckets, result.verdict) });
        if (outerParts !== undefined) msg.parts = outerParts;
        send(msg);
      }
      h.remember(state, lastPage);
      h.store.remove(state);
      h.finished(state, result.verdict);
    } catch (err) {
      if (!h.signal.aborted) h.failed(err);
      throw err;
    }
  }
}

export { percentDone };

function dateText(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}

/** The text of `payload.warning`, when there is something to warn about. */
export function historyWarning(t: Translate, verdict: HistoryVerdict, s: BackfillState): string | undefined {
  if (verdict.kind === 'limited') return t('warnings.historyLimited', { scale: s.range.scale, date: dateText(verdict.historyStart) });
  if (verdict.kind === 'empty' && s.next >= s.pages) return t('warnings.noData');
  return undefined;
}

/** The status once a backfill is done: yellow when the cloud had less than asked for. */
export function finishedStatus(
  t: Translate,
  s: BackfillState,
  verdict: HistoryVerdict,
  time: string,
): { fill: 'green' | 'yellow'; shape: 'dot' | 'ring'; text: string } {
  if (verdict.kind === 'limited') {
    const text = t('status.backfillLimited', { date: dateText(verdict.historyStart), scale: s.range.scale });
    return { fill: 'yellow', shape: 'dot', text: shorten(text) };
  }
  if (verdict.kind === 'empty') return { fill: 'yellow', shape: 'ring', text: t('status.backfillEmpty', { time }) };
  return { fill: 'green', shape: 'dot', text: t('status.backfillDone', { count: String(s.buckets), time }) };
}
