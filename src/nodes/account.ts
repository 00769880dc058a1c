// The `econetatmo-account` config node: owns one Netatmo client per account (tokens, the
// single refresh, the token store, the rate budget) that the flow nodes borrow, and the
// admin routes through which the editor connects it.
import type { Node, NodeAPI, NodeDef } from 'node-red';
import type { NetatmoAccountApi } from '../netatmo/account-api';
import type { ConnectionState, TokenPair } from '../netatmo/types';
import { normaliseApiUrl, readCredentials, type AccountCredentials } from './account-config';
import { AccountRuntime, type ClientSettings, type DeployedAccount } from './account-runtime';
import { registerAdminRoutes } from './admin-routes';
import { registerOAuthCallback } from './oauth-callback';
import { AccountServices } from './account-services';
import { nodeClock } from './clock';
import { errorDescriber } from './error-texts';
import { texts } from './texts';
import { TokenStore } from '../netatmo/token-store';

interface AccountNodeDef extends NodeDef {
  apiUrl?: string;
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

    const entered = runtime.entered(node.id);
    let initialTokens: { accessToken?: string; refreshToken?: string; issuedAt?: number } | undefined;
    if (creds.refreshToken !== undefined) {
      const issuedAt = entered.issuedAt(creds.refreshToken) ?? nodeClock().now();
      entered.remember(creds.refreshToken, issuedAt);
      initialTokens = { accessToken: creds.accessToken, refreshToken: creds.refreshToken, issuedAt };
    }

    const account: NetatmoAccountApi = runtime.newAccount(node.id, settings, initialTokens);
    node.apiUrl = settings.apiUrl;
    node.account = account;
    node.services = new AccountServices(account, nodeClock());
    node.connectionState = (): ConnectionState => account.state();
    node.clientSettings = (): ClientSettings => ({ ...settings });
    node.tokensChanged = (pair): void => {
      entered.remember(pair.refreshToken, pair.issuedAt);
      // Never mutate the cached credentials in place: hand Node-RED a fresh object, built
      // from the raw stored one so that `${ENV}` references in the client id survive.
      const stored = (RED.nodes.getCredentials(node.id) ?? {}) as AccountCredentials;
      const tokens = { accessToken: pair.accessToken ?? '', refreshToken: pair.refreshToken };
      void RED.nodes.addCredentials(node.id, { ...stored, ...tokens });
      node.credentials = { ...node.credentials, ...tokens };
    };

    const onTokens = (pair: TokenPair): void => node.tokensChanged(pair);
    account.on('tokens', onTokens);
    account.start().catch((err: unknown) => {
      node.error(t('errors.start', { message: describe(err) }));
    });

    node.on('close', (removed: boolean, done: () => void) => {
      account.off('tokens', onTokens);
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
          entered.forget();
          await new TokenStore(runtime.tokenDir()).remove(node.id);
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
