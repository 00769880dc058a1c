// `econetatmo-export`: a thin adapter from Node-RED to src/export. It checks each message at the
// edge, hands it to the format's logic, sends what comes back and says in its status what went
// out last. For Home Assistant its second output asks for a lost statistic's sum; the answer,
// wired back in, is recognised by `msg.econetatmoBaseline`.
import { join } from 'node:path';
import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from 'node-red';
import { stateDirFor } from '../account/config';
import { nodeClock } from '../shared/clock';
import { fail } from '../shared/status-text';
import { localTime, shorten } from '../../lib/text';
import { texts } from '../shared/texts';
import { parseMeasurePayload } from '../../export/measure-message';
import { DEFAULT_SOURCE, checkSource, statisticIdFor } from '../../export/ha-statistics';
import { HaExporter, type HaOutcome } from '../../export/ha-exporter';
import { fileLedgerStore } from '../../export/ledger-store';
import { influxPoints, DEFAULT_MEASUREMENT } from '../../export/influx-points';
import { DashboardChart, type DashboardChartKind } from '../../export/dashboard-chart';
import { ExportProblem, type MeasurePayload } from '../../export/types';
import { EXPORT_FORMATS, type ExportFormat } from '../../contract/export';

interface ExportDef extends NodeDef {
  format?: string;
  source?: string;
  statisticId?: string;
  baselineTimeout?: string | number;
  measurement?: string;
  chart?: string;
  span?: string | number;
}

type Send = (msg: NodeMessage | Array<NodeMessage | NodeMessage[] | null>) => void;
type Done = (err?: Error) => void;

const DEFAULT_BASELINE_TIMEOUT_S = 30;
const MEASUREMENT = /^[A-Za-z0-9_.-]{1,64}$/;

function numberOr(v: unknown, fallback: number, min: number, max: number): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) && n >= min && n <= max ? n : fallback;
}

function exportDir(userDir: unknown): string {
  return join(stateDirFor(userDir), 'export');
}

interface BaselineTag {
  statisticId: string;
  from: number;
}

function baselineTag(msg: Record<string, unknown>): BaselineTag | null {
  const tag = msg.econetatmoBaseline;
  if (typeof tag !== 'object' || tag === null) return null;
  const { statisticId, from } = tag as Record<string, unknown>;
  return typeof statisticId === 'string' && typeof from === 'number' ? { statisticId, from } : null;
}

