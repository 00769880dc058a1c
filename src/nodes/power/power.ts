// `econetatmo-power`: the live power of the account's modules, on input and on a timer. This
// file only maps Node-RED's events to the PowerController (src/measure/power-controller.ts);
// the account config node lends the shared homestatus reads.
import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from 'node-red';
import { borrowAccount, type Done, type Send } from '../shared/borrow-account';
import { nodeClock } from '../shared/runtime-settings';
import { errorDescriber } from '../shared/error-texts';
import { fail } from '../shared/status-text';
import { texts } from '../shared/texts';
import { PowerController, type PowerConfig } from '../../measure/power-controller';

interface PowerDef extends NodeDef, PowerConfig {
  account: string;
}

export = function (RED: NodeAPI): void {
  const t = texts(RED, 'econetatmo-power');
  const describe = errorDescriber(RED);

  function PowerNode(this: Node, config: PowerDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const accountNode = borrowAccount(RED, node, config.account, t);
    if (accountNode === null) return;
    const controller = new PowerController(
      {
        services: accountNode.services,
        clock: () => nodeClock(RED),
        t,
        describe,
        status: (status) => node.status(status),
        // Several messages on the one output, in order.
        send: (msgs) => node.send([msgs as NodeMessage[]]),
        // The text, not an Error: see failureText in status-text.ts.
        error: (text) => node.error(text, {}),
        warn: (text) => node.warn(text),
      },
      config,
    );

    node.on('input', (msg: NodeMessageInFlow, send: Send, done: Done) => {
      controller.input().then(
        (outcome) => {
          // Each message carries the input's other properties, each its own copy.
          const out = outcome.messages.map((m) => Object.assign(RED.util.cloneMessage(msg), m) as NodeMessage);
          if (out.length > 0) send([out]);
          if (outcome.error !== null) fail(done, outcome.error);
          else done();
        },
        (err: unknown) => fail(done, err),
      );
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      controller.close();
      done();
    });

    controller.start();
  }

  RED.nodes.registerType('econetatmo-power', PowerNode);
};
