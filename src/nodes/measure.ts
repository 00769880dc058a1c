// `econetatmo-measure`: read a line's energy buckets on input and on a timer, and send what
// is new or revised. A thin adapter: the reading is MeasureReader's, the checking of input
// planRead's; here are Node-RED's messages, statuses, timers and the one-read-at-a-time rule.
// Long ranges go to the backfills (measure-backfill.ts), `interval: auto` to the auto poller
// (measure-auto.ts); neither blocks the node's regular reads.
import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from 'node-red';
import { isNetatmoError } from '../netatmo/errors';
import type { BackfillState, HistoryVerdict } from '../netatmo/backfill';
import { BackfillFileStore } from '../netatmo/backfill-store';
import { BACKGROUND_PAGES } from '../netatmo/measures';
import { planRequests } from '../netatmo/measure-plan';
import type { Clock, MeasureQuery, ReadProgress } from '../netatmo/types';
import { tokenDirFor } from './account-config';
import { isAccountNode } from './account-node';
import { nodeClock } from './clock';
import { FIRST_READ_DELAY_MS, intervalMs, planRead, type MeasureSettings, type ReadPlan } from './measure-input';
import { LineNames } from './measure-lines';
import { MeasureReader, type EmitMode, type ReadResult } from './measure-reader';
import { FileMemory, memoryDir, memoryFile, trackerStore } from './measure-store';
import { AutoPoller, deviceSchedule, isAutoInterval, observation } from './measure-auto';
import type { ReadAdvice } from '../netatmo/device-schedule';
import { backfillDir, backgroundShare, Backfills, finishedStatus, historyWarning, percentDone, rangeOutputOf } from './measure-backfill';
import { errorDescriber } from './error-texts';
import { asError, errorStatus, localTime, shorten } from './status-text';

interface MeasureDef extends NodeDef, MeasureSettings {
  account: string;
  interval?: number | string;
  emit?: string;
  /** How a long range is sent: `message` (default) or `parts`. */
  rangeOutput?: string;
}

/** Where a node keeps the learnt upload schedule of its ecocounter (survives a redeploy). */
const UPLOADS_KEY = 'econetatmoUploads';

type Send = (msg: NodeMessage | Array<NodeMessage | NodeMessage[] | null>) => void;
type Done = (err?: Error) => void;

