// What one `econetatmo-measure` node does, apart from Node-RED: the queue of reads (one at a
// time), the timers (a fixed interval, or `auto`), the choice between a read and a backfill, the
// node's memory (what it sent, the uploads it learnt) and the status after each step, as plain
// values. measure.ts only maps Node-RED's events to it, so this is where the node changes, and
// it is tested with a fake clock and a scripted account (test/unit/nodes/measure-controller.test.ts).
import type { NetatmoAccountApi } from '../netatmo/account-api';
import type { BackfillState, HistoryVerdict } from '../netatmo/backfill';
import type { BackfillFileStore } from '../netatmo/backfill-store';
import { isNetatmoError } from '../netatmo/errors';
import { isLocalScale, planRequests } from '../netatmo/measure-plan';
import type { Bucket, MeasureQuery, ReadProgress } from '../netatmo/types';
import type { Clock } from '../lib/clock';
import type { AccountServices } from '../account/services';
import { BACKFILL_PAGES, FIRST_READ_DELAY_MS } from './policy';
import { AutoPoller, isAutoInterval, observation } from './auto-trigger';
import { Backfills, finishedStatus, historyWarning, percentDone, rangeOutputOf } from './backfills';
import { intervalMs, planRead, resolveRead, type Checked, type InputPlan, type MeasureSettings, type ReadPlan } from './input';
import { MeasureReader, type EmitMode } from './reader';
import {
  errorStatus,
  pagesStatus,
  plannedStatus,
  problemStatus,
  readingStatus,
  readStatus,
  waitingStatus,
  type DescribeError,
  type StatusValue,
  type Translate,
} from './status';
import { trackerStore, UPLOADS_KEY, type NodeMemory } from './store';
import { localTime } from '../lib/text';

export type Message = Record<string, unknown>;
export type SendFn = (msg: Message) => void;

/** The node's own settings (its editor fields). */
export interface MeasureConfig extends MeasureSettings {
  interval?: unknown;
  emit?: unknown;
  /** How a long range is sent: `message` (default) or `parts`. */
  rangeOutput?: unknown;
}

/** What the controller needs from its node and its account. */
export interface MeasureHost {
  nodeId: string;
  account: NetatmoAccountApi;
  services: AccountServices;
  clock: () => Clock;
  memory: NodeMemory;
  backfillStore: BackfillFileStore;
  /** A runtime text of `econetatmo-measure` (texts.ts). */
  t: Translate;
  describe: DescribeError;
  status(status: StatusValue): void;
  /** Send without a message to answer (the timer's reads, resumed backfills). */
  send(msg: Message): void;
  /**
   * A failure no message asked for, as its text in the user's language: Node-RED's `node.error`
   * (Catch nodes see it; a text, not an Error, see failureText in src/nodes/shared/status-text.ts).
   */
  error(text: string): void;
  newId(): string;
}

/** A timer read failing the same way again is not reported again, and the reads space out up to this. */
export const MAX_FAILURE_BACKOFF_MS = 60 * 60_000;

/** The delay before the next timer read after `count` failures in a row with the same text. */
export function failureBackoffMs(count: number, baseMs: number): number {
  if (count <= 1) return 0;
  return Math.min(baseMs * 2 ** (count - 1), Math.max(baseMs, MAX_FAILURE_BACKOFF_MS));
}

export class MeasureController {
  private readonly abort = new AbortController();
  private readonly reader: MeasureReader;
  private readonly backfills: Backfills;
  private readonly every: number;
  private readonly auto: boolean;
  private closed = false;
  /** Reads queued or running: the timers skip while any is. */
  private pending = 0;
  private tail: Promise<void> = Promise.resolve();
  private timer: { clock: Clock; handle: unknown } | null = null;
  private poller: AutoPoller | null = null;
  private lastRead: StatusValue | null = null;
  /** The timer reads' failure that was reported, and how many times in a row it came. */
  private failure: { text: string; count: number } | null = null;

