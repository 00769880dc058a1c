// The end of the authorization-code flow: Netatmo sends the user's browser (the popup the
// editor opened) back here. The popup carries no admin token, so this route is open and
// trusts only the one-time state; it answers small HTML pages and never shows a token.
import type { Request, Response } from 'express';
import type { TokenPair } from '../../netatmo/types';
import { CALLBACK_PATH } from './config';
import type { AccountRuntime } from './runtime';
import { errorDescriber } from '../shared/error-texts';
import { renderPage, type OpenerMessage } from './oauth-page';
import type { OAuthAttempt } from '../../account/oauth-states';
import { texts } from '../shared/texts';

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

  /**
   * What the editor is told. A failure's text goes along (it names no token or secret) and is
   * kept for the state route too, so the dialog says what failed even when no message gets
   * through (a proxy that serves the callback on another origin).
   */
  function openerMessage(attempt: OAuthAttempt, data: { type: string; message?: string; validUntil?: number }): OpenerMessage {
    const ok = data.type === 'econetatmo-connected';
    if (ok) runtime.failures.delete(attempt.nodeId);
    else if (data.message !== undefined) runtime.failures.set(attempt.nodeId, data.message);
    const clean: Record<string, string | number> = { id: attempt.nodeId, type: data.type };
    if (data.message !== undefined) clean.message = data.message;
    if (data.validUntil !== undefined) clean.validUntil = data.validUntil;
    return { targetOrigin: new URL(attempt.redirectUri).origin, data: clean, closeSelf: ok };
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
    runtime.recordPending(attempt.nodeId, settings, { status: 'connected', validUntil: pair.expiresAt });
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
      const message = denied ? t('callback.denied') : t('callback.error', { error: error.slice(0, 100) });
      page(
        res,
        denied ? 200 : 400,
        denied ? 'callback.deniedTitle' : 'callback.failedTitle',
        message,
        openerMessage(attempt, { type: denied ? 'econetatmo-denied' : 'econetatmo-failed', message }),
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
      (err: unknown) => {
        const message = t('callback.exchangeFailed', { message: errorText(err) });
        page(res, 502, 'callback.failedTitle', message, openerMessage(attempt, { type: 'econetatmo-failed', message }));
      },
    );
  });
}
