// The one way the runtime says a text in the user's language: Node-RED's `RED._` over our
// catalogues (nodes/locales/<lang>/<node type>.json). When no catalogue has the text (a runtime
// without our catalogues, as under the test helper), the key is said with its parameters, so
// that a log or a test still shows what was meant.
import type { NodeAPI } from 'node-red';
import type { Translate } from '../../lib/text';

/**
 * The catalogue's text for `key` (`<namespace>.<path>`, optionally `<module>/<set>:` in front),
 * or undefined when it has none: Node-RED answers a missing text with its key.
 */
export function lookupText(RED: Pick<NodeAPI, '_'>, key: string, params: Record<string, string> = {}): string | undefined {
  const text: unknown = RED._(key, params);
  const bare = key.includes(':') ? key.slice(key.indexOf(':') + 1) : key;
  return typeof text === 'string' && text !== '' && !text.endsWith(bare) ? text : undefined;
}

/** The texts of one catalogue: `texts(RED, 'econetatmo-measure')('status.reading')`. */
export function texts(RED: Pick<NodeAPI, '_'>, namespace: string): Translate {
  return (key, params = {}) => {
    const full = `${namespace}.${key}`;
    const text = lookupText(RED, full, params);
    if (text !== undefined) return text;
    const detail = Object.entries(params)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ');
    return detail ? `${full} (${detail})` : full;
  };
}
