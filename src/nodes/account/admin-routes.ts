// The editor's admin routes of the account config node (all behind Node-RED's admin auth).
// They answer states, lines and authorize URLs; never a token or the client secret.
import { errorDescriber } from '../shared/error-texts';
import type { Request, Response } from 'express';
import type { NodeAPI } from 'node-red';
import { isNetatmoError } from '../../netatmo/errors';
import { CALLBACK_PATH, DEFAULT_API_URL, givenString, isValidApiUrl, isValidNodeId, isValidRedirectUri, normaliseApiUrl } from './config';
import type { AccountRuntime, ClientSettings } from './runtime';
import type { NetatmoAccountApi } from '../../netatmo/account-api';
import { nodeClock } from '../shared/runtime-settings';
import { collectDiagnostics } from '../../account/diagnostics';
import { tariffViews } from '../../account/tariffs';
import { reportsPower } from '../../netatmo/homestatus';
import { diagnosticsKey } from '../../account/diagnostics-key';
import { texts } from '../shared/texts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

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

  /**
   * Runs `fn` with the account's client: the one the editor connected but did not deploy yet
   * (a short-lived client on the same token file), else the deployed node's. Answers 404 with
   * what to do when there is neither, and returns undefined.
   */
  function withAccount<T>(id: string, res: Response, fn: (account: NetatmoAccountApi, settings: ClientSettings) => Promise<T>): Promise<T> | undefined {
    const pending = runtime.pending.get(id);
    if (pending?.state?.status === 'connected') {
      const settings: ClientSettings = { clientId: pending.clientId, clientSecret: pending.clientSecret, apiUrl: pending.apiUrl };
      return runtime.withShortLived(id, settings, (account) => fn(account, settings));
    }
    const node = runtime.deployed(id);
    if (node !== undefined) return fn(node.account, node.clientSettings());
    res.status(404).json({ error: t('errors.notConnected') });
    return undefined;
  }

  RED.httpAdmin.get(`${ROUTE}/lines`, read, (req: Request, res: Response) => {
    const id = nodeId(req, res);
    if (id === undefined) return;
    withAccount(id, res, (account) => account.getLines({ meters: 'all' }))?.then(
      (lines) => res.json(lines),
      (err: unknown) => res.status(statusForError(err)).json({ error: t('errors.lines', { message: errorText(err) }) }),
    );
  });

  // The prices each home's electricity schedule gives (one /api/homesdata), for the dialog.
  RED.httpAdmin.get(`${ROUTE}/tariffs`, read, (req: Request, res: Response) => {
    const id = nodeId(req, res);
    if (id === undefined) return;
    withAccount(id, res, async (account) => {
      const answer = await account.rawRead('/api/homesdata', {});
      return tariffViews(answer).map((v) => ({
        ...v,
        problem: v.problem ? t(`tariffProblems.${v.problem.code}`, { value: v.problem.detail }) : null,
      }));
    })?.then(
      (views) => res.json(views),
      (err: unknown) => res.status(statusForError(err)).json({ error: t('errors.tariffs', { message: errorText(err) }) }),
    );
  });

  // The power node's picker: the lines whose model reports power (one homesdata, no homestatus).
  RED.httpAdmin.get(`${ROUTE}/power-modules`, read, (req: Request, res: Response) => {
    const id = nodeId(req, res);
    if (id === undefined) return;
    withAccount(id, res, async (account) => (await account.getLines({ meters: 'all' })).filter((l) => reportsPower(l.model)))?.then(
      (modules) => res.json(modules),
      (err: unknown) => res.status(statusForError(err)).json({ error: t('errors.modules', { message: errorText(err) }) }),
    );
  });

  // An anonymised file for a bug report (see diagnostics.ts). A POST under the write
  // permission: it spends up to DIAGNOSTIC_REQUESTS requests of the account's budget and may
  // refresh (rotate) the tokens, which a read-only user must not cause.
  RED.httpAdmin.post(`${ROUTE}/diagnostics`, write, (req: Request, res: Response) => {
    const id = nodeId(req, res);
    if (id === undefined) return;
    withAccount(id, res, async (account) => {
      const versions = { package: packageVersion(), nodeRed: await nodeRedVersion(RED), node: process.version };
      const hashKey = diagnosticsKey(runtime.stateDir(), id);
      return collectDiagnostics({ account, hashKey, versions, now: nodeClock(RED).now() });
    })?.then(
      (file) => {
        res.set('Content-Disposition', 'attachment; filename="econetatmo-diagnostics.json"');
        res.set('Cache-Control', 'no-store');
        res.type('application/json').send(`${JSON.stringify(file, null, 2)}\n`);
      },
      (err: unknown) => res.status(statusForError(err)).json({ error: t('errors.diagnostics', { message: errorText(err) }) }),
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
    runtime.failures.delete(id);
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
    // setTokens proves the refresh token (a refresh) before anything is stored: tokens Netatmo
    // refuses are an error here, and the pair that worked stays.
    const node = runtime.deployedWith(id, settings);
    const done =
      node !== undefined
        ? node.account.setTokens(tokens)
        : runtime.withShortLived(id, settings, async (account) => {
            await account.setTokens(tokens);
            runtime.recordPending(id, settings, account.state());
          });
    done.then(
      () => res.json(runtime.stateView(id)),
      (err: unknown) => res.status(statusForError(err)).json({ error: t('errors.tokens', { message: errorText(err) }) }),
    );
  });
}

/** RED.version() answers a string in Node-RED 4 and 5 (the typings say a promise); test runtimes may lack it. */
async function nodeRedVersion(RED: Pick<NodeAPI, 'version'>): Promise<string> {
  try {
    return String(await Promise.resolve(RED.version()));
  } catch {
    return 'unknown';
  }
}

/** This package's version, from its package.json (dist/src/nodes/account -> the package root). */
function packageVersion(): string {
  try {
    const parsed: unknown = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', '..', 'package.json'), 'utf8'));
    const version = typeof parsed === 'object' && parsed !== null ? (parsed as { version?: unknown }).version : undefined;
    return typeof version === 'string' ? version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** `…/econetatmo/accounts/<id>/connect` -> `…/econetatmo/oauth/callback` on the same admin root. */
function defaultRedirectUri(req: Request): string {
  const path = req.originalUrl.split('?')[0] ?? '';
  const root = path.replace(/\/econetatmo\/accounts\/[^/]*\/connect$/, '');
  return `${req.protocol}://${req.get('host') ?? 'localhost'}${root}${CALLBACK_PATH}`;
}
