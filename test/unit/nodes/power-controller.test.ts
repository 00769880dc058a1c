// The power node's behaviour without Node-RED: what it sends on input and on its timer, its
// settings' problems, its warnings and status; and the account's shared homestatus reads.
import should from 'should';
import { PowerController, nextReadAt, type Message } from '../../../src/measure/power-controller';
import { PowerReads, POWER_SHARE_MS, type PowerSource } from '../../../src/account/power-reads';
import { AccountServices } from '../../../src/account/services';
import type { Line } from '../../../src/contract/line';
import type { HomeStatus, ModulePower } from '../../../src/netatmo/homestatus';
import { NetatmoError } from '../../../src/netatmo/errors';
import { RateBudget } from '../../../src/netatmo/rate-budget';
import type { StatusValue } from '../../../src/measure/status';
import { VirtualClock, flush } from '../../support/virtual-clock';
import { moduleLine } from '../../support/lines';

const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);
const H1 = 'home-1';
const H2 = 'home-2';

function module(homeId: string, moduleId: string, model: string, name = moduleId): Line {
  return moduleLine({ homeId, moduleId, model, name, role: model === 'NLE' ? 'total' : 'appliance' });
}

const MODULES: Line[] = [
  module(H1, 'nlpc', 'NLPC', 'Compteur'),
  module(H1, 'plug', 'NLP', 'Prise'),
  module(H1, 'nle', 'NLE', 'Écocompteur'),
  module(H2, 'other', 'NLP', 'Prise 2'),
];

/** A cloud whose modules' power the test sets, counting the homestatus requests. */
class FakeCloud implements PowerSource {
  readonly asked: string[] = [];
  modulesAsked = 0;
  power = new Map<string, Partial<ModulePower>>([
    ['nlpc', { power: 500 }],
    ['plug', { power: 0 }],
    ['other', { power: 20 }],
  ]);
  skipped: HomeStatus['skipped'] = [];
  fail: unknown = null;
  constructor(private readonly clock: VirtualClock) {}

  getLines(): Promise<Line[]> {
    this.modulesAsked += 1;
    return Promise.resolve(MODULES);
  }

  waitMs = 0;
  readHomeStatus(homeId: string, options: { onWait?: (ms: number) => void } = {}): Promise<HomeStatus> {
    this.asked.push(homeId);
    if (this.waitMs > 0) options.onWait?.(this.waitMs);
    if (this.fail !== null) return Promise.reject(this.fail);
    const modules: ModulePower[] = [];
    const skipped = new Set(this.skipped.map((x) => x.moduleId));
    for (const m of MODULES.filter((x) => x.homeId === homeId && x.model !== 'NLE' && !skipped.has(x.moduleId))) {
      const set = this.power.get(m.moduleId) ?? {};
      modules.push({ moduleId: m.moduleId, model: m.model, bridge: 'gw', power: 0, lastSeen: this.clock.now() - 5_000, reachable: true, ...set });
    }
    const noPower = MODULES.filter((x) => x.homeId === homeId && x.model === 'NLE').map((x) => x.moduleId);
    return Promise.resolve({ homeId, modules, noPower, skipped: this.skipped.filter(() => homeId === H1) });
  }
}

const t = (key: string, params: Record<string, string> = {}): string => `${key}${Object.keys(params).length > 0 ? ` ${JSON.stringify(params)}` : ''}`;

function rig(config: Record<string, unknown>) {
  const clock = new VirtualClock({ start: T0 + 1_000 });
  const cloud = new FakeCloud(clock);
  const services = new AccountServices(cloud, clock);
  const sent: Message[][] = [];
  const statuses: StatusValue[] = [];
  const errors: string[] = [];
  const warnings: string[] = [];
  const controller = new PowerController(
    {
      services,
      clock: () => clock,
      t,
      describe: (err) => (err instanceof Error ? err.message : String(err)),
      status: (s) => statuses.push(s),
      send: (msgs) => sent.push(msgs),
      error: (text) => errors.push(text),
      warn: (text) => warnings.push(text),
    },
    config,
  );
  return { clock, cloud, controller, sent, statuses, errors, warnings };
}

