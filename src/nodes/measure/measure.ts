// `econetatmo-measure`: read a line's energy buckets on input and on a timer, and send what is
// new or revised. This file only maps Node-RED's events (input, close, status, send, error) to
// the MeasureController (src/measure/controller.ts), where the node's behaviour lives and is tested
// without Node-RED; the account config node lends the client and the services it shares.
import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from 'node-red';
import { BackfillFileStore } from '../../netatmo/backfill-store';
import { stateDirFor } from '../account/config';
import { isAccountNode } from '../account/account-node';
import { nodeClock } from '../shared/clock';
import { errorDescriber } from '../shared/error-texts';
import { fail } from '../shared/status-text';
import { backfillDir } from '../../measure/backfills';
import { MeasureController, type MeasureConfig, type Message } from '../../measure/controller';
import { FileMemory, ReportingMemory, memoryDir, memoryFile } from '../../measure/store';
import { texts } from '../shared/texts';

interface MeasureDef extends NodeDef, MeasureConfig {
  account: string;
}

type Send = (msg: NodeMessage | Array<NodeMessage | NodeMessage[] | null>) => void;
type Done = (err?: Error) => void;

export = function (RED: NodeAPI): void {
  const t = texts(RED, 'econetatmo-measure');
  const describe = errorDescriber(RED);

  function MeasureNode(this: Node, config: MeasureDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const accountNode: unknown = RED.nodes.getNode(config.account);
    if (!isAccountNode(accountNode)) {
      node.status({ fill: 'red', shape: 'ring', text: t('status.noAccount') });
      node.on('input', (_msg: NodeMessageInFlow, _send: Send, done: Done) => fail(done, t('errors.noAccount')));
      return;
    }
    const stateDir = stateDirFor((RED.settings as { userDir?: unknown }).userDir);
    const controller = new MeasureController(
      {
        nodeId: node.id,
        account: accountNode.account,
        services: accountNode.services,
        clock: nodeClock,
        memory: new ReportingMemory(new FileMemory(memoryFile(memoryDir(stateDir), node.id)), (code) => node.warn(t('warnings.memoryNotSaved', { code }))),
        backfillStore: new BackfillFileStore(backfillDir(stateDir)),
        t,
        describe,
        status: (status) => node.status(status),
        send: (msg) => node.send(msg as NodeMessage),
        // A failure no message asked for: an empty message lets Catch nodes see it. The text,
        // not an Error: see failureText in status-text.ts.
        error: (text) => node.error(text, {}),
        newId: () => RED.util.generateId(),
      },
      config,
    );

    node.on('input', (msg: NodeMessageInFlow, send: Send, done: Done) => {
      controller
        .input(msg as unknown as Message, (m) => send(m as NodeMessage))
        .then(
          () => done(),
          // The controller's Error carries the text in the user's language: done gets that text.
          (err: unknown) => fail(done, err),
        );
    });

    node.on('close', (removed: boolean, done: () => void) => {
      controller.close(removed);
      done();
    });

    controller.start();
  }

  RED.nodes.registerType('econetatmo-measure', MeasureNode);
};
