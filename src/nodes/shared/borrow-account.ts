// How a flow node borrows its account config node. Without one (none picked, or deleted), the
// node says so on the canvas and refuses every message with the same text, so a Catch node sees it.
import type { Node, NodeAPI, NodeMessage, NodeMessageInFlow } from 'node-red';
import { isAccountNode, type AccountNode } from '../account/account-node';
import { fail } from './status-text';
import type { Translate } from '../../lib/text';

export type Send = (msg: NodeMessage | Array<NodeMessage | NodeMessage[] | null>) => void;
export type Done = (err?: Error) => void;

/** The node's account, or null once the node has been made to say it has none. */
export function borrowAccount(RED: NodeAPI, node: Node, accountId: string, t: Translate): AccountNode | null {
  const accountNode: unknown = RED.nodes.getNode(accountId);
  if (isAccountNode(accountNode)) return accountNode;
  node.status({ fill: 'red', shape: 'ring', text: t('status.noAccount') });
  node.on('input', (_msg: NodeMessageInFlow, _send: Send, done: Done) => fail(done, t('errors.noAccount')));
  return null;
}