describe('PowerController', () => {
  it('each: one message per module, topic = name, payload = W, msg.power = the reading', async () => {
    const r = rig({ modules: ['nlpc', 'plug'], interval: 0 });
    const out = await r.controller.input();
    should(out.error).be.null();
    should(out.messages).eql([
      {
        topic: 'Compteur',
        payload: 500,
        power: {
          homeId: H1,
          deviceId: 'gw',
          moduleId: 'nlpc',
          name: 'Compteur',
          model: 'NLPC',
          role: 'appliance',
          power: 500,
          lastSeen: T0 - 4_000,
          reachable: true,
        },
      },
      {
        topic: 'Prise',
        payload: 0,
        power: {
          homeId: H1,
          deviceId: 'gw',
          moduleId: 'plug',
          name: 'Prise',
          model: 'NLP',
          role: 'appliance',
          power: 0,
          lastSeen: T0 - 4_000,
          reachable: true,
        },
      },
    ]);
    should(r.cloud.asked).eql([H1]); // only the chosen modules' home
  });

  it('all, with no module chosen: one message with every module that reports power, of every home', async () => {
    const r = rig({ modules: '', interval: 0, output: 'all' });
    const out = await r.controller.input();
    should(out.messages.length).equal(1);
    should((out.messages[0]?.payload as Array<{ moduleId: string }>).map((x) => x.moduleId)).eql(['nlpc', 'plug', 'other']);
    should(r.cloud.asked.sort()).eql([H1, H2]);
  });

  it('on the timer only what changed; on input everything', async () => {
    const r = rig({ modules: 'nlpc, plug', interval: 60 });
    r.controller.start();
    await r.clock.settle();
    should(r.sent.length).equal(1);
    should(r.sent[0]?.map((m) => m.topic)).eql(['Compteur', 'Prise']); // the first read: all new
    // Next read at the next whole minute; only the meter changed (lastSeen stays for the plug).
    r.cloud.power.set('nlpc', { power: 750 });
    r.cloud.power.set('plug', { power: 0, lastSeen: T0 - 4_000 });
    await r.clock.advance(60_000);
    should(r.cloud.asked.length).equal(2);
    should(r.sent.length).equal(2);
    should(r.sent[1]?.map((m) => [m.topic, m.payload])).eql([['Compteur', 750]]);
    // Nothing changed: nothing sent.
    r.cloud.power.set('nlpc', { power: 750, lastSeen: T0 + 55_000 });
    await r.clock.advance(60_000);
    const before = r.sent.length;
    r.cloud.power.set('nlpc', { power: 750, lastSeen: T0 + 55_000 });
    await r.clock.advance(60_000);
    should(r.sent.length).equal(before);
    const out = await r.controller.input();
    should(out.messages.map((m) => m.topic)).eql(['Compteur', 'Prise']);
    r.controller.close();
  });

  it('timer reads fall on the multiples of the interval, so that nodes read together', () => {
    should(nextReadAt(T0 + 1_000, 60_000)).equal(T0 + 60_000);
    should(nextReadAt(T0, 60_000)).equal(T0 + 60_000);
    should(nextReadAt(T0 + 59_999, 10_000)).equal(T0 + 60_000);
  });

  it('unreachable: sent with reachable false and power null, the status says so', async () => {
    const r = rig({ modules: ['plug'], interval: 0 });
    r.cloud.power.set('plug', { power: null, reachable: false, lastSeen: T0 - 300_000 });
    const out = await r.controller.input();
    should(out.messages[0]).match({ payload: null, power: { reachable: false, power: null } });
    should(r.statuses[r.statuses.length - 1]).match({ fill: 'yellow', text: /^status\.unreachable/ });
  });

  it('a module that reports no power: no error, nothing sent, the status names it', async () => {
    const r = rig({ modules: ['nle'], interval: 0 });
    const out = await r.controller.input();
    should(out).eql({ messages: [], error: null });
    should(r.statuses[r.statuses.length - 1]).match({ fill: 'grey', text: 'status.noPower {"names":"Écocompteur"}' });
    should(r.errors).eql([]);
  });

  it('the status: the last value and its age; several modules: their sum', async () => {
    const one = rig({ modules: ['nlpc'], interval: 0 });
    await one.controller.input();
    should(one.statuses[one.statuses.length - 1]).eql({
      fill: 'green',
      shape: 'dot',
      text: 'status.one {"watts":"500","age":"age.seconds {\\"n\\":\\"5\\"}"}',
    });
    const two = rig({ modules: ['nlpc', 'plug', 'nle'], interval: 0 });
    await two.controller.input();
    should(two.statuses[two.statuses.length - 1]?.text).match(/^status\.several \{"count":"2","watts":"500".* · status\.someNoPower \{"count":"1"\}$/);
  });

  it('a module not on the account: one clear error, no homestatus request', async () => {
    const r = rig({ modules: ['nlpc', 'nope'], interval: 0 });
    await should(r.controller.input()).be.rejectedWith(/errors\.notOnAccount \{"ids":"nope"\}/);
    should(r.cloud.asked).eql([]);
    // On the timer: said once, not at every read.
    const timed = rig({ modules: ['nope'], interval: 10 });
    timed.controller.start();
    await timed.clock.settle();
    await timed.clock.advance(30_000);
    should(timed.errors.length).equal(1);
    should(timed.errors[0]).match(/notOnAccount/);
    should(timed.cloud.asked).eql([]);
    timed.controller.close();
  });

  it('an interval under 10 s: one error at start, nothing read, inputs refused', async () => {
    for (const interval of [5, '9', 'abc', -1]) {
      const r = rig({ modules: ['nlpc'], interval });
      r.controller.start();
      await r.clock.advance(120_000);
      should(r.errors.length).equal(1);
      should(r.errors[0]).match(/^errors\.badInterval/);
      should(r.statuses[0]).match({ fill: 'red' });
      await should(r.controller.input()).be.rejectedWith(/badInterval/);
      should(r.cloud.asked).eql([]);
      should(r.cloud.modulesAsked).equal(0);
    }
  });

  it('a module the answer gets wrong: warned once, the others still sent', async () => {
    const r = rig({ modules: [], interval: 0 });
    r.cloud.skipped = [{ moduleId: 'plug', problem: 'power', detail: 'string' }];
    r.cloud.power.set('plug', { power: 1 });
    await r.controller.input();
    const out = await r.controller.input();
    should(out.messages.map((m) => m.topic)).eql(['Compteur', 'Prise 2']);
    should(r.warnings).eql(['warnings.power {"name":"Prise","id":"plug","detail":"string"}']);
  });

  it('waiting for the rate budget (energy first): the status says so, for every node sharing the request', async () => {
    const r = rig({ modules: ['nlpc'], interval: 0 });
    r.cloud.waitMs = 4_000;
    await r.controller.input();
    should(r.statuses.map((s) => s.text)).containEql('status.waiting {"seconds":"4"}');
  });

  it('a failing home: the other homes are sent, then the failure is reported', async () => {
    const r = rig({ modules: [], interval: 0 });
    const real = r.cloud.readHomeStatus.bind(r.cloud);
    r.cloud.readHomeStatus = (homeId: string) => (homeId === H2 ? Promise.reject(new NetatmoError('transient', 'cloud down')) : real(homeId));
    const out = await r.controller.input();
    should(out.messages.map((m) => m.topic)).eql(['Compteur', 'Prise']);
    should(out.error).equal('cloud down');
  });
});

describe('PowerReads: one homestatus per home for every power node of the account', () => {
  it('callers at the same moment share one request; an answer within the share window is reused; later ones ask again', async () => {
    const clock = new VirtualClock({ start: T0 });
    const cloud = new FakeCloud(clock);
    const reads = new PowerReads(cloud, clock);
    const [a, b] = await Promise.all([reads.homeStatus(H1), reads.homeStatus(H1), reads.homeStatus(H2)]);
    should(a).equal(b);
    should(cloud.asked).eql([H1, H2]);
    await clock.advance(POWER_SHARE_MS);
    await reads.homeStatus(H1);
    should(cloud.asked).eql([H1, H2]);
    await clock.advance(1);
    await reads.homeStatus(H1);
    should(cloud.asked).eql([H1, H2, H1]);
  });

  it('two nodes on the same interval: one request per home per read', async () => {
    const clock = new VirtualClock({ start: T0 + 1_000 });
    const cloud = new FakeCloud(clock);
    const services = new AccountServices(cloud, clock);
    const host = (sent: Message[][]) => ({
      services,
      clock: () => clock,
      t,
      describe: String,
      status: () => undefined,
      send: (m: Message[]) => sent.push(m),
      error: () => undefined,
      warn: () => undefined,
    });
    const one: Message[][] = [];
    const two: Message[][] = [];
    const a = new PowerController(host(one), { modules: ['nlpc'], interval: 60 });
    const b = new PowerController(host(two), { modules: [], interval: 60, output: 'all' });
    a.start();
    b.start();
    await clock.settle();
    await clock.advance(5 * 60_000);
    should(cloud.asked.filter((h) => h === H1).length).equal(6); // the start, then 5 minutes
    should(cloud.asked.filter((h) => h === H2).length).equal(6);
    should(cloud.modulesAsked).equal(1);
    should(one.length).equal(6); // lastSeen moves at each read
    a.close();
    b.close();
  });
});

describe('RateBudget: live power goes after energy reads', () => {
  it('live waits behind normal and background requests when the budget is short', async () => {
    const clock = new VirtualClock({ start: T0 });
    const budget = new RateBudget({ clock, limits: [{ windowMs: 1000, max: 1 }] });
    await budget.acquire();
    const order: string[] = [];
    const all = [
      budget.acquire({ priority: 'live' }).then(() => order.push('power1')),
      budget.acquire({ priority: 'background' }).then(() => order.push('backfill')),
      budget.acquire({ priority: 'live' }).then(() => order.push('power2')),
      budget.acquire().then(() => order.push('energy')),
    ];
    await flush();
    should(budget.queued()).equal(4);
    await clock.advance(5000);
    await Promise.all(all);
    should(order).eql(['energy', 'backfill', 'power1', 'power2']);
  });
});