  constructor(
    private readonly host: MeasureHost,
    private readonly config: MeasureConfig,
  ) {
    const emit: EmitMode = config.emit === 'all' ? 'all' : 'changes';
    this.auto = isAutoInterval(config.interval);
    this.every = this.auto ? 0 : intervalMs(config.interval);
    const store = trackerStore(host.memory, () => host.clock().now());
    const lines = host.services.lines;
    const zoneOf = (id: string, signal?: AbortSignal): Promise<string | null> => this.zoneOf(id, signal);
    this.reader = new MeasureReader(host.account, store, (id, signal) => lines.nameOf(id, signal), emit, zoneOf);
    const t = host.t;
    const now = (): number => host.clock().now();
    this.backfills = new Backfills({
      nodeId: host.nodeId,
      account: host.account,
      store: host.backfillStore,
      share: host.services.share,
      clock: host.clock,
      signal: this.abort.signal,
      nameOf: (id, signal) => lines.nameOf(id, signal),
      zoneOf,
      progress: (s: BackfillState) => host.status({ fill: 'blue', shape: 'ring', text: t('status.backfill', { percent: String(percentDone(s)) }) }),
      waiting: (ms: number) => host.status(waitingStatus(t, ms, 'status.backfillWaiting')),
      finished: (s: BackfillState, verdict: HistoryVerdict) => host.status(finishedStatus(t, s, verdict, localTime(now()))),
      failed: (err: unknown) => host.status(this.failedStatus(err)),
      error: (err: unknown) => host.error(host.describe(err)),
      warning: (verdict: HistoryVerdict, s: BackfillState) => historyWarning(t, verdict, s),
      send: (msg) => host.send(msg),
      remember: (s: BackfillState, buckets) => this.reader.remember(s.range, buckets),
      newId: () => host.newId(),
    });
  }

  /** After deploy: the first automatic read soon, and the backfills an interruption left. */
  start(): void {
    const configured = planRead(this.config, {}, this.now());
    if (!configured.ok) {
      // The automatic reads need a complete configuration; input may still override it.
      const { key, params } = configured.problem;
      this.host.status(problemStatus(key === 'noModule' ? this.host.t('status.noLine') : this.host.t(`errors.${key}`, params), 'ring'));
    } else if (this.auto) {
      // The schedule is the module's device's: known once the account's lines say which it is.
      void this.resolve(configured.value).then((resolved) => {
        if (this.closed) return;
        if (resolved.ok) this.startAuto(resolved.value);
        else this.host.status(problemStatus(this.host.t(`errors.${resolved.problem.key}`, resolved.problem.params), 'ring'));
      });
    } else if (this.every > 0) {
      const plan = configured.value;
      const tick = (): void => {
        if (this.closed) return;
        this.schedule(tick, this.every);
        if (this.pending > 0) return; // a read is running or queued: this one would only repeat it
        void this.enqueue(() => this.timerRead(plan)).then(() => {
          // A failure that repeats spaces the reads out; a success keeps the interval's rhythm.
          const backoff = failureBackoffMs(this.failure?.count ?? 0, this.every);
          if (backoff > 0 && !this.closed) this.schedule(tick, backoff);
        });
      };
      this.schedule(tick, FIRST_READ_DELAY_MS);
    }
    // Backfills a redeploy or a restart interrupted go on from their cursor.
    this.backfills.resumeAll();
  }

