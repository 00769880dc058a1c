// The measure dialog's check of `interval`, run from the editor file itself: 0, `auto` and at
// least the minimum the runtime enforces are valid; a shorter one is invalid with the reason,
// in the user's language (Node-RED 3+ shows a validator's string as the reason).
import fs from 'fs';
import path from 'path';
import vm from 'vm';
import should from 'should';
import { MIN_INTERVAL_MIN } from '../../../src/contract/editor-constants';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');

type Validate = (this: unknown, value: unknown, opt?: Record<string, unknown>) => unknown;

function intervalValidator(): Validate {
  const html = fs.readFileSync(path.join(REPO_ROOT, 'nodes', 'econetatmo-measure.html'), 'utf8');
  const scripts = [...html.matchAll(/<script type="text\/javascript">([\s\S]*?)<\/script>/g)].map((m) => m[1] ?? '').join('\n');
  const defs: Record<string, { defaults: Record<string, { validate?: Validate }> }> = {};
  const context = vm.createContext({
    RED: { nodes: { registerType: (type: string, def: (typeof defs)[string]) => (defs[type] = def) }, settings: {} },
    $: () => undefined,
    window: { location: { origin: 'http://127.0.0.1', pathname: '/' } },
  });
  vm.runInContext(scripts, context);
  const validate = defs['econetatmo-measure']?.defaults.interval?.validate;
  if (validate === undefined) throw new Error('no interval validator');
  return validate;
}

describe('measure editor: the interval check', function () {
  const validate = intervalValidator();
  const node = { _: (key: string, params?: Record<string, unknown>) => `${key} ${JSON.stringify(params ?? {})}` };

  it('accepts 0, auto and the minimum or more', function () {
    for (const v of [0, '0', 'auto', 'AUTO', MIN_INTERVAL_MIN, String(MIN_INTERVAL_MIN), 10, '60']) should(validate.call(node, v, {})).equal(true, String(v));
  });

  it('refuses 0.001, 1 and anything below the minimum, saying the minimum', function () {
    should(MIN_INTERVAL_MIN).equal(5);
    for (const v of [0.001, '0.001', 1, '4.9']) {
      should(validate.call(node, v, {})).equal(`econetatmo-measure.errors.intervalMin {"min":${MIN_INTERVAL_MIN}}`, String(v));
      // A Node-RED without reasons (2.x passes no options) gets a plain false.
      should(validate.call(node, v)).equal(false);
    }
    for (const v of ['', 'often', -1]) should(validate.call(node, v, {})).not.equal(true);
  });
});
