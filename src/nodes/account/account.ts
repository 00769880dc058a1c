// The `econetatmo-account` config node: owns one Netatmo client per account (tokens, the
// single refresh, the token store, the rate budget) that the flow nodes borrow, and the
// admin routes through which the editor connects it.
import type { Node, NodeAPI, NodeDef } from 'node-red';
import type { NetatmoAccountApi } from '../../netatmo/account-api';
import type { ConnectionState, TokenPair } from '../../netatmo/types';
import { normaliseApiUrl, readCredentials, readOwnPrices, type AccountCredentials } from './config';
import { AccountRuntime, type ClientSettings, type DeployedAccount } from './runtime';
import { registerAdminRoutes } from './admin-routes';
import { registerOAuthCallback } from './oauth-callback';
import { AccountServices } from '../../account/services';
import { nodeClock } from '../shared/runtime-settings';
import { errorDescriber } from '../shared/error-texts';
import { texts } from '../shared/texts';
import { TokenStore } from '../../netatmo/token-store';
import { removeDiagnosticsKey } from '../../account/diagnostics-key';

interface AccountNodeDef extends NodeDef {
  apiUrl?: string;
  /** `cloud` (default) or `own`, with `priceBasic`, `pricePeak`, `priceOffPeak` and `currency`. */
  tariff?: string;
}

type AccountNodeInstance = Node<AccountCredentials> & {
  -readonly [K in keyof DeployedAccount]: DeployedAccount[K];
};

/** How long a closing account may wait for a token refresh in flight (Node-RED allows 15 s). */
const CLOSE_WAIT_MS = 10_000;

export = function registerAccountNode(RED: NodeAPI): void {
  const runtime = new AccountRuntime(RED);
  const describe = errorDescriber(RED);
  const t = texts(RED, 'econetatmo-account');

  function EconetatmoAccountNode(this: AccountNodeInstance, config: AccountNodeDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const creds = readCredentials(node.credentials);
    const settings: ClientSettings = {
      clientId: creds.clientId ?? '',
      clientSecret: creds.clientSecret ?? '',
      apiUrl: normaliseApiUrl(config.apiUrl),
    };
    // A deploy supersedes whatever the editor did before it.
    runtime.pending.delete(node.id);
    runtime.failures.delete(node.id);

    // Tokens typed into the credentials: the account proves them before they replace the pair
    // on disk (the one rule is in NetatmoAccount.load).
    const initialTokens = creds.refreshToken !== undefined ? { accessToken: creds.accessToken, refreshToken: creds.refreshToken } : undefined;

    const account: NetatmoAccountApi = runtime.newAccount(node.id, settings, initialTokens);
    node.apiUrl = settings.apiUrl;
    node.account = account;
    node.services = new AccountServices(account, nodeClock(RED), {
      own: readOwnPrices(config as unknown as Record<string, unknown>),
      // Once per home and reason: its costs are null, its energy is still sent.
      warn: (homeId, problem) => node.warn(t('warnings.tariff', { home: homeId, why: t(`tariffProblems.${problem.code}`, { value: problem.detail }) })),
    });
    node.connectionState = (): ConnectionState => account.state();
    node.clientSettings = (): ClientSettings => ({ ...settings });
    node.tokensChanged = (pair): void => {
      // Never mutate the cached credentials in place: hand Node-RED a fresh object, built
      // from the raw stored one so that `${ENV}` references in the client id survive.
      const stored = (RED.nodes.getCredentials(node.id) ?? {}) as AccountCredentials;
      const tokens = { accessToken: pair.accessToken ?? '', refreshToken: pair.refreshToken };
      void RED.nodes.addCredentials(node.id, { ...stored, ...tokens });
      node.credentials = { ...node.credentials, ...tokens };
    };

    const onTokens = (pair: TokenPair): void => node.tokensChanged(pair);
    // A pair the disk refused is written again until it lands: said once when it is not on
    // disk, and again once it is (a restart in between would cost a re-authorisation).
    let unsavedSaid = false;
    const onState = (state: ConnectionState): void => {
      const unsaved = state.status === 'connected' ? state.unsaved : undefined;
      if (unsaved !== undefined) {
        if (!unsavedSaid) node.warn(t('tokensDisk.unsaved', { detail: unsaved.detail }));
        unsavedSaid = true;
        return;
      }
      if (unsavedSaid && state.status === 'connected') node.log(t('tokensDisk.saved'));
      unsavedSaid = false;
    };
    const onRefused = (err: unknown): void => node.warn(t('errors.enteredRefused', { message: describe(err) }));
    account.on('tokens', onTokens);
    account.on('state', onState);
    account.on('enteredRefused', onRefused);
    account.start().catch((err: unknown) => {
      node.error(t('errors.start', { message: describe(err) }));
    });

    node.on('close', (removed: boolean, done: () => void) => {
      account.off('tokens', onTokens);
      account.off('state', onState);
      account.off('enteredRefused', onRefused);
      // A refresh in flight is let land on disk first (see NetatmoAccount.close), but Node-RED
      // gives a close 15 s: past CLOSE_WAIT_MS the node is reported closed and the refresh
      // finishes on its own.
      let finished = false;
      const finish = (): void => {
        if (finished) return;
        finished = true;
        clearTimeout(guard);
        done();
      };
      const guard = setTimeout(finish, CLOSE_WAIT_MS);
      account
        .close()
        .then(async () => {
          if (!removed) return;
          // The account was deleted: Node-RED drops its credentials, so its tokens must not stay
          // on disk either (a refresh token there is a live key to the user's Netatmo data).
          await new TokenStore(runtime.stateDir()).remove(node.id);
          removeDiagnosticsKey(runtime.stateDir(), node.id);
        })
        .catch((err: unknown) => node.warn(t('errors.forget', { message: describe(err) })))
        .finally(finish);
    });
  }

  RED.nodes.registerType('econetatmo-account', EconetatmoAccountNode as unknown as Parameters<NodeAPI['nodes']['registerType']>[1], {
    credentials: {
      clientId: { type: 'text' },
      clientSecret: { type: 'password' },
      accessToken: { type: 'password' },
      refreshToken: { type: 'password' },
    },
  });
  registerAdminRoutes(runtime);
  registerOAuthCallback(runtime);
};
