// The simulator's consent page speaks the browser's language (French or English) and makes the
// browser ask for no favicon.
import should from 'should';
import { startSimulator, type Simulator } from '../../src/simulator';
import { pickLang } from '../../src/simulator/oauth';

describe('simulator consent page', function () {
  let sim: Simulator;
  before(async () => {
    sim = await startSimulator({ port: 0 });
  });
  after(async () => {
    await sim.close();
  });

  async function consentPage(headers: Record<string, string>, lang?: string): Promise<string> {
    const q = new URLSearchParams({
      client_id: sim.clientId,
      redirect_uri: 'http://127.0.0.1:1880/econetatmo/oauth/callback',
      scope: 'read_magellan',
      state: 's',
    });
    if (lang !== undefined) q.set('lang', lang);
    const res = await fetch(`${sim.url}/oauth2/authorize?${q}`, { headers });
    should(res.status).equal(200);
    return res.text();
  }

  it('answers in English or in French after Accept-Language, or the lang parameter', async () => {
    const en = await consentPage({ 'Accept-Language': 'en-US,en;q=0.9' });
    should(en).containEql('<html lang="en">');
    should(en).match(/<button id="approve" type="submit">Approve<\/button>/);
    should(en).containEql('Read the data of your Legrand devices');
    const fr = await consentPage({ 'Accept-Language': 'fr-FR,fr;q=0.9,en;q=0.5' });
    should(fr).containEql('<html lang="fr">');
    should(fr).match(/<button id="approve" type="submit">Accepter<\/button>/);
    should(fr).containEql('Lire les données de vos appareils Legrand');
    should(await consentPage({ 'Accept-Language': 'fr' }, 'en')).containEql('<html lang="en">');
    // The decision keeps the language for its own pages.
    should(fr).containEql('<input type="hidden" name="lang" value="fr">');
  });

  it('asks for no favicon', async () => {
    should(await consentPage({})).containEql('<link rel="icon" href="data:,">');
  });

  it('picks the first of French or English, English by default', () => {
    should(pickLang(null, 'de-DE,fr;q=0.8,en;q=0.5')).equal('fr');
    should(pickLang(null, 'en-GB,fr')).equal('en');
    should(pickLang(null, undefined)).equal('en');
    should(pickLang('fr', 'en')).equal('fr');
    should(pickLang('xx', 'fr-CA')).equal('fr');
  });
});
