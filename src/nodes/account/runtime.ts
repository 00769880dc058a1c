// What the account config nodes of one Node-RED runtime share with the admin routes: the
// connects in progress, the records of accounts not deployed yet, and how to reach a node's
// live client (or a short-lived one when there is no deployed node to use).
import type { NodeAPI } from 'node-red';
import { NetatmoAccount } from '../../netatmo/account';
import type { AccountOptions, NetatmoAccountApi } from '../../netatmo/account-api';
import type { ConnectionState } from '../../netatmo/types';
import type { AccountNode } from './account-node';
import { isAccountNode } from './account-node';
import { nodeClock, stateDir } from '../shared/runtime-settings';
import { tokenSecrets } from './token-secrets';
import { OAuthStates } from '../../account/oauth-states';
import { texts } from '../shared/texts';

/** The client settings a connect or a paste uses. */
export interface ClientSettings {
  clientId: string;
  clientSecret: string;
  apiUrl: string;
}

/** What the editor sent for an account that is not deployed (or deployed with other settings). */
export interface PendingAccount extends ClientSettings {
  /** Known once a connect or a paste went through without the deployed node. */
  state?: ConnectionState;
}

/** The config node as the admin routes see it. */
export interface DeployedAccount extends AccountNode {
  readonly apiUrl: string;
  clientSettings(): ClientSettings;
  /** Keep the in-memory credentials in step with a pair that is already in the store. */
  tokensChanged(pair: { accessToken?: string; refreshToken: string; issuedAt: number }): void;
}

export function isDeployedAccount(node: unknown): node is DeployedAccount {
  return isAccountNode(node) && typeof (node as { clientSettings?: unknown }).clientSettings === 'function';
}

/** The state the editor gets: never a token. */
export interface StateView {
  status: ConnectionState['status'];
  validUntil?: number;
  reason?: string;
  /** Connected, but the pair in use is not on disk yet (the disk refused it): what to tell the user. */
  unsaved?: string;
  needsDeploy: boolean;
  /** What the last connect attempt ran into, to say in the dialog. */
  problem?: string;
}

export class AccountRuntime {
  readonly states: OAuthStates;
  readonly pending = new Map<string, PendingAccount>();
  /** Why the last connect of an account failed (shown by the dialog until the next attempt). */
  readonly failures = new Map<string, string>();

  constructor(readonly RED: NodeAPI) {
    this.states = new OAuthStates(() => nodeClock(RED));
  }

  stateDir(): string {
    return stateDir(this.RED);
  }

  deployed(id: string): DeployedAccount | undefined {
    const node: unknown = this.RED.nodes.getNode(id);
    return isDeployedAccount(node) ? node : undefined;
  }

  /** The deployed node when it runs with these very settings, so its live client should act. */
  deployedWith(id: string, settings: ClientSettings): DeployedAccount | undefined {
    const node = this.deployed(id);
    if (node === undefined) return undefined;
    const mine = node.clientSettings();
    const same = mine.clientId === settings.clientId && mine.clientSecret === settings.clientSecret && mine.apiUrl === settings.apiUrl;
    return same ? node : undefined;
  }

  /**
   * `econetatmo: { requestTimeoutMs }` in Node-RED's settings: how long (real ms) one request may
   * take (the client's default is 15 s). For slow networks, and for the soak, whose simulator
   * holds requests to test timeouts.
   */
  requestTimeoutMs(): number | undefined {
    const own = (this.RED.settings as { econetatmo?: unknown }).econetatmo;
    const value = typeof own === 'object' && own !== null ? (own as { requestTimeoutMs?: unknown }).requestTimeoutMs : undefined;
    return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
  }

  newAccount(id: string, settings: ClientSettings, initialTokens?: AccountOptions['initialTokens']): NetatmoAccountApi {
    return new NetatmoAccount({
      timeoutMs: this.requestTimeoutMs(),
      apiUrl: settings.apiUrl,
      clientId: settings.clientId,
      clientSecret: settings.clientSecret,
      // The token files live at the root of the package's state directory.
      tokenDir: this.stateDir(),
      tokenSecrets: tokenSecrets(this.RED.settings),
      accountId: id,
      initialTokens,
      clock: nodeClock(this.RED),
    });
  }

  /** A client for one operation on an account that has no deployed node with these settings. */
  async withShortLived<T>(id: string, settings: ClientSettings, fn: (account: NetatmoAccountApi) => Promise<T>): Promise<T> {
    const account = this.newAccount(id, settings);
    try {
      await account.start();
      return await fn(account);
    } finally {
      void account.close();
    }
  }

  /** After a pair reached the store through a short-lived client: the editor must deploy. */
  recordPending(id: string, settings: ClientSettings, state: ConnectionState): void {
    this.pending.set(id, { ...settings, state });
  }

  stateView(id: string): StateView {
    const node = this.deployed(id);
    const pending = this.pending.get(id);
    let state: ConnectionState;
    let needsDeploy: boolean;
    if (node !== undefined && pending?.state === undefined) {
      state = node.connectionState();
      needsDeploy = false;
    } else if (pending?.state !== undefined) {
      state = pending.state;
      needsDeploy = true;
    } else {
      state = { status: 'not_connected' };
      needsDeploy = true;
    }
    const view: StateView = { status: state.status, needsDeploy };
    if (state.status === 'connected') view.validUntil = state.validUntil;
    if (state.status === 'connected' && state.unsaved !== undefined) {
      view.unsaved = texts(this.RED, 'econetatmo-account')('tokensDisk.unsaved', { detail: state.unsaved.detail });
    }
    if (state.status === 'reauth') view.reason = texts(this.RED, 'econetatmo-account')('state.reauthReason');
    const problem = this.failures.get(id);
    if (problem !== undefined) view.problem = problem;
    return view;
  }
}