  /**
   * An input message: a read of the window (queued behind a running one) or a backfill.
   * Resolves once answered; rejects with the Error for Node-RED's `done(err)`.
   */
  async input(msg: Message, send: SendFn): Promise<void> {
    const checked = planRead(this.config, msg, this.now());
    if (!checked.ok) throw this.refuse(this.host.t(`errors.${checked.problem.key}`, checked.problem.params));
    const resolved = await this.resolve(checked.value);
    if (this.closed) return;
    if (!resolved.ok) throw this.refuse(this.host.t(`errors.${resolved.problem.key}`, resolved.problem.params));
    const plan = resolved.value;
    if (plan.range) {
      const output = rangeOutputOf(msg.rangeOutput, this.config.rangeOutput);
      if (output === null) throw this.refuse(this.host.t('errors.badRangeOutput', { value: String(msg.rangeOutput).slice(0, 40) }));
      const query: MeasureQuery = { moduleId: plan.moduleId, deviceId: plan.deviceId, types: plan.types, scale: plan.scale, ...plan.range };
      if (plan.consumption !== undefined) query.consumption = plan.consumption;
      // Days, weeks and months are cut in the home's zone: a backfill keeps it with its cursor,
      // and the pages are counted on that calendar.
      if (isLocalScale(plan.scale)) {
        const zone = await this.zoneOf(plan.moduleId, this.abort.signal);
        if (zone !== null) query.timeZone = zone;
      }
      let pages: number;
      try {
        pages = planRequests(query, this.now()).length;
      } catch (err) {
        this.host.status(this.failedStatus(err));
        throw this.described(err);
      }
      // A long range (or one asked as parts) is a backfill: paged at background priority,
      // resumable, and beside the node's regular reads rather than in their queue.
      if (output === 'parts' || pages > BACKFILL_PAGES) {
        try {
          await this.backfills.start(query, output, msg, send);
        } catch (err) {
          if (!this.stopped(err)) throw this.described(err);
        }
        return;
      }
    }
    try {
      await this.enqueue(() => this.read(plan, send, msg));
    } catch (err) {
      throw this.described(err);
    }
  }

  close(removed: boolean): void {
    this.closed = true;
    this.poller?.stop();
    this.poller = null;
    // A deleted node's unfinished backfills and memory will never be used again: forget them.
    if (removed) {
      this.host.backfillStore.removeNode(this.host.nodeId);
      this.host.memory.remove();
    }
    if (this.timer !== null) this.timer.clock.clearTimeout(this.timer.handle);
    this.timer = null;
    this.abort.abort();
  }

  private startAuto(plan: ReadPlan): void {
    let saved: unknown;
    try {
      saved = this.host.memory.get(UPLOADS_KEY);
    } catch {
      saved = undefined;
    }
    const schedule = this.host.services.schedules.of(plan.deviceId, saved);
    const poller = new AutoPoller({
      clock: this.host.clock,
      schedule,
      lineId: plan.moduleId,
      busy: () => this.pending > 0,
      read: () =>
        void this.enqueue(() =>
          this.timerRead(plan).finally(() => {
            const advice = poller.readDone(failureBackoffMs(this.failure?.count ?? 0, schedule.options.fallbackMs));
            if (advice && this.lastRead !== null) this.host.status(plannedStatus(this.host.t, this.lastRead, advice, this.now()));
          }),
        ),
    });
    this.poller = poller;
    poller.start(FIRST_READ_DELAY_MS);
  }

