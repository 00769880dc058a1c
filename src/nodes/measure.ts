// `econetatmo-measure`: read a line's energy buckets on input and on a timer, and send what
// is new or revised. A thin adapter: the reading is MeasureReader's, the checking of input
// planRead's; here are Node-RED's messages, statuses, timers and the one-read-at-a-time rule.
import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from 'node-red';
import { isNetatmoError } from '../netatmo/errors';
import type { Clock, ReadProgress } from '../netatmo/types';
import { isAccountNode } from './account-node';
import { nodeClock } from './clock';
import { FIRST_READ_DELAY_MS, intervalMs, planRead, type MeasureSettings, type ReadPlan } from './measure-input';
import { LineNames } from './measure-lines';
import { MeasureReader, type EmitMode, type ReadResult } from './measure-reader';
import { contextTrackerStore } from './measure-store';
import { asError, errorStatus, localTime, shorten } from './status-text';

interface MeasureDef extends NodeDef, MeasureSettings {
  account: string;
  interval?: number | string;
  emit?: string;
}

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
    const every = intervalMs(config.interval);
    const settings: MeasureSettings = { moduleId: config.moduleId, deviceId: config.deviceId, types: config.types, scale: config.scale };
    const accountNode = RED.nodes.getNode(config.account);
    const controller = new AbortController();
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
    const store = contextTrackerStore(() => node.context(), () => clock().now());
    const reader = new MeasureReader(account, store, (id, signal) => names.nameOf(id, signal), emit);

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
        node.status(
          last
            ? { fill: 'green', shape: 'dot', text: t('status.done', { bucket: localTime(last.start, now), time: localTime(now) }) }
            : { fill: 'green', shape: 'ring', text: t('status.noData', { time: localTime(now) }) },
        );
      },
      failed: (err: unknown) => node.status(errorStatus(err, t('status.reauth'))),
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
        });
        if (closed) {
          done?.();
          return;
        }
        status.done(result);
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
        status.failed(err);
        // A timer read has no message of its own: an empty one lets Catch nodes see the failure.
        if (done) done(asError(err));
        else node.error(asError(err), {});
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
      enqueue(() => perform(checked.value, send, msg, done));
    });

    // The automatic reads need a complete configuration; input may still override it.
    const configured = planRead(settings, {}, clock().now());
    if (!configured.ok) {
      const { key, params } = configured.problem;
      node.status({ fill: 'red', shape: 'ring', text: key === 'noModule' ? t('status.noLine') : shorten(t(`errors.${key}`, params)) });
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

    node.on('close', (_removed: boolean, done: () => void) => {
      closed = true;
      if (timer !== null) timer.clock.clearTimeout(timer.handle);
      timer = null;
      controller.abort();
      done();
    });
  }

  RED.nodes.registerType('econetatmo-measure', MeasureNode);
};
