// What one `econetatmo-measure` node does, apart from Node-RED. The controller puts the parts
// together and routes the work: an input is a read of the window (in the node's queue,
// queue.ts) or a backfill (backfills.ts); the node's own timer is a fixed interval
// (fixed-trigger.ts) or `auto` (auto-trigger.ts); a timer read's failure is reported once and
// spaces the reads out (failures.ts); each step ends in a status value (status.ts) the node
// shows. measure.ts only maps Node-RED's events to it; tested with the virtual clock and a
// scripted account (test/unit/measure/controller.test.ts).
import { isNetatmoError } from '../netatmo/errors';
import { isLocalScale, planRequests } from '../netatmo/measure-plan';
import type { MeasureQuery } from '../netatmo/types';
import type { Clock } from '../lib/clock';
import { SingleTimer } from '../lib/timer';
import { AutoPoller, isAutoInterval, observeRead, savedUploads } from './auto-trigger';
import { backfillReport } from './backfill-status';
import { Backfills, rangeOutputOf } from './backfills';
import { RepeatedFailures } from './failures';
import { FixedTrigger } from './fixed-trigger';
import { intervalMs, planRead, resolveRead, type Checked, type InputPlan, type InputProblem, type MeasureSettings, type ReadPlan } from './input';
import { BACKFILL_PAGES, FIRST_READ_DELAY_MS, UNRESOLVED_RETRY_MS } from './policy';
import {
  cloudNow,
  lineFacts,
  type BackfillStore,
  type LineFacts,
  type MeasureOutput,
  type MeasureServices,
  type MeasureSource,
  type Message,
  type SendFn,
} from './ports';
import { ReadQueue } from './queue';
import { MeasureReader, type EmitMode } from './reader';
import { failedStatus, plannedStatus, problemStatus, readingStatus, readProgress, readStatus, type StatusValue, type Wording } from './status';
import { trackerStore, type NodeMemory } from './store';
import { PayloadPricer, PriceMemory } from './costs';
import { utcText } from './backfill-status';

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
  clock: () => Clock;
  account: MeasureSource;
  services: MeasureServices;
  /** The node's memory file: what it sent, the uploads it learnt. */
  memory: NodeMemory;
  backfillStore: BackfillStore;
  /** Texts of `econetatmo-measure` and failures, in the user's language. */
  wording: Wording;
  output: MeasureOutput;
  /** A fresh id (the `parts` of a backfill sent in parts). */
  newId(): string;
}

export class MeasureController {
  private readonly abort = new AbortController();
  private readonly queue = new ReadQueue();
  /** The timer reads' failures (an input's failure answers its message instead). */
  private readonly failures = new RepeatedFailures();
  private readonly lines: LineFacts;
  private readonly reader: MeasureReader;
  private readonly backfills: Backfills;
  private trigger: { stop(): void } | null = null;
  /** An `auto` node asking the account's lines again for its module's device (see start). */
  private readonly unresolved: SingleTimer;
  private closed = false;
  /** The status of the last read, while it succeeded (`auto` adds when the next one is planned). */
  private lastRead: StatusValue | null = null;
  /** The home's zone the last read told (statuses read on its clock). */
  private lastZone: string | null = null;
  /** A timer read's failure not reported yet: an input queued behind it may say the same. */
  private heldFailure: string | null = null;

  constructor(
    private readonly host: MeasureHost,
    private readonly config: MeasureConfig,
  ) {
    const emit: EmitMode = config.emit === 'all' ? 'all' : 'changes';
    const now = (): number => this.now();
    this.lines = lineFacts(host.services.lines);
    this.unresolved = new SingleTimer(host.clock);
    const services = host.services;
    const pricer = services.pricesOf
      ? new PayloadPricer(new PriceMemory(host.memory), { pricesOf: (id, signal) => services.pricesOf!(id, signal) }, (from, since) =>
          host.wording.t('warnings.todaysPrices', { date: utcText(from), since: utcText(since) }),
        )
      : undefined;
    this.reader = new MeasureReader(host.account, trackerStore(host.memory, now), this.lines, emit, pricer);
    this.backfills = new Backfills({
      nodeId: host.nodeId,
      account: host.account,
      store: host.backfillStore,
      share: host.services.share,
      clock: host.clock,
      signal: this.abort.signal,
      lines: this.lines,
      report: backfillReport(host.wording, host.output, now),
      send: (msg) => host.output.send(msg),
      remember: (s, buckets) => this.reader.remember(s.range, buckets),
      newId: () => host.newId(),
      pricer,
    });
  }

