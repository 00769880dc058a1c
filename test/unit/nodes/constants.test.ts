// The editor's constants come from the TypeScript sources: the build writes them into each
// editor file, and every type the editor lists has a text in both languages.
import fs from 'fs';
import path from 'path';
import should from 'should';
import { CALLBACK_PATH, DEFAULT_API_URL, EDITOR_CONSTANTS, constantsBlock, typeTextKey, withConstants } from '../../../src/contract/editor-constants';
import { isLineId, lineDevice } from '../../../src/contract/line-id';
import { MEASURE_TYPES, SCALES } from '../../../src/contract/measure-types';
import { REPO_ROOT } from '../../support/node-red-process';

const read = (file: string): string => fs.readFileSync(path.join(REPO_ROOT, file), 'utf8');

describe('editor constants', function () {
  for (const file of ['nodes/econetatmo-account.html', 'nodes/econetatmo-measure.html']) {
    it(`${file} carries the constants of the build, and no hand copy of them`, function () {
      const html = read(file);
      should(html.includes(constantsBlock())).be.true('the block the build writes is missing or stale');
      // Outside the written block, no copy of the lists or addresses.
      const rest = html.replace(constantsBlock(), '');
      for (const copy of ['sum_energy_price$2', 'api.netatmo.com', '"1month"', 'oauth/callback"', '#[0-8]']) {
        should(rest.includes(copy)).be.false(`${file} holds a hand copy: ${copy}`);
      }
      should(withConstants(html) === html).be.true();
    });
  }

  it("are the runtime's own", function () {
    should(EDITOR_CONSTANTS.types.map(([t]) => t)).eql([...MEASURE_TYPES]);
    should(EDITOR_CONSTANTS.scales).eql([...SCALES]);
    should(`/${EDITOR_CONSTANTS.callbackPath}`).equal(CALLBACK_PATH);
    should(EDITOR_CONSTANTS.defaultApiUrl).equal(DEFAULT_API_URL);
  });

  it('give the editor the one line id rule of src/contract/line-id.ts', function () {
    // The editor builds its RegExps as nodes/econetatmo-measure.html does.
    const lineId = new RegExp(EDITOR_CONSTANTS.lineId, EDITOR_CONSTANTS.idFlags);
    const deviceId = new RegExp(EDITOR_CONSTANTS.deviceId, EDITOR_CONSTANTS.idFlags);
    for (const id of [
      '00:04:74:12:36:42#3',
      '00:04:74:AB:cd:42#0',
      '00:04:74:12:36:42#8',
      '00:04:74:12:36:42#9',
      '00:04:74:12:36#3',
      ' 00:04:74:12:36:42#3',
      'x',
    ]) {
      should(lineId.test(id)).equal(isLineId(id), id);
    }
    should(deviceId.test('00:04:74:AB:cd:42')).be.true();
    should(deviceId.test('00:04:74:12:36:42#3')).be.false();
    should(deviceId.test(lineDevice('00:04:74:12:36:42#3') ?? '')).be.true();
  });

  it('every type and scale has its text in English and French', function () {
    for (const lang of ['en-US', 'fr']) {
      const texts = JSON.parse(read(`nodes/locales/${lang}/econetatmo-measure.json`)) as {
        'econetatmo-measure': { types: Record<string, string>; scale: Record<string, string> };
      };
      for (const type of MEASURE_TYPES) should(typeof texts['econetatmo-measure'].types[typeTextKey(type)]).equal('string', `${lang}: ${type}`);
      for (const scale of SCALES) should(typeof texts['econetatmo-measure'].scale[scale]).equal('string', `${lang}: ${scale}`);
    }
  });

  it('refuses an editor file without markers', function () {
    should(() => withConstants('<script></script>')).throw(/markers/);
  });
});
