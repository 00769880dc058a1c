// Failures of the client told in the user's language: every reason and code the client names
// has a text in English and French, and the look-up fills in the values and falls back to the
// client's own English where a catalogue has no text.
import fs from 'fs';
import path from 'path';
import should from 'should';
import { classifyAnswer, networkError } from '../../../src/netatmo/error-map';
import { NetatmoError } from '../../../src/netatmo/errors';
import { describeError, type Lookup } from '../../../src/nodes/shared/error-texts';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');

type Catalogue = { reason: Record<string, string>; code: Record<string, string> };
function catalogue(lang: string): Catalogue {
  const file = path.join(ROOT, 'nodes', 'locales', lang, 'econetatmo-account.json');
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { 'econetatmo-account': { netatmo: Catalogue } })['econetatmo-account'].netatmo;
}

/** Node-RED's i18next look-up, as far as these texts use it: `__name__` replaced by its value. */
function lookupIn(cat: Catalogue): Lookup {
  return (key, params) => {
    const [group, name] = key.split('.');
    const text = (cat as unknown as Record<string, Record<string, string>>)[group]?.[name];
    return text === undefined ? undefined : text.replace(/__(\w+)__/g, (_, p: string) => params[p] ?? '');
  };
}

/** Every reason the client gives, read from its sources (so that a new one cannot miss its texts). */
function reasonsInSources(): string[] {
  const dir = path.join(ROOT, 'src', 'netatmo');
  const found = new Set<string>();
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    for (const m of text.matchAll(/reason: '([a-z_]+)'/g)) found.add(m[1]);
  }
  // OAuth errors are named by Netatmo's own error field.
  const map = fs.readFileSync(path.join(dir, 'error-map.ts'), 'utf8');
  const oauth = map.slice(map.indexOf('const OAUTH_ERRORS'), map.indexOf('};', map.indexOf('const OAUTH_ERRORS')));
  for (const m of oauth.matchAll(/^\s+([a-z_]+): \{/gm)) found.add(m[1]);
  return [...found].sort();
}

describe('failure texts in English and French', () => {
  const en = catalogue('en-US');
  const fr = catalogue('fr');

  it('has a text in both languages for every reason the client gives and every code it maps', () => {
    const reasons = reasonsInSources();
    should(reasons.length).be.above(20);
    should(reasons.filter((r) => en.reason[r] === undefined)).eql([]);
    should(reasons.filter((r) => fr.reason[r] === undefined)).eql([]);
    should(Object.keys(fr.code).sort()).eql(Object.keys(en.code).sort());
    should(Object.keys(fr.reason).sort()).eql(Object.keys(en.reason).sort());
    // The same values in both languages.
    for (const group of ['reason', 'code'] as const) {
      for (const [key, text] of Object.entries(en[group])) {
        const vars = (t: string): string[] => [...t.matchAll(/__(\w+)__/g)].map((m) => m[1]).sort();
        should(vars(fr[group][key])).eql(vars(text), `${group}.${key}`);
      }
    }
  });

  it('says in French what the client said in English, with its values', () => {
    const now = 0;
    const server = classifyAnswer({ status: 503, headers: {}, text: '{"error":{"code":503,"message":"x"}}' }, now);
    const overloaded = classifyAnswer({ status: 429, headers: {}, text: '{"error":{"code":11,"message":"x"}}' }, now);
    const grant = classifyAnswer({ status: 400, headers: {}, text: '{"error":"invalid_grant"}' }, now);
    const page = classifyAnswer({ status: 502, headers: { 'content-type': 'text/html' }, text: '<html>bad gateway</html>' }, now);
    if (server.ok || overloaded.ok || grant.ok || page.ok) throw new Error('expected failures');
    const french = lookupIn(fr);
    should(describeError(server.error, french)).eql('Netatmo a eu une erreur interne (HTTP 503)');
    should(describeError(overloaded.error, french)).eql('Netatmo est surchargé (trop de requêtes simultanées)');
    should(describeError(grant.error, french)).eql('Netatmo a refusé le jeton de rafraîchissement : autorisez à nouveau');
    should(describeError(page.error, french)).eql("Netatmo a répondu par une page d'erreur au lieu de données (HTTP 502)");
    should(describeError(networkError(undefined, true, 15_000), french)).eql("Netatmo n'a pas répondu en 15 s");
    // English says what the client says.
    const english = lookupIn(en);
    for (const err of [server.error, overloaded.error, grant.error, page.error, networkError('ECONNREFUSED', false, 1000)]) {
      should(describeError(err, english)).eql(err.message);
    }
  });

  it('falls back to the English text where the catalogue has none, and leaves other errors as they are', () => {
    const none: Lookup = () => undefined;
    const err = new NetatmoError('api', 'Something new', { reason: 'brand_new', code: 77 });
    should(describeError(err, none)).eql('Something new');
    should(describeError(err, lookupIn(fr))).eql('Something new');
    should(describeError(new Error('plain'), lookupIn(fr))).eql('plain');
    should(describeError('text', lookupIn(fr))).eql('text');
  });
});
