// Small pure checks and defaults of the account config node, apart from Node-RED.
import { CALLBACK_PATH, DEFAULT_API_URL } from '../../contract/editor-constants';
import { isCurrencyCode, isPrice, type OwnPrices } from '../../contract/tariff';

export { CALLBACK_PATH, DEFAULT_API_URL };
/** What the editor shows in a password field that holds a stored value. */
export const PASSWORD_PLACEHOLDER = '__PWRD__';

/** The credentials of the config node, as Node-RED keeps them. */
export interface AccountCredentials {
  clientId?: string;
  clientSecret?: string;
  accessToken?: string;
  refreshToken?: string;
}

export function readCredentials(value: unknown): AccountCredentials {
  if (typeof value !== 'object' || value === null) return {};
  const v = value as Record<string, unknown>;
  const pick = (k: string): string | undefined => (typeof v[k] === 'string' && v[k] !== '' ? (v[k] as string) : undefined);
  return {
    clientId: pick('clientId'),
    clientSecret: pick('clientSecret'),
    accessToken: pick('accessToken'),
    refreshToken: pick('refreshToken'),
  };
}

/** A string the editor sent, or undefined when empty, missing or the password placeholder. */
export function givenString(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' || trimmed === PASSWORD_PLACEHOLDER ? undefined : trimmed;
}

/** Node ids name files on disk: accept only what Node-RED generates. */
export function isValidNodeId(id: string): boolean {
  return /^[A-Za-z0-9_.-]{1,64}$/.test(id) && !/^\.+$/.test(id);
}

function httpUrl(value: string): URL | undefined {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

export function isValidApiUrl(value: string): boolean {
  const url = httpUrl(value);
  return url !== undefined && url.search === '' && url.hash === '' && url.username === '' && url.password === '';
}

/** The API base without a trailing slash. */
export function normaliseApiUrl(value: string | undefined): string {
  const v = (value ?? '').trim();
  return (v === '' ? DEFAULT_API_URL : v).replace(/\/+$/, '');
}

/**
 * Home Assistant's ingress serves Node-RED under a session token that changes: such an address
 * cannot be registered at Netatmo (the README says to open the add-on's own port instead).
 * The editor holds the same rule (nodes/econetatmo-account.html).
 */
const INGRESS_PATH = '/api/hassio_ingress/';

/** The editor computes it from its location; we only accept our own callback over http(s). */
export function isValidRedirectUri(value: string): boolean {
  const url = httpUrl(value);
  return (
    url !== undefined &&
    url.pathname.endsWith(CALLBACK_PATH) &&
    !url.pathname.includes(INGRESS_PATH) &&
    url.search === '' &&
    url.hash === '' &&
    url.username === ''
  );
}

/**
 * The account's own prices (`tariff: own`), or null for the cloud's (`cloud`, the default). An
 * empty or non-positive price is unknown; a currency that is not three letters is none (the
 * dialog refuses both before they get here).
 */
export function readOwnPrices(config: Record<string, unknown>): OwnPrices | null {
  if (config.tariff !== 'own') return null;
  const price = (value: unknown): number | null => {
    const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
    return isPrice(n) ? n : null;
  };
  const currency = typeof config.currency === 'string' ? config.currency.trim().toUpperCase() : '';
  return {
    priceBasic: price(config.priceBasic),
    pricePeak: price(config.pricePeak),
    priceOffPeak: price(config.priceOffPeak),
    currency: isCurrencyCode(currency) ? currency : null,
  };
}
