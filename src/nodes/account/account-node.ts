// What a flow node (sync, measure) may ask of the `econetatmo-account` config node it uses.
import type { Node } from 'node-red';
import type { NetatmoAccountApi } from '../../netatmo/account-api';
import type { ConnectionState } from '../../netatmo/types';
import type { AccountServices } from '../../account/services';

export interface AccountNode extends Node {
  /** The shared client of this account (one per config node): tokens, refresh, rate budget. */
  readonly account: NetatmoAccountApi;
  /** What the account's flow nodes share: its line directory, background share, upload schedules. */
  readonly services: AccountServices;
  connectionState(): ConnectionState;
}

export function isAccountNode(node: unknown): node is AccountNode {
  return (
    typeof node === 'object' &&
    node !== null &&
    'account' in node &&
    'services' in node &&
    typeof (node as { connectionState?: unknown }).connectionState === 'function'
  );
}
