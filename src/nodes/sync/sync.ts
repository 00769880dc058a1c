// `econetatmo-sync`: on any input, list the account's lines: every energy-measuring module
// (`meters: all`), or the ecocounters' lines only (`ecocounter`, and nodes saved before the
// property existed, so that their output is what it was).
import type { Node, NodeAPI, NodeDef, NodeMessageInFlow } from 'node-red';
import { isAccountNode, type AccountNode } from '../account/account-node';
import { nodeClock } from '../shared/runtime-settings';
import { errorDescriber } from '../shared/error-texts';
import { fail } from '../shared/status-text';
import { localTime } from '../../lib/text';
import { errorStatus } from '../../measure/status';
import { texts } from '../shared/texts';
import type { Line, MeterSelection } from '../../contract/line';

interface SyncDef extends NodeDef {
  account: string;
  mode?: string;
  meters?: string;
}

type SyncMode = 'all' | 'each';

export = function (RED: NodeAPI): void {
  function SyncNode(this: Node, config: SyncDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const mode: SyncMode = config.mode === 'each' ? 'each' : 'all';
    const meters: MeterSelection = config.meters === 'all' ? 'all' : 'ecocounter';
    const accountNode = RED.nodes.getNode(config.account);
    const account: AccountNode | null = isAccountNode(accountNode) ? accountNode : null;
    const controller = new AbortController();
    const describe = errorDescriber(RED);
    const t = texts(RED, 'econetatmo-sync');
    if (!account) node.status({ fill: 'red', shape: 'ring', text: t('status.noAccount') });

    node.on('input', (msg: NodeMessageInFlow, send, done) => {
      if (!account) {
        fail(done, t('errors.noAccount'));
        return;
      }
      node.status({ fill: 'blue', shape: 'ring', text: t('status.reading') });
      account.account
        .getLines({ signal: controller.signal, meters })
        .then((lines: Line[]) => {
          const clock = nodeClock(RED);
          node.status({
            fill: 'green',
            shape: 'dot',
            text: t('status.done', { count: String(lines.length), time: localTime(clock.now()) }),
          });
          if (mode === 'all') {
            msg.payload = lines;
            send(msg);
          } else {
            // One message per line, each its own copy so that downstream changes stay apart.
            const copies = lines.map((line) => {
              const copy = RED.util.cloneMessage(msg);
              copy.topic = line.name;
              copy.payload = line;
              return copy;
            });
            // One output carrying several messages, in line order.
            if (copies.length > 0) send([copies]);
          }
          done();
        })
        .catch((err: unknown) => {
          if (controller.signal.aborted) {
            done();
            return;
          }
          node.status(errorStatus(err, t('status.reauth'), describe));
          fail(done, err, describe);
        });
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      controller.abort();
      done();
    });
  }
  RED.nodes.registerType('econetatmo-sync', SyncNode);
};