export = function (RED: NodeAPI): void {
  /** A runtime text; falls back to the key and its parameters when no catalogue answers. */
  function t(key: string, params: Record<string, string> = {}): string {
    const full = `econetatmo-measure.${key}`;
    const text = RED._(full, params);
    if (text !== full) return text;
    const detail = Object.entries(params).map(([k, v]) => `${k}=${v}`).join(', ');
    return detail ? `${full} (${detail})` : full;
  }

  function MeasureNode(this: Node, config: MeasureDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const clock = nodeClock;
    const emit: EmitMode = config.emit === 'all' ? 'all' : 'changes';
    const auto = isAutoInterval(config.interval);
    const every = auto ? 0 : intervalMs(config.interval);
    const settings: MeasureSettings = { moduleId: config.moduleId, deviceId: config.deviceId, types: config.types, scale: config.scale };
    const accountNode = RED.nodes.getNode(config.account);
    const controller = new AbortController();
    const describe = errorDescriber(RED);
    let closed = false;
    let timer: { clock: Clock; handle: unknown } | null = null;
    let busy = 0;
    let tail: Promise<void> = Promise.resolve();

    if (!isAccountNode(accountNode)) {
      node.status({ fill: 'red', shape: 'ring', text: t('status.noAccount') });
      node.on('input', (_msg: NodeMessageInFlow, _send: Send, done: Done) => done(new Error(t('errors.noAccount'))));
      return;
    }
    const account = accountNode.account;
    const names = new LineNames(account, clock);
    const userDir = (RED.settings as { userDir?: unknown }).userDir;
    const memory = new FileMemory(memoryFile(memoryDir(tokenDirFor(userDir)), node.id));
    const store = trackerStore(() => memory, () => clock().now());
    const reader = new MeasureReader(account, store, (id, signal) => names.nameOf(id, signal), emit, (id, signal) => names.zoneOf(id, signal));
    const backfillStore = new BackfillFileStore(backfillDir(tokenDirFor(userDir)));
    let autoPoller: AutoPoller | null = null;

    const backfills = new Backfills({
      nodeId: node.id,
      account,
      store: backfillStore,
      share: backgroundShare(account, clock()),
      clock,
      signal: controller.signal,
      nameOf: (id, signal) => names.nameOf(id, signal),
      zoneOf: (id, signal) => names.zoneOf(id, signal),
      progress: (s: BackfillState) => node.status({ fill: 'blue', shape: 'ring', text: t('status.backfill', { percent: String(percentDone(s)) }) }),
      waiting: (ms: number) =>
        node.status({ fill: 'yellow', shape: 'ring', text: t('status.backfillWaiting', { seconds: String(Math.ceil(ms / 1000)) }) }),
      finished: (s: BackfillState, verdict: HistoryVerdict) => node.status(finishedStatus(t, s, verdict, localTime(clock().now()))),
      failed: (err: unknown) => node.status(errorStatus(err, t('status.reauth'), describe)),
      error: (err: unknown) => node.error(asError(err, describe), {}),
      warning: (verdict: HistoryVerdict, s: BackfillState) => historyWarning(t, verdict, s),
      send: (msg) => node.send(msg),
      remember: (s: BackfillState, buckets) => reader.remember(s.range, buckets),
      newId: () => RED.util.generateId(),
    });

    let lastDone: { fill: 'green'; shape: 'dot' | 'ring'; text: string } | null = null;
    const status = {
      reading: () => node.status({ fill: 'blue', shape: 'ring', text: t('status.reading') }),
      progress: (p: ReadProgress) => {
        if (p.total > 1) node.status({ fill: 'blue', shape: 'ring', text: t('status.readingPages', { done: String(p.done), total: String(p.total) }) });
      },
      waiting: (ms: number) => {
        if (ms <= 0) return;
        node.status({ fill: 'yellow', shape: 'ring', text: t('status.waiting', { seconds: String(Math.ceil(ms / 1000)) }) });
      },
      done: (result: ReadResult) => {
        const now = clock().now();
        const last = result.buckets[result.buckets.length - 1];
        lastDone = last
          ? { fill: 'green', shape: 'dot', text: t('status.done', { bucket: localTime(last.start, now), time: localTime(now) }) }
          : { fill: 'green', shape: 'ring', text: t('status.noData', { time: localTime(now) }) };
        node.status(lastDone);
      },
      /** `auto`: the read's status, and when the next one is planned. */
      planned: (advice: ReadAdvice) => {
        if (lastDone === null) return;
        const text =
          advice.mode === 'learning'
            ? t('status.autoLearning', { text: lastDone.text })
            : t('status.auto', { text: lastDone.text, time: localTime(advice.at, clock().now()) });
        node.status({ ...lastDone, text });
      },
      failed: (err: unknown) => node.status(errorStatus(err, t('status.reauth'), describe)),
    };

    /** One read; `msg` and `done` are absent for the timer's reads. */
    async function perform(plan: ReadPlan, send: Send, msg?: NodeMessageInFlow, done?: Done): Promise<void> {
      if (closed) {
        done?.();
        return;
      }
      busy += 1;
      status.reading();
      let waiting = false;
      let progress: ReadProgress | null = null;
      try {
        const result = await reader.read(plan, clock().now(), {
          signal: controller.signal,
          onWait: (ms) => {
            waiting = ms > 0;
            if (waiting) status.waiting(ms);
            else if (progress && progress.total > 1) status.progress(progress);
            else status.reading();
          },
          onProgress: (p) => {
            progress = p;
            if (!waiting) status.progress(p);
          },
        }, msg !== undefined);
        if (closed) {
          done?.();
          return;
        }
        status.done(result);
        if (!plan.range) {
          const schedule = deviceSchedule(account, plan.deviceId);
          const now = clock().now();
          if (schedule.observe(observation(plan.moduleId, now, plan.scale, result.buckets, result.payload !== null))) {
            try {
              memory.set(UPLOADS_KEY, schedule.learner.toJSON());
            } catch {
              // Without a context the schedule is learnt again after a restart.
            }
          }
        }
        if (result.payload) {
          const out: NodeMessage = msg ?? {};
          out.topic = result.payload.name;
          out.payload = result.payload;
          send(out);
        }
        done?.();
      } catch (err) {
        if (closed || isNetatmoError(err, 'aborted')) {
          done?.();
          return;
        }
        lastDone = null;
        status.failed(err);
        // A timer read has no message of its own: an empty one lets Catch nodes see the failure.
        if (done) done(asError(err, describe));
        else node.error(asError(err, describe), {});
      } finally {
        busy -= 1;
      }
    }

    /** Reads run one after the other: an input during a read waits for it. */
    function enqueue(job: () => Promise<void>): void {
      busy += 1; // counts the queued job too, so the timer skips while anything is pending
      tail = tail.then(async () => {
        busy -= 1;
        await job();
      });
    }

    node.on('input', (msg: NodeMessageInFlow, send: Send, done: Done) => {
      const checked = planRead(settings, msg as unknown as Record<string, unknown>, clock().now());
      if (!checked.ok) {
        const text = t(`errors.${checked.problem.key}`, checked.problem.params);
        node.status({ fill: 'red', shape: 'dot', text: shorten(text) });
        done(new Error(text));
        return;
      }
      const plan = checked.value;
      if (plan.range) {
        const output = rangeOutputOf((msg as { rangeOutput?: unknown }).rangeOutput, config.rangeOutput);
        if (output === null) {
          const text = t('errors.badRangeOutput', { value: String((msg as { rangeOutput?: unknown }).rangeOutput).slice(0, 40) });
          node.status({ fill: 'red', shape: 'dot', text: shorten(text) });
          done(new Error(text));
          return;
        }
        const query: MeasureQuery = { moduleId: plan.moduleId, deviceId: plan.deviceId, types: plan.types, scale: plan.scale, ...plan.range };
        let pages: number;
        try {
          pages = planRequests(query, clock().now()).length;
        } catch (err) {
          node.status(errorStatus(err, t('status.reauth'), describe));
          done(asError(err, describe));
          return;
        }
        // A long range (or one asked as parts) is a backfill: paged at background priority,
        // resumable, and beside the node's regular reads rather than in their queue.
        if (output === 'parts' || pages > BACKGROUND_PAGES) {
          backfills.start(query, output, msg as unknown as Record<string, unknown>, (m) => send(m as NodeMessage)).then(
            () => done(),
            (err: unknown) => (closed || isNetatmoError(err, 'aborted') ? done() : done(asError(err, describe))),
          );
          return;
        }
      }
      enqueue(() => perform(plan, send, msg, done));
    });

    // The automatic reads need a complete configuration; input may still override it.
    const configured = planRead(settings, {}, clock().now());
    if (!configured.ok) {
      const { key, params } = configured.problem;
      node.status({ fill: 'red', shape: 'ring', text: key === 'noModule' ? t('status.noLine') : shorten(t(`errors.${key}`, params)) });
    } else if (auto) {
      const plan = configured.value;
      let saved: unknown;
      try {
        saved = memory.get(UPLOADS_KEY);
      } catch {
        saved = undefined;
      }
      const poller = new AutoPoller({
        clock,
        schedule: deviceSchedule(account, plan.deviceId, saved),
        lineId: plan.moduleId,
        busy: () => busy > 0,
        read: () =>
          enqueue(() =>
            perform(plan, (m) => node.send(m)).finally(() => {
              const advice = poller.readDone();
              if (advice) status.planned(advice);
            }),
          ),
      });
      autoPoller = poller;
      poller.start(FIRST_READ_DELAY_MS);
    } else if (every > 0) {
      const plan = configured.value;
      const schedule = (fn: () => void, ms: number): void => {
        const c = clock();
        timer = { clock: c, handle: c.setTimeout(fn, ms) };
      };
      const tick = (): void => {
        if (closed) return;
        schedule(tick, every);
        if (busy > 0) return; // a read is running or queued: this one would only repeat it
        enqueue(() => perform(plan, (m) => node.send(m)));
      };
      schedule(tick, FIRST_READ_DELAY_MS);
    }

    // Backfills a redeploy or a restart interrupted go on from their cursor.
    backfills.resumeAll();

    node.on('close', (removed: boolean, done: () => void) => {
      closed = true;
      autoPoller?.stop();
      autoPoller = null;
      // A deleted node's unfinished backfills will never resume: forget them.
      if (removed) {
        backfillStore.removeNode(node.id);
        memory.remove();
      }
      if (timer !== null) timer.clock.clearTimeout(timer.handle);
      timer = null;
      controller.abort();
      done();
    });
  }

  RED.nodes.registerType('econetatmo-measure', MeasureNode);
};
