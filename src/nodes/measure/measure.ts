// `econetatmo-measure`: read a line's energy buckets on input and on a timer, and send what is
// new or revised. This file only maps Node-RED's events (input, close, status, send, error) to
// the MeasureController (src/measure/controller.ts), where the node's behaviour lives and is tested
// without Node-RED; the account config node lends the client and the services it shares.
import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from 'node-red';
import { BackfillFileStore } from '../../netatmo/backfill-store';
import { borrowAccount, type Done, type Send } from '../shared/borrow-account';
import { nodeClock, stateDir } from '../shared/runtime-settings';
import { errorDescriber } from '../shared/error-texts';
import { fail } from '../shared/status-text';
import { backfillDir } from '../../measure/backfills';
import { MeasureController, type MeasureConfig } from '../../measure/controller';
import type { Message } from '../../measure/ports';
import { FileMemory, legacyMemoryFile, memoryDir, memoryFile, ReportingMemory } from '../../measure/store';
import { intervalProblem } from '../../measure/input';
import { texts } from '../shared/texts';

interface MeasureDef extends NodeDef, MeasureConfig {
  account: string;
}

export = function (RED: NodeAPI): void {
  const t = texts(RED, 'econetatmo-measure');
  const describe = errorDescriber(RED);

  function MeasureNode(this: Node, config: MeasureDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const accountNode = borrowAccount(RED, node, config.account, t);
    if (accountNode === null) return;
    const stateDirectory = stateDir(RED);
    const clock = nodeClock(RED);
    const controller = new MeasureController(
      {
        nodeId: node.id,
        account: accountNode.account,
        services: accountNode.services,
        clock: () => clock,
        memory: new ReportingMemory(
          new FileMemory(memoryFile(memoryDir(stateDirectory), node.id), legacyMemoryFile(memoryDir(stateDirectory), node.id)),
          (code) => node.warn(t('warnings.memoryNotSaved', { code })),
        ),
        backfillStore: new BackfillFileStore(backfillDir(stateDirectory)),
        wording: { t, describe },
        output: {
          status: (status) => node.status(status),
          send: (msg) => node.send(msg as NodeMessage),
          // A failure no message asked for: an empty message lets Catch nodes see it. The text,
          // not an Error: see failureText in status-text.ts.
          error: (text) => node.error(text, {}),
        },
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

    // Raised to the minimum (see intervalMs): said once, at deploy.
    const short = intervalProblem(config.interval);
    if (short !== null) node.warn(t(`errors.${short.key}`, short.params));

    controller.start();
  }

  RED.nodes.registerType('econetatmo-measure', MeasureNode);
};
