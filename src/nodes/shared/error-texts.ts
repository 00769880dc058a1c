// The text of a failure in the user's language. The client (src/netatmo) explains each failure
// in English and names it (`reason`, or Netatmo's `code`) with the values its text uses; the
// account's catalogue (`econetatmo-account.netatmo.*`, en-US and fr) says the same per name.
// Where the catalogue has no text (an unnamed failure, or a runtime without our catalogues,
// as under the test helper) the client's English text is used as it is.
import type { NodeAPI } from 'node-red';
import { NetatmoError } from '../../netatmo/errors';
import type { DescribeError } from '../../measure/status';
import { errorText } from '../../lib/text';
import { lookupText } from './texts';

/** A catalogue look-up: the text, or undefined when the catalogue has none for `key`. */
export type Lookup = (key: string, params: Record<string, string>) => string | undefined;

export type { DescribeError } from '../../measure/status';

/**
 * Node-RED prefixes a key without a namespace with the calling node set's own (`<module>/<set>`):
 * the texts live in the account's catalogue, so the sync and measure nodes must name it.
 */
const ACCOUNT_CATALOGUE = 'node-red-contrib-econetatmo/econetatmo-account';

export function catalogueLookup(RED: Pick<NodeAPI, '_'>): Lookup {
  return (key, params) => lookupText(RED, `${ACCOUNT_CATALOGUE}:econetatmo-account.netatmo.${key}`, params);
}

export function describeError(err: unknown, lookup: Lookup): string {
  if (!(err instanceof NetatmoError)) return errorText(err);
  const params: Record<string, string> = { ...(err.params ?? {}) };
  if (err.status !== undefined) params.status = String(err.status);
  if (err.code !== undefined) params.code = String(err.code);
  const keys = [err.reason !== undefined ? `reason.${err.reason}` : null, err.code !== undefined ? `code.${err.code}` : null];
  for (const key of keys) {
    if (key === null) continue;
    const text = lookup(key, params);
    if (text !== undefined) return text;
  }
  return err.message;
}

export function errorDescriber(RED: Pick<NodeAPI, '_'>): DescribeError {
  const lookup = catalogueLookup(RED);
  return (err) => describeError(err, lookup);
}