  /** After deploy: the first automatic read soon, and the backfills an interruption left. */
  start(): void {
    const configured = planRead(this.config, {}, this.now());
    if (!configured.ok) {
      // The automatic reads need a complete configuration; input may still override it.
      const problem = configured.problem;
      this.host.output.status(problemStatus(problem.key === 'noModule' ? this.host.wording.t('status.noLine') : this.problemText(problem), 'ring'));
    } else if (isAutoInterval(this.config.interval)) {
      // The schedule is the module's device's: known once the account's lines say which it is
      // (asked again later while they do not: the cloud may be down at deploy).
      const plan = configured.value;
      const begin = (): void => {
        void this.resolve(plan).then((resolved) => {
          if (this.closed) return;
          if (resolved.ok) {
            this.startAuto(resolved.value);
            return;
          }
          this.host.output.status(problemStatus(this.problemText(resolved.problem), 'ring'));
          this.unresolved.setIn(UNRESOLVED_RETRY_MS, begin);
        });
      };
      begin();
    } else {
      const every = intervalMs(this.config.interval);
      if (every > 0) this.startFixed(configured.value, every);
    }
    // Backfills a redeploy or a restart interrupted go on from their cursor.
    this.backfills.resumeAll();
  }

  /**
   * An input message: a read of the window (queued behind a running one) or a backfill.
   * Resolves once answered; rejects with the Error for Node-RED's `done(err)`.
   */
  async input(msg: Message, send: SendFn): Promise<void> {
    const t = this.host.wording.t;
    // A range is checked and cut on the cloud's clock: a board hours behind would refuse a recent
    // range as "in the future", one hours ahead would let a future one through to the cloud.
    const checked = planRead(this.config, msg, this.cloudNow());
    if (!checked.ok) throw this.refuse(this.problemText(checked.problem));
    // Checked on its own first (a bad input costs no request), then against the account's lines.
    const resolved = await this.resolve(checked.value);
    if (this.closed) return;
    if (!resolved.ok) throw this.refuse(this.problemText(resolved.problem));
    const plan = resolved.value;
    if (plan.range) {
      const output = rangeOutputOf(msg.rangeOutput, this.config.rangeOutput);
      if (output === null) throw this.refuse(t('errors.badRangeOutput', { value: String(msg.rangeOutput).slice(0, 40) }));
      const query: MeasureQuery = { moduleId: plan.moduleId, deviceId: plan.deviceId, types: plan.types, scale: plan.scale, ...plan.range };
      if (plan.consumption !== undefined) query.consumption = plan.consumption;
      // Days, weeks and months are cut in the home's zone: a backfill keeps it with its cursor,
      // and the pages are counted on that calendar.
      if (isLocalScale(plan.scale)) {
        const zone = await this.lines.zoneOf(plan.moduleId, this.abort.signal);
        if (zone !== null) query.timeZone = zone;
      }
      let pages: number;
      try {
        pages = planRequests(query, this.cloudNow()).length;
      } catch (err) {
        this.host.output.status(failedStatus(this.host.wording, err));
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
      await this.queue.run(() => this.read(plan, send, msg));
    } catch (err) {
      const failure = this.described(err);
      this.failures.answered(failure.message);
      // The timer read before it failed the same way: this message says it once for both.
      if (this.heldFailure === failure.message) this.heldFailure = null;
      this.reportHeldFailure();
      throw failure;
    }
    this.reportHeldFailure();
  }

  close(removed: boolean): void {
    this.closed = true;
    this.trigger?.stop();
    this.trigger = null;
    this.unresolved.clear();
    // A deleted node's unfinished backfills and memory will never be used again: forget them.
    if (removed) {
      this.host.backfillStore.removeNode(this.host.nodeId);
      this.host.memory.remove();
    }
    this.abort.abort();
  }

  private startFixed(plan: InputPlan, every: number): void {
    const trigger = new FixedTrigger({
      clock: this.host.clock,
      everyMs: every,
      busy: () => this.queue.busy(),
      read: () => this.queue.run(() => this.timerRead(plan)),
      backoffMs: () => this.failures.backoffMs(every),
    });
    this.trigger = trigger;
    trigger.start(FIRST_READ_DELAY_MS);
  }

  private startAuto(plan: ReadPlan): void {
    const schedule = this.host.services.schedules.of(plan.deviceId, savedUploads(this.host.memory));
    const poller = new AutoPoller({
      clock: this.host.clock,
      schedule,
      lineId: plan.moduleId,
      busy: () => this.queue.busy(),
      read: () =>
        void this.queue.run(() =>
          this.timerRead(plan).finally(() => {
            const advice = poller.readDone(this.failures.backoffMs(schedule.options.fallbackMs));
            if (advice && this.lastRead !== null) this.host.output.status(plannedStatus(this.host.wording.t, this.lastRead, advice, this.now(), this.lastZone));
          }),
        ),
    });
    this.trigger = poller;
    poller.start(FIRST_READ_DELAY_MS);
  }

  /** A read of the node's own timer: a failure is reported once, not on every tick (failures.ts). */
  private async timerRead(input: InputPlan | ReadPlan): Promise<void> {
    try {
      const resolved = await this.resolve(input);
      if (this.closed) return;
      if (!resolved.ok) {
        this.host.output.status(problemStatus(this.problemText(resolved.problem), 'ring'));
        return;
      }
      await this.read(resolved.value, (m) => this.host.output.send(m));
    } catch (err) {
      const text = this.host.wording.describe(err);
      if (!this.failures.failed(text)) return;
      // An input waits behind this read (an inject at deploy, beside the first timer read): if it
      // fails the same way its message reports it, and the log gets it once, not twice.
      if (this.queue.waiting() > 0) this.heldFailure = text;
      else this.host.output.error(text);
    }
  }

  /** A timer failure held for the input behind it, which did not report the same: report it now. */
  private reportHeldFailure(): void {
    if (this.heldFailure === null) return;
    const text = this.heldFailure;
    this.heldFailure = null;
    if (!this.closed) this.host.output.error(text);
  }

  /** One read of the window (or of a short range). `msg`: the message it answers, if any. */
  private async read(plan: ReadPlan, send: SendFn, msg?: Message): Promise<void> {
    if (this.closed) return;
    const t = this.host.wording.t;
    const show = (status: StatusValue): void => this.host.output.status(status);
    show(readingStatus(t));
    try {
      const options = { signal: this.abort.signal, ...readProgress(t, show) };
      const result = await this.reader.read(plan, this.now(), options, msg !== undefined);
      if (this.closed) return;
      this.failures.recovered();
      const now = this.now();
      const newest = result.buckets[result.buckets.length - 1];
      this.lastZone = result.timeZone;
      this.lastRead = readStatus(t, plan.scale, newest ? newest.start : null, result.payload !== null, now, result.timeZone);
      show(this.lastRead);
      if (!plan.range) observeRead(this.host.services.schedules, this.host.memory, plan, result.buckets, result.payload !== null, now);
      if (result.payload) {
        const out: Message = msg ?? {};
        out.topic = result.payload.name;
        out.payload = result.payload;
        send(out);
      }
    } catch (err) {
      if (this.stopped(err)) return;
      this.lastRead = null;
      show(failedStatus(this.host.wording, err));
      throw err;
    }
  }

  /**
   * The Error `input` rejects with: its message is the failure's text in the user's language,
   * which measure.ts hands to `done` as text (see failureText in src/nodes/shared/status-text.ts).
   */
  private described(err: unknown): Error {
    return new Error(this.host.wording.describe(err));
  }

  /**
   * The plan completed from the account's record of the module (its gateway, its model's types):
   * one shared `/api/homesdata` for the account, asked again only for a module it does not know.
   */
  private async resolve(plan: InputPlan | ReadPlan): Promise<Checked<ReadPlan>> {
    const line = await this.host.services.lines.line(plan.moduleId, this.abort.signal);
    return resolveRead({ ...plan, deviceId: plan.deviceId === '' ? null : plan.deviceId }, line);
  }

  /** What an input problem (input.ts) says, in the user's language. */
  private problemText(problem: InputProblem): string {
    return this.host.wording.t(`errors.${problem.key}`, problem.params);
  }

  /** A message the node cannot use: red status, and the Error for `done`. */
  private refuse(text: string): Error {
    this.host.output.status(problemStatus(text));
    return new Error(text);
  }

  /** The node closed, or the failure is its own abort: nothing to report. */
  private stopped(err: unknown): boolean {
    return this.closed || isNetatmoError(err, 'aborted');
  }

  private now(): number {
    return this.host.clock().now();
  }

  private cloudNow(): number {
    return cloudNow(this.host.account, this.now());
  }
}
