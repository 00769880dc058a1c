// The OAuth2 side: the consent page, its decision, and the token endpoint (authorization_code and
// refresh_token grants with rotation).
import type { ServerResponse } from 'http';
import { hex } from './hash';
import { escapeHtml, sendJson, sendText } from './http-util';
import type { TokenGrant, TokenStore } from './tokens';
import type { SimStats } from './types';

const CODE_LIFETIME_MS = 10 * 60 * 1000;
const APP_NAME = 'Node-RED econetatmo';
const SCOPE_TEXT: Record<string, string> = {
  read_magellan: 'Lire les données de vos appareils Legrand (écocompteur, consommations)',
};

interface PendingCode {
  clientId: string;
  redirectUri: string;
  expiresAt: number;
}

export interface OAuthOptions {
  seed: number;
  clientId: string;
  clientSecret: string;
  now: () => number;
  tokens: TokenStore;
  stats: SimStats;
}

export class OAuth {
  private readonly codes = new Map<string, PendingCode>();
  private codeCounter = 0;

  constructor(private readonly o: OAuthOptions) {}

  /** GET /oauth2/authorize: the consent page. */
  authorizePage(p: URLSearchParams, res: ServerResponse): void {
    const problem = this.checkAuthorizeRequest(p);
    if (problem) return sendText(res, 400, page('Demande refusée', `<p>${escapeHtml(problem)}</p>`), 'text/html; charset=utf-8');
    const scope = p.get('scope') || 'read_magellan';
    const hidden = ['client_id', 'redirect_uri', 'state']
      .map((k) => `<input type="hidden" name="${k}" value="${escapeHtml(p.get(k) ?? '')}">`)
      .join('') + `<input type="hidden" name="scope" value="${escapeHtml(scope)}">`;
    const scopes = scope.split(/[ ,]+/).filter(Boolean)
      .map((s) => `<li><code>${escapeHtml(s)}</code> ${escapeHtml(SCOPE_TEXT[s] ?? '')}</li>`).join('');
    const body = `<p>L’application <strong id="app-name">${escapeHtml(APP_NAME)}</strong> demande l’accès à votre compte :</p>
<ul id="scopes">${scopes}</ul>
<p>Vous serez ensuite renvoyé vers <code id="redirect-uri">${escapeHtml(p.get('redirect_uri') ?? '')}</code>.</p>
<form method="post" action="/oauth2/authorize/decision" style="display:inline">${hidden}<input type="hidden" name="decision" value="approve"><button id="approve" type="submit">Approve / Accepter</button></form>
<form method="post" action="/oauth2/authorize/decision" style="display:inline">${hidden}<input type="hidden" name="decision" value="deny"><button id="deny" type="submit">Deny / Refuser</button></form>`;
    sendText(res, 200, page('Autoriser l’application', body), 'text/html; charset=utf-8');
  }

  /** POST /oauth2/authorize/decision: back to the redirect URI with a code or access_denied. */
  decision(p: URLSearchParams, res: ServerResponse): void {
    const problem = this.checkAuthorizeRequest(p);
    if (problem) return sendText(res, 400, page('Demande refusée', `<p>${escapeHtml(problem)}</p>`), 'text/html; charset=utf-8');
    const redirectUri = p.get('redirect_uri') as string;
    const target = new URL(redirectUri);
    if (p.get('decision') === 'approve') {
      const code = hex(this.o.seed, 0xc0de, this.codeCounter++, 32);
      this.codes.set(code, { clientId: this.o.clientId, redirectUri, expiresAt: this.o.now() + CODE_LIFETIME_MS });
      target.searchParams.set('code', code);
    } else {
      target.searchParams.set('error', 'access_denied');
    }
    const state = p.get('state');
    if (state !== null) target.searchParams.set('state', state);
    res.writeHead(302, { location: target.toString(), 'cache-control': 'no-store', 'content-length': 0 });
    res.end();
  }

  private checkAuthorizeRequest(p: URLSearchParams): string | undefined {
    if (p.get('client_id') !== this.o.clientId) return 'Application inconnue (client_id).';
    const redirectUri = p.get('redirect_uri');
    if (!redirectUri) return 'redirect_uri manquant.';
    try {
      const u = new URL(redirectUri);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'redirect_uri invalide.';
    } catch {
      return 'redirect_uri invalide.';
    }
    return undefined;
  }

  /** POST /oauth2/token. */
  token(p: URLSearchParams, res: ServerResponse): void {
    const grantType = p.get('grant_type');
    if (!grantType) return this.fail(res, 'invalid_request');
    if (grantType !== 'authorization_code' && grantType !== 'refresh_token') return this.fail(res, 'unsupported_grant_type');
    if (p.get('client_id') !== this.o.clientId || p.get('client_secret') !== this.o.clientSecret) {
      return this.fail(res, 'invalid_client');
    }
    if (grantType === 'refresh_token') {
      const refreshToken = p.get('refresh_token');
      if (!refreshToken) return this.fail(res, 'invalid_request');
      const grant = this.o.tokens.rotate(refreshToken);
      if (!grant) return this.fail(res, 'invalid_grant');
      this.o.stats.refreshGrants++;
      return this.grant(res, grant);
    }
    const code = p.get('code');
    if (!code) return this.fail(res, 'invalid_request');
    const pending = this.codes.get(code);
    this.codes.delete(code); // single use, even when the rest of the request is wrong
    if (!pending || pending.expiresAt <= this.o.now() || pending.redirectUri !== p.get('redirect_uri')) {
      return this.fail(res, 'invalid_grant');
    }
    this.o.stats.codeGrants++;
    this.grant(res, this.o.tokens.issue());
  }

  private grant(res: ServerResponse, g: TokenGrant): void {
    this.o.stats.tokensIssued++;
    sendJson(res, 200, {
      access_token: g.accessToken, refresh_token: g.refreshToken,
      expires_in: g.expiresIn, expire_in: g.expiresIn, scope: ['read_magellan'],
    });
  }

  private fail(res: ServerResponse, error: string): void {
    if (error === 'invalid_grant') this.o.stats.invalidGrant++;
    sendJson(res, 400, { error });
  }
}

function page(title: string, body: string): string {
  return `<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>${escapeHtml(title)} – Netatmo (simulateur)</title>
<style>body{font-family:sans-serif;max-width:36em;margin:3em auto}button{margin:1em .5em 0 0;padding:.5em 1.5em}</style></head>
<body><h1>${escapeHtml(title)}</h1>${body}<p><small>Simulateur local de Netatmo Connect.</small></p></body></html>`;
}
