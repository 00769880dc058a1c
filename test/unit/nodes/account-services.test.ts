// What an account's flow nodes share (src/account/services.ts): one homesdata for every caller, a
// caller that stops waiting without stopping the ask, a failed discovery not asked again at
// once, one upload schedule per ecocounter whatever the id's spelling.
import should from 'should';
import { NetatmoError } from '../../../src/netatmo/errors';
import type { Line } from '../../../src/contract/line';
import { AccountServices, DeviceSchedules, LINE_RETRY_MS, LineDirectory } from '../../../src/account/services';
import { VirtualClock } from '../../support/virtual-clock';
import { lineRecord } from '../../support/lines';

const T0 = Date.UTC(2025, 5, 3, 10, 0);
const ID = '70:ee:50:aa:bb:cc#1';

/** getLines answers when the test says. */
class SlowDiscovery {
  asked = 0;
  private pending: Array<{ resolve: (lines: Line[]) => void; reject: (err: unknown) => void }> = [];
  getLines(): Promise<Line[]> {
    this.asked += 1;
    return new Promise((resolve, reject) => this.pending.push({ resolve, reject }));
  }
  answer(lines: Line[]): void {
    for (const p of this.pending.splice(0)) p.resolve(lines);
  }
  fail(err: unknown): void {
    for (const p of this.pending.splice(0)) p.reject(err);
  }
}

describe('LineDirectory', () => {
  it('asks homesdata once for every caller waiting, and gives the whole record with its time zone', async () => {
    const discovery = new SlowDiscovery();
    const lines = new LineDirectory(discovery, new VirtualClock({ start: T0 }));
    const asked = [lines.line(ID), lines.nameOf(ID), lines.line(ID)];
    discovery.answer([lineRecord(ID, 'Oven', 'Europe/Paris')]);
    const [first, name, third] = await Promise.all(asked);
    should(discovery.asked).equal(1);
    should(first).match({ name: 'Oven', timezone: 'Europe/Paris' });
    should(third).equal(first);
    should(name).equal('Oven');
    should(await lines.nameOf(ID)).equal('Oven'); // known: no new ask
    should(discovery.asked).equal(1);
  });

  it('asks for every model, and finds a module whatever the case it is typed in', async () => {
    const asked: unknown[] = [];
    const meter = { ...lineRecord('70:ee:50:aa:bb:cc#0', 'Compteur'), moduleId: '70:ee:50:00:00:5e:7b:10', model: 'NLPC', index: null };
    const lines = new LineDirectory(
      {
        getLines: async (options?: unknown) => {
          asked.push(options);
          return [meter];
        },
      },
      new VirtualClock({ start: T0 }),
    );
    should(await lines.line('70:EE:50:00:00:5E:7B:10')).match({ model: 'NLPC', name: 'Compteur' });
    should(asked).eql([{ meters: 'all' }]);
  });

  it('lets a caller stop waiting without stopping the ask for the others', async () => {
    const discovery = new SlowDiscovery();
    const lines = new LineDirectory(discovery, new VirtualClock({ start: T0 }));
    const controller = new AbortController();
    const leaving = lines.line(ID, controller.signal);
    const staying = lines.nameOf(ID);
    controller.abort();
    should(await leaving).be.null();
    discovery.answer([lineRecord(ID, 'Oven', null)]);
    should(await staying).equal('Oven');
  });

  it('never fails: a failed discovery gives the id, and is not asked again before LINE_RETRY_MS', async () => {
    const discovery = new SlowDiscovery();
    const clock = new VirtualClock({ start: T0 });
    const lines = new LineDirectory(discovery, clock);
    const name = lines.nameOf(ID);
    discovery.fail(new NetatmoError('transient', 'Netatmo answered 503'));
    should(await name).equal(ID);
    should(await lines.nameOf(ID)).equal(ID);
    should(discovery.asked).equal(1);
    clock.advanceSync(LINE_RETRY_MS);
    const again = lines.nameOf(ID);
    discovery.answer([lineRecord(ID, 'Oven', null)]);
    should(await again).equal('Oven');
    should(discovery.asked).equal(2);
  });
});

describe('DeviceSchedules', () => {
  it('keeps one schedule per ecocounter, whatever the spelling of its id', () => {
    const schedules = new DeviceSchedules();
    should(schedules.of('70:EE:50:AA:BB:CC')).equal(schedules.of('70:ee:50:aa:bb:cc'));
    should(schedules.of('70:ee:50:aa:bb:cd')).not.equal(schedules.of('70:ee:50:aa:bb:cc'));
  });

  it('belongs to one account: another account has its own', () => {
    const clock = new VirtualClock({ start: T0 });
    const discovery = new SlowDiscovery();
    const a = new AccountServices(discovery, clock);
    const b = new AccountServices(discovery, clock);
    should(a.schedules.of('70:ee:50:aa:bb:cc')).not.equal(b.schedules.of('70:ee:50:aa:bb:cc'));
    should(a.share).not.equal(b.share);
  });
});