  /** Reads run one after the other: an input during a read waits for it. */
  private enqueue(job: () => Promise<void>): Promise<void> {
    this.pending += 1;
    const run = this.tail.then(job).finally(() => {
      this.pending -= 1;
    });
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** A read of the node's own timer: a failure is reported once, not on every tick (see `failure`). */
  private async timerRead(input: InputPlan | ReadPlan): Promise<void> {
    try {
      const resolved = await this.resolve(input);
      if (this.closed) return;
      if (!resolved.ok) {
        this.host.status(problemStatus(this.host.t(`errors.${resolved.problem.key}`, resolved.problem.params), 'ring'));
        return;
      }
      await this.read(resolved.value, (m) => this.host.send(m));
    } catch (err) {
      const text = this.host.describe(err);
      if (this.failure?.text === text) {
        this.failure.count += 1;
        return; // the status is red already; the log has it once
      }
      this.failure = { text, count: 1 };
      this.host.error(text);
    }
  }

  /** One read of the window (or of a short range). `msg`: the message it answers, if any. */
  private async read(plan: ReadPlan, send: SendFn, msg?: Message): Promise<void> {
    if (this.closed) return;
    const host = this.host;
    host.status(readingStatus(host.t));
    let waiting = false;
    let progress: ReadProgress | null = null;
    try {
      const result = await this.reader.read(
        plan,
        this.now(),
        {
          signal: this.abort.signal,
          onWait: (ms) => {
            waiting = ms > 0;
            if (waiting) host.status(waitingStatus(host.t, ms));
            else if (progress && progress.total > 1) host.status(pagesStatus(host.t, progress));
            else host.status(readingStatus(host.t));
          },
          onProgress: (p) => {
            progress = p;
            if (!waiting && p.total > 1) host.status(pagesStatus(host.t, p));
          },
        },
        msg !== undefined,
      );
      if (this.closed) return;
      this.failure = null; // recovered: the next failure is news again
      const now = this.now();
      const newest = result.buckets[result.buckets.length - 1];
      this.lastRead = readStatus(host.t, plan.scale, newest ? newest.start : null, result.payload !== null, now, result.timeZone);
      host.status(this.lastRead);
      if (!plan.range) this.observe(plan, result.buckets, result.payload !== null, now);
      if (result.payload) {
        const out: Message = msg ?? {};
        out.topic = result.payload.name;
        out.payload = result.payload;
        send(out);
      }
    } catch (err) {
      if (this.stopped(err)) return;
      this.lastRead = null;
      host.status(this.failedStatus(err));
      throw err;
    }
  }

  /** Tell the ecocounter's upload schedule what a window read saw; keep what it learnt. */
  private observe(plan: ReadPlan, buckets: readonly Bucket[], changed: boolean, now: number): void {
    const schedule = this.host.services.schedules.of(plan.deviceId);
    if (!schedule.observe(observation(plan.moduleId, now, plan.scale, buckets, changed))) return;
    try {
      this.host.memory.set(UPLOADS_KEY, schedule.learner.toJSON());
    } catch {
      // Without its memory the node learns the schedule again after a restart.
    }
  }

  /**
   * The Error `input` rejects with: its message is the failure's text in the user's language,
   * which measure.ts hands to `done` as text (see failureText in src/nodes/shared/status-text.ts).
   */
  private described(err: unknown): Error {
    return new Error(this.host.describe(err));
  }

  /** A message the node cannot use: red status, and the Error for `done`. */
  private refuse(text: string): Error {
    this.host.status(problemStatus(text));
    return new Error(text);
  }

  /**
   * The plan completed from the account's record of the module (its gateway, its model's types):
   * one shared `/api/homesdata` for the account, asked again only for a module it does not know.
   */
  private async resolve(plan: InputPlan | ReadPlan): Promise<Checked<ReadPlan>> {
    const line = await this.host.services.lines.line(plan.moduleId, this.abort.signal);
    return resolveRead({ ...plan, deviceId: plan.deviceId === '' ? null : plan.deviceId }, line);
  }

  /** The line's home time zone from the account's line directory; null when none is known. */
  private async zoneOf(moduleId: string, signal?: AbortSignal): Promise<string | null> {
    return (await this.host.services.lines.line(moduleId, signal))?.timezone ?? null;
  }

  private failedStatus(err: unknown): StatusValue {
    return errorStatus(err, this.host.t('status.reauth'), this.host.describe);
  }

  /** The node closed, or the failure is its own abort: nothing to report. */
  private stopped(err: unknown): boolean {
    return this.closed || isNetatmoError(err, 'aborted');
  }

  private schedule(fn: () => void, ms: number): void {
    if (this.timer !== null) this.timer.clock.clearTimeout(this.timer.handle);
    const clock = this.host.clock();
    this.timer = { clock, handle: clock.setTimeout(fn, ms) };
  }

  private now(): number {
    return this.host.clock().now();
  }
}
