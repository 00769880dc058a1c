// The editor's admin routes of the account config node (all behind Node-RED's admin auth).
// They answer states, lines and authorize URLs; never a token or the client secret.
import { errorDescriber } from './error-texts';
import type { Request, Response } from 'express';
import { isNetatmoError } from '../netatmo/errors';
import type { ConnectionState } from '../netatmo/types';
import {
  CALLBACK_PATH,
  DEFAULT_API_URL,
  givenString,
  isValidApiUrl,
  isValidNodeId,
  isValidRedirectUri,
  normaliseApiUrl,
} from './account-config';
import type { AccountRuntime, ClientSettings } from './account-runtime';
import { nodeClock } from './clock';
import { texts } from './texts';

const ROUTE = '/econetatmo/accounts/:id';

type Body = Record<string, unknown>;

function bodyOf(req: Request): Body {
  const body: unknown = req.body;
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Body) : {};
}

/** Maps a client failure to an HTTP status the editor can show (never 401: that means "log in" to it). */
export function statusForError(err: unknown): number {
  if (!isNetatmoError(err)) return 500;
  switch (err.kind) {
    case 'auth':
    case 'reauth':
      return 409;
    case 'rate_limit':
      return 429;
    case 'bad_input':
      return 400;
    case 'transient':
    case 'aborted':
      return 503;
    default:
      return 502;
  }
}

export function registerAdminRoutes(runtime: AccountRuntime): void {
  const { RED } = runtime;
  const t = texts(RED, 'econetatmo-account');
  const errorText = errorDescriber(RED);
  const read = RED.auth.needsPermission('econetatmo-account.read');
  const write = RED.auth.needsPermission('econetatmo-account.write');

  /** Checks the id; answers 400 and returns undefined when it is not one. */
  function nodeId(req: Request, res: Response): string | undefined {
    const id = String(req.params.id ?? '');
    if (isValidNodeId(id)) return id;
    res.status(400).json({ error: t('errors.badId') });
    return undefined;
  }

  /**
   * Client settings from the editor's body, falling back to the deployed node's. The stored
   * secret only ever goes to the API URL it was deployed with: otherwise anyone allowed to
   * press Connect could send it to a host of their choosing.
   */
  function clientSettings(id: string, body: Body): ClientSettings | string {
    const deployed = runtime.deployed(id)?.clientSettings();
    const clientId = givenString(body.clientId) ?? deployed?.clientId;
    const apiUrlText = givenString(body.apiUrl) ?? deployed?.apiUrl ?? DEFAULT_API_URL;
    if (clientId === undefined || clientId === '') return t('errors.missingClientId');
    if (!isValidApiUrl(apiUrlText)) return t('errors.badApiUrl');
    const apiUrl = normaliseApiUrl(apiUrlText);
    let clientSecret = givenString(body.clientSecret);
    if (clientSecret === undefined && deployed !== undefined && deployed.clientSecret !== '') {
      if (deployed.apiUrl !== apiUrl) return t('errors.retypeSecret');
      clientSecret = deployed.clientSecret;
    }
    if (clientSecret === undefined || clientSecret === '') return t('errors.missingClientSecret');
    return { clientId, clientSecret, apiUrl };
  }

  RED.httpAdmin.get(`${ROUTE}/state`, read, (req: Request, res: Response) => {
    const id = nodeId(req, res);
    if (id === undefined) return;
    res.json(runtime.stateView(id));
  });

  RED.httpAdmin.get(`${ROUTE}/lines`, read, (req: Request, res: Response) => {
    const id = nodeId(req, res);
    if (id === undefined) return;
    const node = runtime.deployed(id);
    if (node === undefined) {
      res.status(404).json({ error: t('errors.notDeployed') });
      return;
    }
    node.account.getLines().then(
      (lines) => res.json(lines),
      (err: unknown) => res.status(statusForError(err)).json({ error: t('errors.lines', { message: errorText(err) }) }),
    );
  });

  RED.httpAdmin.post(`${ROUTE}/connect`, write, (req: Request, res: Response) => {
    const id = nodeId(req, res);
    if (id === undefined) return;
    const body = bodyOf(req);
    const settings = clientSettings(id, body);
    if (typeof settings === 'string') {
      res.status(400).json({ error: settings });
      return;
    }
    const redirectUri = givenString(body.redirectUri) ?? defaultRedirectUri(req);
    if (!isValidRedirectUri(redirectUri)) {
      res.status(400).json({ error: t('errors.badRedirectUri', { path: CALLBACK_PATH }) });
      return;
    }
    const node = runtime.deployedWith(id, settings);
    if (node === undefined) {
      // Remember what the editor sent for this account until a deploy supersedes it.
      runtime.pending.set(id, { ...settings, state: runtime.pending.get(id)?.state });
    }
    const state = runtime.states.issue({ nodeId: id, ...settings, redirectUri });
    // Building the URL needs no tokens and no network: a fresh client is fine when none runs.
    const account = node?.account ?? runtime.newAccount(id, settings);
    try {
      res.json({ authorizeUrl: account.authorizeUrl(redirectUri, state), redirectUri });
    } finally {
      if (node === undefined) void account.close();
    }
  });

  RED.httpAdmin.post(`${ROUTE}/tokens`, write, (req: Request, res: Response) => {
    const id = nodeId(req, res);
    if (id === undefined) return;
    const body = bodyOf(req);
    const refreshToken = givenString(body.refreshToken);
    if (refreshToken === undefined) {
      res.status(400).json({ error: t('errors.missingRefreshToken') });
      return;
    }
    const settings = clientSettings(id, body);
    if (typeof settings === 'string') {
      res.status(400).json({ error: settings });
      return;
    }
    const tokens = { accessToken: givenString(body.accessToken), refreshToken };
    const issuedAt = nodeClock().now();
    const node = runtime.deployedWith(id, settings);
    const done =
      node !== undefined
        ? node.account.setTokens(tokens).then(() => {
            node.tokensChanged({ ...tokens, issuedAt });
          })
        : runtime.withShortLived(id, settings, async (account) => {
            await account.setTokens(tokens);
            const state: ConnectionState = account.state();
            runtime.recordPending(id, settings, { accessToken: tokens.accessToken ?? '', refreshToken, issuedAt, expiresAt: 0 }, state);
          });
    done.then(
      () => res.json(runtime.stateView(id)),
      (err: unknown) => res.status(statusForError(err)).json({ error: t('errors.tokens', { message: errorText(err) }) }),
    );
  });
}

/** `…/econetatmo/accounts/<id>/connect` -> `…/econetatmo/oauth/callback` on the same admin root. */
function defaultRedirectUri(req: Request): string {
  const path = req.originalUrl.split('?')[0] ?? '';
  const root = path.replace(/\/econetatmo\/accounts\/[^/]*\/connect$/, '');
  return `${req.protocol}://${req.get('host') ?? 'localhost'}${root}${CALLBACK_PATH}`;
}
