// The pure parts of the account node: the callback page, the one-time states, the checks of
// what the editor sends, and the record of refresh tokens the runtime already knows.
import should from 'should';
import { isValidApiUrl, isValidNodeId, isValidRedirectUri, normaliseApiUrl, givenString } from '../../src/nodes/account/config';
import { renderPage } from '../../src/nodes/account/oauth-page';
import { OAuthStates, STATE_LIFETIME_MS } from '../../src/account/oauth-states';
import { VirtualClock } from '../support/virtual-clock';

const attempt = {
  nodeId: 'n1',
  clientId: 'c',
  clientSecret: 's',
  apiUrl: 'http://127.0.0.1:1',
  redirectUri: 'http://127.0.0.1:1880/econetatmo/oauth/callback',
};

describe('econetatmo-account parts', function () {
  describe('callback page', function () {
    it('escapes every text and keeps the script data inert', function () {
      const html = renderPage(
        { title: '<b>t</b>', message: '"><img src=x onerror=alert(1)>', closeHint: "it's" },
        { targetOrigin: 'http://127.0.0.1:1880', data: { type: 'econetatmo-connected', id: '</script><script>alert(2)</script>' }, closeSelf: true },
      );
      html.should.not.containEql('<b>t</b>');
      html.should.not.containEql('<img');
      html.should.containEql('&#60;b&#62;t&#60;/b&#62;');
      html.should.not.containEql('</script><script>alert(2)');
      html.should.containEql('\\u003c/script\\u003e');
      html.should.containEql('window.opener.postMessage(m.data, m.targetOrigin)');
    });

    it('closes itself on success only: a failure stays readable, and asks for no favicon', function () {
      const page = (closeSelf: boolean): string =>
        renderPage({ title: 'x', message: 'y' }, { targetOrigin: 'http://127.0.0.1:1880', data: { type: 't', id: 'n' }, closeSelf });
      page(true).should.containEql('"closeSelf":true');
      page(false).should.containEql('"closeSelf":false');
      page(false).should.containEql('if (m.closeSelf)');
      page(false).should.containEql('<link rel="icon" href="data:,">');
    });

    it('has no script when there is nobody to tell', function () {
      renderPage({ title: 'x', message: 'y' }).should.not.containEql('<script');
    });
  });

  describe('one-time states', function () {
    it('are 32 random bytes, single use and bound to their attempt', function () {
      const states = new OAuthStates();
      const a = states.issue(attempt);
      const b = states.issue({ ...attempt, nodeId: 'n2' });
      a.should.match(/^[0-9a-f]{64}$/);
      a.should.not.equal(b);
      const taken = states.take(b);
      taken.should.containEql({ ok: true });
      if (taken.ok) taken.attempt.nodeId.should.equal('n2');
      states.take(b).should.deepEqual({ ok: false, reason: 'used' });
      states.take('f'.repeat(64)).should.deepEqual({ ok: false, reason: 'unknown' });
      states.take(a).ok.should.be.true();
    });

    it('expire after ten minutes on the clock they are given', function () {
      const clock = new VirtualClock({ start: 1_000_000 });
      const states = new OAuthStates(() => clock);
      const fresh = states.issue(attempt);
      const stale = states.issue(attempt);
      clock.advanceSync(STATE_LIFETIME_MS - 1);
      states.take(fresh).ok.should.be.true();
      clock.advanceSync(1);
      states.take(stale).should.deepEqual({ ok: false, reason: 'expired' });
    });
  });

  describe('checks', function () {
    it('accepts only our own callback over http(s) as redirect URI', function () {
      isValidRedirectUri('http://127.0.0.1:1880/econetatmo/oauth/callback').should.be.true();
      isValidRedirectUri('https://nr.example.org/admin/econetatmo/oauth/callback').should.be.true();
      isValidRedirectUri('https://nr.example.org/econetatmo/oauth/callback?x=1').should.be.false();
      isValidRedirectUri('https://evil.example/steal').should.be.false();
      isValidRedirectUri('javascript:alert(1)//econetatmo/oauth/callback').should.be.false();
      isValidRedirectUri('not a url').should.be.false();
      // Home Assistant's ingress: a session token in the path, not an address Netatmo can keep.
      isValidRedirectUri('https://ha.example/api/hassio_ingress/abc/econetatmo/oauth/callback').should.be.false();
    });

    it('accepts node ids and refuses paths', function () {
      isValidNodeId('a1b2c3d4e5f60718').should.be.true();
      isValidNodeId('a1b2c3d4.e5f607').should.be.true();
      isValidNodeId('..').should.be.false();
      isValidNodeId('../x').should.be.false();
      isValidNodeId('').should.be.false();
    });

    it('normalises the API URL and ignores the password placeholder', function () {
      normaliseApiUrl(undefined).should.equal('https://api.netatmo.com');
      normaliseApiUrl('http://127.0.0.1:9/').should.equal('http://127.0.0.1:9');
      isValidApiUrl('ftp://x').should.be.false();
      isValidApiUrl('http://127.0.0.1:9').should.be.true();
      should(givenString('__PWRD__')).be.undefined();
      should(givenString('  ')).be.undefined();
      should(givenString(42)).be.undefined();
      givenString(' id ')!.should.equal('id');
    });
  });
});
