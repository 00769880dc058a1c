// The account dialog's tariff route: what each home's electricity schedule gives (one
// /api/homesdata), in the simulator's two homes: Paris peak/off-peak in EUR, Tokyo basic in JPY;
// a schedule that cannot be used says why, in words.
import should from 'should';
import { accountFlow, accountNode, CLIENT_ID, CLIENT_SECRET, helper, useSimulatorAndUserDir } from './account-harness';

const ID = 'acc1';

interface TariffAnswer {
  homeName: string;
  currency: string | null;
  tariffOption: string | null;
  zones: Array<{ priceType: string; price: number }>;
  timetableEntries: number;
  problem: string | null;
}

describe('econetatmo-account: the tariff route', function () {
  const files = useSimulatorAndUserDir();

  async function connected(): Promise<void> {
    await helper.load(accountNode, accountFlow(ID, files.sim.url), { [ID]: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET } });
    const pasted = files.sim.issueTokens();
    await helper
      .request()
      .post(`/econetatmo/accounts/${ID}/tokens`)
      .send({ accessToken: pasted.accessToken, refreshToken: pasted.refreshToken })
      .set('Content-Type', 'application/json');
  }

  afterEach(function () {
    files.sim.rewriteAnswers('/api/homesdata', null);
  });

  it("shows each home's zones, prices, timetable and currency", async function () {
    await connected();
    const res = (await helper.request().get(`/econetatmo/accounts/${ID}/tariffs`)) as { status: number; body: TariffAnswer[] };
    should(res.status).equal(200);
    should(res.body).have.length(2);
    const [paris, tokyo] = res.body;
    should(paris.currency).equal('EUR');
    should(paris.tariffOption).equal('peak_and_off_peak');
    should(paris.zones).eql([
      { priceType: 'peak', price: 0.27 },
      { priceType: 'off_peak', price: 0.2 },
    ]);
    should(paris.timetableEntries).equal(15);
    should(paris.problem).be.null();
    should(tokyo.currency).equal('JPY');
    should(tokyo.zones).eql([{ priceType: 'basic', price: 31 }]);
  });

  it('a schedule that cannot be used: no zones, and the reason in words', async function () {
    files.sim.rewriteAnswers('/api/homesdata', (body) => {
      const b = body as { homes: Array<{ schedules?: Array<{ type: string; zones: Array<{ price: unknown }> }> }> };
      for (const s of b.homes[0].schedules ?? []) if (s.type === 'electricity') s.zones[0].price = -1;
      return body;
    });
    await connected();
    const res = (await helper.request().get(`/econetatmo/accounts/${ID}/tariffs`)) as { status: number; body: TariffAnswer[] };
    should(res.status).equal(200);
    should(res.body[0].zones).eql([]);
    should(res.body[0].problem).match(/bad_price|-1/);
  });
});