export = function (RED: NodeAPI): void {
  function ExportNode(this: Node, config: ExportDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const t = texts(RED, 'econetatmo-export');
    const clock = nodeClock;
    const format: ExportFormat = EXPORT_FORMATS.includes(config.format as ExportFormat) ? (config.format as ExportFormat) : 'homeassistant';
    const source = config.source && config.source.trim() !== '' ? config.source.trim() : DEFAULT_SOURCE;
    const override = config.statisticId ?? '';
    const baselineTimeoutMs = numberOr(config.baselineTimeout, DEFAULT_BASELINE_TIMEOUT_S, 0, 3600) * 1000;
    const measurement = config.measurement && config.measurement.trim() !== '' ? config.measurement.trim() : DEFAULT_MEASUREMENT;
    const chartKind: DashboardChartKind = config.chart === 'days' ? 'days' : 'buckets';
    const span = numberOr(config.span, chartKind === 'days' ? 2 : 48, 1, chartKind === 'days' ? 31 : 24 * 31);
    const timers = new Map<string, unknown>();
    let closed = false;

    /** The problem in words, or the error's own text. */
    function describe(err: unknown): string {
      if (err instanceof ExportProblem) return t(`errors.${err.key}`, err.args);
      return err instanceof Error ? err.message : String(err);
    }
    function refuse(err: unknown, done: Done): void {
      const text = describe(err);
      node.status({ fill: 'red', shape: 'dot', text: shorten(text) });
      fail(done, text);
    }

    // A setting that is wrong whatever comes in is shown at once, and refuses every message.
    let configProblem: unknown = null;
    try {
      if (format === 'homeassistant') {
        checkSource(source);
        if (override.trim() !== '') statisticIdFor(source, '00:00:00:00:00:00#0', override);
      }
      if (format === 'influxdb' && !MEASUREMENT.test(measurement)) throw new ExportProblem('badMeasurement', { measurement });
    } catch (err) {
      configProblem = err;
      node.status({ fill: 'red', shape: 'ring', text: shorten(describe(err)) });
    }

    const ha =
      format === 'homeassistant'
        ? new HaExporter({
            source,
            statisticIdOverride: override,
            store: fileLedgerStore(exportDir((RED.settings as { userDir?: unknown }).userDir)),
            askBaseline: baselineTimeoutMs > 0,
          })
        : null;
    const chart = format === 'dashboard' ? new DashboardChart(chartKind, span) : null;
    // The home's zone of the last payload: statuses tell times on its clock, as the measure node does.
    let zone: string | null = null;

    function haStatus(out: HaOutcome): void {
      const now = clock().now();
      if (out.rows > 0 && out.lastHour !== null) {
        node.status({
          fill: 'green',
          shape: 'dot',
          text: t('status.haSent', { rows: String(out.rows), messages: String(out.commands.length), hour: localTime(out.lastHour, now, zone) }),
        });
      } else if (out.waiting.length > 0) {
        node.status({ fill: 'yellow', shape: 'ring', text: t('status.waiting') });
      } else {
        node.status({ fill: 'green', shape: 'ring', text: t('status.nothingNew', { time: localTime(now, now, zone) }) });
      }
    }

    function sendHa(out: HaOutcome, send: Send): void {
      for (const w of out.warnings) node.warn(t(`warnings.${w.key}`, w.args));
      const commands: NodeMessage[] = out.commands.map((c) => ({ topic: c.metadata.statistic_id, payload: c }));
      const asks: NodeMessage[] = out.asks.map((a) => {
        startTimer(a.statisticId, send);
        return { topic: a.statisticId, payload: a.command, econetatmoBaseline: { statisticId: a.statisticId, from: a.from } } as NodeMessage;
      });
      if (commands.length > 0 || asks.length > 0) send([commands.length > 0 ? commands : null, asks.length > 0 ? asks : null]);
      haStatus(out);
    }

    function startTimer(statisticId: string, send: Send): void {
      const c = clock();
      const old = timers.get(statisticId);
      if (old !== undefined) c.clearTimeout(old);
      timers.set(
        statisticId,
        c.setTimeout(() => {
          timers.delete(statisticId);
          if (closed || !ha) return;
          try {
            sendHa(ha.giveUp(statisticId), send);
          } catch (err) {
            node.error(describe(err), {});
          }
        }, baselineTimeoutMs),
      );
    }

    function stopTimer(statisticId: string): void {
      const handle = timers.get(statisticId);
      if (handle !== undefined) clock().clearTimeout(handle);
      timers.delete(statisticId);
    }

    node.on('input', (msg: NodeMessageInFlow, send: Send, done: Done) => {
      if (configProblem) {
        refuse(configProblem, done);
        return;
      }
      const record = msg as unknown as Record<string, unknown>;
      const tag = baselineTag(record);
      if (tag) {
        if (!ha) {
          refuse(new ExportProblem('notMeasure', { what: 'msg.econetatmoBaseline' }), done);
          return;
        }
        try {
          if (!ha.isWaiting(tag.statisticId)) {
            done();
            return;
          }
          const out = ha.answer(tag.statisticId, msg.payload);
          stopTimer(tag.statisticId);
          sendHa(out, send);
          done();
        } catch (err) {
          refuse(err, done);
        }
        return;
      }
      let payload: MeasurePayload;
      try {
        payload = parseMeasurePayload(msg.payload);
        zone = payload.timezone ?? null;
      } catch (err) {
        refuse(err, done);
        return;
      }
      try {
        if (ha) {
          sendHa(ha.handle(payload), send);
        } else if (chart) {
          chart.apply(payload);
          const points = chart.chart(clock().now());
          send({ topic: 'econetatmo', payload: points, action: 'replace' } as NodeMessage);
          // "up to" the newest bucket received, as the other formats say it.
          const newest = payload.points.length > 0 ? payload.points[payload.points.length - 1].start : clock().now();
          const upTo = localTime(newest, clock().now(), zone);
          node.status({ fill: 'green', shape: 'dot', text: t('status.chart', { points: String(points.length), time: upTo }) });
        } else {
          const points = influxPoints(payload, measurement);
          const last = points.length > 0 ? points[points.length - 1].timestamp.getTime() : null;
          if (points.length > 0) send({ topic: payload.name, payload: points, precision: 's' } as NodeMessage);
          node.status(
            last === null
              ? { fill: 'green', shape: 'ring', text: t('status.nothingNew', { time: localTime(clock().now(), clock().now(), zone) }) }
              : { fill: 'green', shape: 'dot', text: t('status.influxSent', { points: String(points.length), time: localTime(last, clock().now(), zone) }) },
          );
        }
        done();
      } catch (err) {
        refuse(err, done);
      }
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      closed = true;
      for (const id of [...timers.keys()]) stopTimer(id);
      done();
    });
  }

  RED.nodes.registerType('econetatmo-export', ExportNode);
};
