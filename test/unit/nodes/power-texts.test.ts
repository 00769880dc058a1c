// The power node's catalogues: English and French say the same things, and every text the
// runtime asks for is there (a missing one would show its key to the user).
import fs from 'fs';
import path from 'path';
import should from 'should';
import { REPO_ROOT } from '../../support/node-red-process';

function keys(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => keys(v, prefix === '' ? k : `${prefix}.${k}`));
}

function catalogue(lang: string): Record<string, unknown> {
  const file = path.join(REPO_ROOT, 'nodes', 'locales', lang, 'econetatmo-power.json');
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, Record<string, unknown>>)['econetatmo-power'];
}

describe('econetatmo-power texts', function () {
  it('English and French have the same texts, with the same parameters', function () {
    const en = catalogue('en-US');
    const fr = catalogue('fr');
    should(keys(fr).sort()).eql(keys(en).sort());
    const params = (cat: Record<string, unknown>, key: string): string[] =>
      [...String(key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], cat)).matchAll(/__(\w+)__/g)].map((m) => m[1]).sort();
    for (const key of keys(en)) should(params(fr, key)).eql(params(en, key), key);
  });

  it('has every text the runtime asks for', function () {
    const sources = ['measure/power-controller.ts', 'measure/power-status.ts', 'nodes/power/power.ts'].map((f) =>
      fs.readFileSync(path.join(REPO_ROOT, 'src', f), 'utf8'),
    );
    const asked = new Set<string>();
    for (const source of sources) for (const m of source.matchAll(/\bt\('([a-zA-Z.]+)'/g)) asked.add(m[1]);
    for (const reason of ['power', 'lastSeen', 'home']) asked.add(`warnings.${reason}`);
    for (const key of ['errors.badInterval', 'errors.badModules']) asked.add(key);
    should(asked.size).be.above(10);
    const known = new Set(keys(catalogue('en-US')));
    for (const key of asked) should(known.has(key)).be.true(`missing text ${key}`);
  });
});
