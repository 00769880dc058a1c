// The texts the nodes show: statuses cut at a word boundary, failures as readable text.
import should from 'should';
import { fail, failureText } from '../../../src/nodes/shared/status-text';
import { shorten } from '../../../src/lib/text';
import { NetatmoError } from '../../../src/netatmo/errors';

describe('status texts', function () {
  it('cuts a long status at a word boundary, never mid-word', function () {
    const text = 'Netatmo refused the request as malformed because the module identifier was not accepted by the cloud';
    const short = shorten(text);
    should(short.length).be.belowOrEqual(80);
    should(short.endsWith('…')).be.true();
    const words = short.slice(0, -1).split(' ');
    for (const word of words) should(text.split(' ')).containEql(word);
    should(shorten('short text')).equal('short text');
    should(shorten('  two\n lines ')).equal('two lines');
  });

  it('cuts a single overlong word where it must', function () {
    const id = 'x'.repeat(200);
    should(shorten(id, 20)).equal(`${'x'.repeat(19)}…`);
  });

  it('gives done(err) the text itself, so Catch nodes get no "Error:" prefix and the sidebar shows it whole', function () {
    const got: unknown[] = [];
    fail((err?: Error) => got.push(err), new NetatmoError('api', 'Netatmo had an internal error (HTTP 500)'));
    fail((err?: Error) => got.push(err), 'Unknown scale 2min (known: 30min, 1hour)');
    should(got).eql(['Netatmo had an internal error (HTTP 500)', 'Unknown scale 2min (known: 30min, 1hour)']);
    should(failureText(new Error('boom'))).equal('boom');
    should(failureText(new NetatmoError('api', 'x'), () => 'en français')).equal('en français');
  });
});
