// The measure node's statuses as values (src/measure/status.ts): what each situation says, and
// the order of the statuses while a read runs.
import should from 'should';
import type { ReadProgress } from '../../../src/netatmo/types';
import { bucketLabel, readProgress, readStatus, type StatusValue } from '../../../src/measure/status';

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

  it("tells every time of a status on the home's clock, whatever the scale (a Node-RED in UTC, a home in Paris)", () => {
    const now = Date.UTC(2025, 5, 3, 8, 2); // 10:02 in Paris
    should(readStatus(t, '30min', Date.UTC(2025, 5, 3, 7, 30), true, now, 'Europe/Paris').text).equal('status.done {"bucket":"09:30","time":"10:02"}');
    should(readStatus(t, '1hour', Date.UTC(2025, 5, 2, 21), true, now, 'Europe/Paris').text).equal('status.done {"bucket":"2025-06-02 23:00","time":"10:02"}');
    should(readStatus(t, '1day', Date.UTC(2025, 5, 2, 22), true, now, 'Europe/Paris').text).equal('status.done {"bucket":"2025-06-03","time":"10:02"}');
    // Just after midnight in Tokyo, still the day before in UTC: "today" is the home's.
    const tokyo = Date.UTC(2025, 5, 2, 15, 30); // 00:30 on 3 June in Tokyo
    should(bucketLabel(Date.UTC(2025, 5, 2, 15), '30min', tokyo, 'Asia/Tokyo')).equal('00:00');
    should(bucketLabel(Date.UTC(2025, 5, 2, 14, 30), '30min', tokyo, 'Asia/Tokyo')).equal('2025-06-02 23:30');
  });
});

describe('statuses while a read runs', () => {
  const t = (key: string, params?: Record<string, string>): string => (params ? `${key} ${JSON.stringify(params)}` : key);
  const pages = (done: number, total: number): ReadProgress => ({ done, total });

  it('shows the pages of a read of several, not of a read of one', () => {
    const shown: StatusValue[] = [];
    const progress = readProgress(t, (s) => shown.push(s));
    progress.onProgress(pages(1, 1));
    should(shown).have.length(0);
    progress.onProgress(pages(1, 3));
    should(shown.map((s) => s.text)).eql(['status.readingPages {"done":"1","total":"3"}']);
  });

  it('a wait for the rate budget shows until it ends, then the pages (or "reading") again', () => {
    const shown: StatusValue[] = [];
    const progress = readProgress(t, (s) => shown.push(s));
    progress.onWait(1500);
    progress.onWait(0);
    progress.onProgress(pages(1, 4));
    progress.onWait(30_000);
    progress.onProgress(pages(2, 4)); // still waiting: the wait stays shown
    progress.onWait(0);
    should(shown.map((s) => `${s.fill} ${s.text}`)).eql([
      'yellow status.waiting {"seconds":"2"}',
      'blue status.reading',
      'blue status.readingPages {"done":"1","total":"4"}',
      'yellow status.waiting {"seconds":"30"}',
      'blue status.readingPages {"done":"2","total":"4"}',
    ]);
  });
});
