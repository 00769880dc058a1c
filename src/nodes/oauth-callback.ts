// The end of the authorization-code flow: Netatmo sends the user's browser (the popup the
// editor opened) back here. The popup carries no admin token, so this route is open and
// trusts only the one-time state; it answers small HTML pages and never shows a token.
import type { Request, Response } from 'express';
import type { TokenPair } from '../netatmo/types';
import { CALLBACK_PATH } from './account-config';
import type { AccountRuntime } from './account-runtime';
import { errorDescriber } from './error-texts';
import { renderPage, type OpenerMessage } from './oauth-page';
import type { OAuthAttempt } from './oauth-states';
import { texts } from './texts';

function queryString(req: Request, name: string): string | undefined {
  const value: unknown = req.query[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function registerOAuthCallback(runtime: AccountRuntime): void {
  const { RED } = runtime;
  const t = texts(RED, 'econetatmo-account');
  const errorText = errorDescriber(RED);

  function page(res: Response, status: number, titleKey: string, message: string, opener?: OpenerMessage): void {
    res
      .status(status)
      .set('Content-Type', 'text/html; charset=utf-8')
      .set('Cache-Control', 'no-store')
      .set('X-Content-Type-Options', 'nosniff')
      .send(renderPage({ title: t(titleKey), message, closeHint: t('callback.closeHint') }, opener));
  }

  function openerMessage(attempt: OAuthAttempt, data: Record<string, string | number>): OpenerMessage {
    return { targetOrigin: new URL(attempt.redirectUri).origin, data: { id: attempt.nodeId, ...data } };
  }

  async function exchange(attempt: OAuthAttempt, code: string): Promise<TokenPair> {
    const settings = { clientId: attempt.clientId, clientSecret: attempt.clientSecret, apiUrl: attempt.apiUrl };
    const node = runtime.deployedWith(attempt.nodeId, settings);
    if (node !== undefined) {
      const pair = await node.account.exchangeCode(code, attempt.redirectUri);
      node.tokensChanged(pair);
      return pair;
    }
    const pair = await runtime.withShortLived(attempt.nodeId, settings, (account) => account.exchangeCode(code, attempt.redirectUri));
    runtime.recordPending(attempt.nodeId, settings, pair, { status: 'connected', validUntil: pair.expiresAt });
    return pair;
  }

  RED.httpAdmin.get(CALLBACK_PATH, (req: Request, res: Response) => {
    const state = queryString(req, 'state');
    if (state === undefined) {
      page(res, 400, 'callback.failedTitle', t('callback.missingState'));
      return;
    }
    const taken = runtime.states.take(state);
    if (!taken.ok) {
      page(res, 400, 'callback.failedTitle', t(`callback.state_${taken.reason}`));
      return;
    }
    const { attempt } = taken;
    const error = queryString(req, 'error');
    if (error !== undefined) {
      const denied = error === 'access_denied';
      page(
        res,
        denied ? 200 : 400,
        denied ? 'callback.deniedTitle' : 'callback.failedTitle',
        denied ? t('callback.denied') : t('callback.error', { error }),
        openerMessage(attempt, { type: denied ? 'econetatmo-denied' : 'econetatmo-failed' }),
      );
      return;
    }
    const code = queryString(req, 'code');
    if (code === undefined) {
      page(res, 400, 'callback.failedTitle', t('callback.missingCode'));
      return;
    }
    exchange(attempt, code).then(
      (pair) =>
        page(
          res,
          200,
          'callback.connectedTitle',
          t('callback.connected'),
          openerMessage(attempt, { type: 'econetatmo-connected', validUntil: pair.expiresAt }),
        ),
      (err: unknown) =>
        page(
          res,
          502,
          'callback.failedTitle',
          t('callback.exchangeFailed', { message: errorText(err) }),
          openerMessage(attempt, { type: 'econetatmo-failed' }),
        ),
    );
  });
}
