// The OAuth2 side: the consent page, its decision, and the token endpoint (authorization_code and
// refresh_token grants with rotation).
import type { ServerResponse } from 'http';
import { hex } from './hash';
import { escapeHtml, sendJson, sendText } from './http-util';
import type { TokenGrant, TokenStore } from './tokens';
import type { SimStats } from './types';

const CODE_LIFETIME_MS = 10 * 60 * 1000;
const APP_NAME = 'Node-RED econetatmo';

/** The consent pages speak the browser's language: French or English (Accept-Language, or `lang`). */
type Lang = 'en' | 'fr';
const TEXT = {
  en: {
    refusedTitle: 'Request refused',
    authorizeTitle: 'Authorise the application',
    asks: (app: string) => `The application <strong id="app-name">${app}</strong> asks to access your account:`,
    backTo: (uri: string) => `You will then be sent back to <code id="redirect-uri">${uri}</code>.`,
    approve: 'Approve',
    deny: 'Deny',
    footer: 'Local simulator of Netatmo Connect.',
    scope: { read_magellan: 'Read the data of your Legrand devices (ecocounter, consumption)' } as Record<string, string>,
    unknownClient: 'Unknown application (client_id).',
    missingRedirect: 'redirect_uri is missing.',
    badRedirect: 'redirect_uri is not valid.',
    simulator: 'simulator',
  },
  fr: {
    refusedTitle: 'Demande refusée',
    authorizeTitle: 'Autoriser l’application',
    asks: (app: string) => `L’application <strong id="app-name">${app}</strong> demande l’accès à votre compte :`,
    backTo: (uri: string) => `Vous serez ensuite renvoyé vers <code id="redirect-uri">${uri}</code>.`,
    approve: 'Accepter',
    deny: 'Refuser',
    footer: 'Simulateur local de Netatmo Connect.',
    scope: { read_magellan: 'Lire les données de vos appareils Legrand (écocompteur, consommations)' } as Record<string, string>,
    unknownClient: 'Application inconnue (client_id).',
    missingRedirect: 'redirect_uri manquant.',
    badRedirect: 'redirect_uri invalide.',
    simulator: 'simulateur',
  },
};

/** `lang=fr|en` wins; else the first of fr/en in Accept-Language; else English. */
export function pickLang(param: string | null, acceptLanguage: string | undefined): Lang {
  if (param === 'fr' || param === 'en') return param;
  for (const part of (acceptLanguage ?? '').split(',')) {
    const tag = part.split(';')[0]?.trim().toLowerCase() ?? '';
    if (tag.startsWith('fr')) return 'fr';
    if (tag.startsWith('en')) return 'en';
  }
  return 'en';
}

/** The request behind a response (Node sets `res.req`): its Accept-Language, if any. */
function acceptLanguage(res: ServerResponse): string | undefined {
  const header = (res as ServerResponse & { req?: { headers?: Record<string, string | string[] | undefined> } }).req?.headers?.['accept-language'];
  return Array.isArray(header) ? header.join(',') : header;
}

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
    const lang = pickLang(p.get('lang'), acceptLanguage(res));
    const text = TEXT[lang];
    const problem = this.checkAuthorizeRequest(p, lang);
    if (problem) return sendText(res, 400, page(lang, text.refusedTitle, `<p>${escapeHtml(problem)}</p>`), 'text/html; charset=utf-8');
    const scope = p.get('scope') || 'read_magellan';
    const hidden =
      ['client_id', 'redirect_uri', 'state'].map((k) => `<input type="hidden" name="${k}" value="${escapeHtml(p.get(k) ?? '')}">`).join('') +
      `<input type="hidden" name="scope" value="${escapeHtml(scope)}"><input type="hidden" name="lang" value="${lang}">`;
    const scopes = scope
      .split(/[ ,]+/)
      .filter(Boolean)
      .map((s) => `<li><code>${escapeHtml(s)}</code> ${escapeHtml(text.scope[s] ?? '')}</li>`)
      .join('');
    const body = `<p>${text.asks(escapeHtml(APP_NAME))}</p>
<ul id="scopes">${scopes}</ul>
<p>${text.backTo(escapeHtml(p.get('redirect_uri') ?? ''))}</p>
<form method="post" action="/oauth2/authorize/decision" style="display:inline">${hidden}<input type="hidden" name="decision" value="approve"><button id="approve" type="submit">${text.approve}</button></form>
<form method="post" action="/oauth2/authorize/decision" style="display:inline">${hidden}<input type="hidden" name="decision" value="deny"><button id="deny" type="submit">${text.deny}</button></form>`;
    sendText(res, 200, page(lang, text.authorizeTitle, body), 'text/html; charset=utf-8');
  }

  /** POST /oauth2/authorize/decision: back to the redirect URI with a code or access_denied. */
  decision(p: URLSearchParams, res: ServerResponse): void {
    const lang = pickLang(p.get('lang'), acceptLanguage(res));
    const problem = this.checkAuthorizeRequest(p, lang);
    if (problem) return sendText(res, 400, page(lang, TEXT[lang].refusedTitle, `<p>${escapeHtml(problem)}</p>`), 'text/html; charset=utf-8');
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

  private checkAuthorizeRequest(p: URLSearchParams, lang: Lang): string | undefined {
    const text = TEXT[lang];
    if (p.get('client_id') !== this.o.clientId) return text.unknownClient;
    const redirectUri = p.get('redirect_uri');
    if (!redirectUri) return text.missingRedirect;
    try {
      const u = new URL(redirectUri);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') return text.badRedirect;
    } catch {
      return text.badRedirect;
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
      access_token: g.accessToken,
      refresh_token: g.refreshToken,
      expires_in: g.expiresIn,
      expire_in: g.expiresIn,
      scope: ['read_magellan'],
    });
  }

  private fail(res: ServerResponse, error: string): void {
    if (error === 'invalid_grant') this.o.stats.invalidGrant++;
    sendJson(res, 400, { error });
  }
}

function page(lang: Lang, title: string, body: string): string {
  // The empty icon: the browser asks for no /favicon.ico (a 404 in every console).
  return `<!DOCTYPE html><html lang="${lang}"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>${escapeHtml(title)} – Netatmo (${TEXT[lang].simulator})</title>
<style>body{font-family:sans-serif;max-width:36em;margin:3em auto}button{margin:1em .5em 0 0;padding:.5em 1.5em}</style></head>
<body><h1>${escapeHtml(title)}</h1>${body}<p><small>${TEXT[lang].footer}</small></p></body></html>`;
}
