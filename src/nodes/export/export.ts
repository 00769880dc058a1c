// `econetatmo-export`: a thin adapter from Node-RED to src/export. It picks the exporter of its
// `format`, forwards every message to it, and turns what comes back into sends (Home Assistant's
// baseline reads on the second output), a status, warnings and done.
import { join } from 'node:path';
import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from 'node-red';
import { nodeClock, stateDir } from '../shared/runtime-settings';
import { fail } from '../shared/status-text';
import { localTime, shorten } from '../../lib/text';
import { texts } from '../shared/texts';
import { createExporter, type ExportSettings } from '../../export/formats';
import { refusingExporter, type ExportOutcome, type ExportStatus, type Exporter } from '../../export/exporter';
import { LedgerRegistry } from '../../export/ledger-registry';
import { ExportProblem } from '../../export/types';

type ExportDef = NodeDef & ExportSettings;
type Send = (msg: NodeMessage | Array<NodeMessage | NodeMessage[] | null>) => void;
type Done = (err?: Error) => void;

// One registry for the process, not per registration: Node-RED registers the type once per
// runtime, and a redeploy's new nodes must find the statistics its closed nodes let go of.
const ledgers = new LedgerRegistry();

export = function (RED: NodeAPI): void {
  function ExportNode(this: Node, config: ExportDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const t = texts(RED, 'econetatmo-export');
    const clock = nodeClock(RED);

    /** The problem in words, or the error's own text. */
    function describe(err: unknown): string {
      if (err instanceof ExportProblem) return t(`errors.${err.key}`, err.args);
      return err instanceof Error ? err.message : String(err);
    }

    // The home's zone of the last payload: statuses tell times on its clock, as the measure node does.
    let zone: string | null = null;

    function show(status: ExportStatus | null): void {
      if (status === null) return;
      const now = clock.now();
      switch (status.kind) {
        case 'haSent':
          return node.status({
            fill: 'green',
            shape: 'dot',
            text: t('status.haSent', { rows: String(status.rows), messages: String(status.messages), hour: localTime(status.lastHour, now, zone) }),
          });
        case 'influxSent':
          return node.status({
            fill: 'green',
            shape: 'dot',
            text: t('status.influxSent', { points: String(status.points), time: localTime(status.last, now, zone) }),
          });
        case 'chart':
          return node.status({
            fill: 'green',
            shape: 'dot',
            text: t('status.chart', { points: String(status.points), time: localTime(status.newest ?? now, now, zone) }),
          });
        case 'waiting':
          return node.status({ fill: 'yellow', shape: 'ring', text: t('status.waiting') });
        case 'nothingNew':
          return node.status({ fill: 'green', shape: 'ring', text: t('status.nothingNew', { time: localTime(now, now, zone) }) });
      }
    }

    function deliver(out: ExportOutcome, send: Send): void {
      for (const w of out.warnings) node.warn(t(`warnings.${w.key}`, w.args));
      const store = out.store as NodeMessage[];
      const asks = out.asks as NodeMessage[];
      if (store.length > 0 || asks.length > 0) send([store.length > 0 ? store : null, asks.length > 0 ? asks : null]);
      show(out.status);
    }

    let exporter: Exporter;
    try {
      exporter = createExporter(config, {
        clock,
        ledgerDir: join(stateDir(RED), 'export'),
        ledgers,
        owner: node.name ? `"${node.name}" (${node.id})` : node.id,
        later: (out) => deliver(out, (msg) => node.send(msg)),
        failed: (err) => node.error(describe(err), {}),
      });
    } catch (err) {
      // A setting that is wrong whatever comes in is shown at once, and refuses every message.
      exporter = refusingExporter(err);
      node.status({ fill: 'red', shape: 'ring', text: shorten(describe(err)) });
    }

    node.on('input', (msg: NodeMessageInFlow, send: Send, done: Done) => {
      const told: unknown = (msg.payload as { timezone?: unknown } | null | undefined)?.timezone;
      if (typeof told === 'string' || told === null) zone = told;
      try {
        deliver(exporter.accept(msg as unknown as Record<string, unknown>), send);
        done();
      } catch (err) {
        const text = describe(err);
        node.status({ fill: 'red', shape: 'dot', text: shorten(text) });
        fail(done, text);
      }
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      exporter.close();
      done();
    });
  }

  RED.nodes.registerType('econetatmo-export', ExportNode);
};
