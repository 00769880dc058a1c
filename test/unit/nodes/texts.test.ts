// The one text helper of the nodes (src/nodes/shared/texts.ts).
import should from 'should';
import { lookupText, texts } from '../../../src/nodes/shared/texts';

/** A RED._ over one catalogue; a missing key answers with the key, as Node-RED's does. */
function fakeRED(catalogue: Record<string, string>) {
  return {
    _: (key: string, params?: Record<string, string | number>): string => {
      const bare = key.includes(':') ? key.slice(key.indexOf(':') + 1) : key;
      const text = catalogue[bare];
      if (text === undefined) return key;
      return text.replace(/__(\w+)__/g, (_m, k: string) => String(params?.[k] ?? ''));
    },
  };
}

describe('texts', () => {
  const RED = fakeRED({ 'econetatmo-measure.status.done': 'last bucket __bucket__ · read __time__' });

  it("says the catalogue's text, with its parameters", () => {
    should(texts(RED, 'econetatmo-measure')('status.done', { bucket: '09:30', time: '10:02' })).equal('last bucket 09:30 · read 10:02');
  });

  it('says the key and its parameters where no catalogue has the text', () => {
    const t = texts(RED, 'econetatmo-measure');
    should(t('status.reading')).equal('econetatmo-measure.status.reading');
    should(t('errors.badScale', { scale: '"2min"' })).equal('econetatmo-measure.errors.badScale (scale="2min")');
    should(lookupText(RED, 'node-red-contrib-econetatmo/econetatmo-account:econetatmo-account.netatmo.code.9')).be.undefined();
  });
});
