// The secret that seals the token files: the one Node-RED encrypts its own credentials with
// (runtime/lib/nodes/credentials.js), as far as a node can reach it. The user's
// `credentialSecret` (settings.js) first; else the one Node-RED generated and keeps in
// `.config.runtime.json` (`_credentialSecret`). When the user sets their own after Node-RED
// generated one, the generated one still opens the files sealed before (they are then sealed
// again); `credentialSecret: false` turns Node-RED's encryption off, and ours with it. A
// project's own secret is not reachable from a node: there the generated or user one is used.
import type { TokenSecrets } from '../../netatmo/token-file';

interface SettingsLike {
  credentialSecret?: unknown;
  get?: (key: string) => unknown;
}

function generatedSecret(settings: SettingsLike): string | undefined {
  try {
    const value = typeof settings.get === 'function' ? settings.get('_credentialSecret') : undefined;
    return typeof value === 'string' && value !== '' ? value : undefined;
  } catch {
    // Node-RED's settings throw before the runtime's own settings are loaded.
    return undefined;
  }
}

export function tokenSecrets(settings: unknown): TokenSecrets {
  const s = (typeof settings === 'object' && settings !== null ? settings : {}) as SettingsLike;
  const generated = generatedSecret(s);
  const previous = generated === undefined ? [] : [generated];
  const user = s.credentialSecret;
  if (typeof user === 'string' && user !== '') return { current: user, previous };
  if (user === false) return { previous };
  return generated === undefined ? {} : { current: generated };
}
