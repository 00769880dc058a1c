// The cloud's time from the answers' `time_server`: believed when it differs from the board's by
// more than rounding and latency, ignored when absurd, the latest answer winning.
import should from 'should';
import { CLOCK_AGREEMENT_MS, CloudClock } from '../../../src/netatmo/cloud-clock';

const H = 3_600_000;
const TRUE = Date.UTC(2026, 11, 3, 9, 0, 0);
const answer = (ms: number): Record<string, unknown> => ({ status: 'ok', time_server: Math.floor(ms / 1000), body: [] });

describe('CloudClock', () => {
  it("is the board's clock until an answer says otherwise", () => {
    should(new CloudClock().now(TRUE + 14 * H)).equal(TRUE + 14 * H);
  });

  it("follows the cloud's time when the board runs hours ahead or behind", () => {
    const clock = new CloudClock();
    clock.observe(answer(TRUE), TRUE + 14 * H);
    should(clock.now(TRUE + 15 * H)).equal(TRUE + H);
    clock.observe(answer(TRUE), TRUE - 8 * H);
    should(clock.now(TRUE - 7 * H)).equal(TRUE + H);
  });

  it('keeps the board time when the two agree within rounding and latency (no jitter)', () => {
    const clock = new CloudClock();
    clock.observe(answer(TRUE + 999), TRUE + 1999); // time_server is whole seconds, the answer took 1 s
    should(clock.now(TRUE + 5000)).equal(TRUE + 5000);
    clock.observe(answer(TRUE), TRUE + CLOCK_AGREEMENT_MS - 1000);
    should(clock.offset()).equal(0);
  });

  it('the latest answer wins: NTP setting the board right is seen at the next answer', () => {
    const clock = new CloudClock();
    clock.observe(answer(TRUE), TRUE + 4 * H);
    should(clock.offset()).equal(-4 * H);
    clock.observe(answer(TRUE + H), TRUE + H);
    should(clock.offset()).equal(0);
  });

  it('ignores answers without a believable time_server', () => {
    const clock = new CloudClock();
    clock.observe(answer(TRUE), TRUE + 6 * H);
    for (const bad of [null, 'x', {}, { time_server: '1764752400' }, { time_server: Number.NaN }, { time_server: 0 }, { time_server: 4_200_000_000 }]) {
      clock.observe(bad, TRUE);
    }
    should(clock.offset()).equal(-6 * H);
  });
});
