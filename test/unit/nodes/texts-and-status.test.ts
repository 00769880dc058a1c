// The one text helper (texts.ts) and the measure node's status values (src/measure/status.ts).
import should from 'should';
import { bucketLabel, readStatus } from '../../../src/measure/status';
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

describe('measure statuses', () => {
  const t = (key: string, params?: Record<string, string>): string => `${key} ${JSON.stringify(params ?? {})}`;
  const local = (y: number, m: number, d: number, h = 0, min = 0): number => new Date(y, m - 1, d, h, min).getTime();

  it('names a bucket by its time under a day, its date for a day or a week, its month for a month', () => {
    const now = local(2025, 6, 3, 10, 2);
    should(bucketLabel(local(2025, 6, 3, 9, 30), '30min', now)).equal('09:30');
    should(bucketLabel(local(2025, 6, 2, 21, 0), '3hours', now)).equal('2025-06-02 21:00');
    should(bucketLabel(local(2025, 6, 3), '1day', now)).equal('2025-06-03');
    should(bucketLabel(local(2025, 6, 2), '1week', now)).equal('2025-06-02');
    should(bucketLabel(local(2025, 6, 1), '1month', now)).equal('2025-06');
    // Days, weeks and months are dated in the zone they were cut in (the home's).
    should(bucketLabel(Date.UTC(2025, 5, 2, 22), '1day', now, 'Europe/Paris')).equal('2025-06-03');
    should(bucketLabel(Date.UTC(2025, 4, 31, 15), '1month', now, 'Asia/Tokyo')).equal('2025-06');
  });

  it('tells a read that sent something from one with nothing new and one without data', () => {
    const now = local(2025, 6, 3, 10, 2);
    should(readStatus(t, '30min', local(2025, 6, 3, 9, 30), true, now)).eql({
      fill: 'green',
      shape: 'dot',
      text: 'status.done {"bucket":"09:30","time":"10:02"}',
    });
    should(readStatus(t, '30min', local(2025, 6, 3, 9, 30), false, now)).eql({
      fill: 'green',
      shape: 'dot',
      text: 'status.noNew {"bucket":"09:30","time":"10:02"}',
    });
    should(readStatus(t, '30min', null, false, now)).eql({ fill: 'green', shape: 'ring', text: 'status.noData {"time":"10:02"}' });
  });
});
