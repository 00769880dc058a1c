// The measure node's behaviour without Node-RED: the controller over a scripted account and the
// one test clock. What a newcomer sees after deploy, a timer read that keeps failing, a daily
// read's status, the read queue, the account's shared line directory.
// Over 300 lines: its cases share one rig (scripted account, memory, clock, controller) that a
// split would repeat.
import path from 'node:path';
import should from 'should';
import { BackfillFileStore } from '../../../src/netatmo/backfill-store';
import { NetatmoError } from '../../../src/netatmo/errors';
import type { Bucket } from '../../../src/netatmo/types';
import { AccountServices, LINE_RETRY_MS } from '../../../src/account/services';
import { FIRST_READ_DELAY_MS } from '../../../src/measure/policy';
import { MeasureController, type MeasureConfig } from '../../../src/measure/controller';
import { MAX_FAILURE_BACKOFF_MS } from '../../../src/measure/failures';
import type { Message } from '../../../src/measure/ports';
import type { StatusValue } from '../../../src/measure/status';
import { MemoryOnly } from '../../support/memory-only';
import { VirtualClock } from '../../support/virtual-clock';
import { lineRecord } from '../../support/lines';
import { ScriptedAccount } from '../../support/scripted-account';
import { tempDir, type TempDir } from '../../support/temp-dir';

const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.UTC(2025, 5, 3, 10, 2);
const DEVICE = '70:ee:50:aa:bb:cc';
const MODULE = `${DEVICE}#2`;

/** Half-hour buckets up to `until` (exclusive), each worth `value` Wh. */
function halfHours(from: number, until: number, value = 10): Bucket[] {
  const out: Bucket[] = [];
  for (let s = from; s + 30 * MIN <= until; s += 30 * MIN) out.push({ start: s, end: s + 30 * MIN, values: { sum_energy_elec: value }, total: value });
  return out;
}

interface Rig {
  clock: VirtualClock;
  account: ScriptedAccount;
  controller: MeasureController;
  statuses: StatusValue[];
  sent: Message[];
  errors: string[];
  services: AccountServices;
}

describe('MeasureController', () => {
  let tmp: TempDir;
  const rigs: Rig[] = [];

  beforeEach(() => {
    tmp = tempDir('econetatmo-controller-');
  });
  afterEach(() => {
    for (const r of rigs.splice(0)) r.controller.close(false);
    tmp.cleanup();
  });

  function rig(config: MeasureConfig, shared?: { clock: VirtualClock; account: ScriptedAccount; services: AccountServices }): Rig {
    const clock = shared?.clock ?? new VirtualClock({ start: T0 });
    const account = shared?.account ?? new ScriptedAccount({ lines: [lineRecord(MODULE, 'Oven')], answer: () => [] });
    const services = shared?.services ?? new AccountServices(account, clock);
    const statuses: StatusValue[] = [];
    const sent: Message[] = [];
    const errors: string[] = [];
    let ids = 0;
    const controller = new MeasureController(
      {
        nodeId: `m${rigs.length + 1}`,
        account,
        services,
        clock: () => clock,
        memory: new MemoryOnly(),
        backfillStore: new BackfillFileStore(path.join(tmp.dir, 'backfill')),
        wording: {
          t: (key, params) => (params && Object.keys(params).length > 0 ? `${key} ${JSON.stringify(params)}` : key),
          describe: (err) => (err instanceof Error ? err.message : String(err)),
        },
        output: {
          status: (s) => statuses.push(s),
          send: (m) => sent.push(m),
          error: (text) => errors.push(text),
        },
        newId: () => `id${++ids}`,
      },
      { moduleId: MODULE, types: 'sum_energy_elec', scale: '30min', emit: 'changes', interval: 10, ...config },
    );
    const r = { clock, account, controller, statuses, sent, errors, services };
    rigs.push(r);
    return r;
  }

  const last = (r: Rig): StatusValue => r.statuses[r.statuses.length - 1];

  it('after deploy, an input with nothing new sends nothing and the status says why', async () => {
    const r = rig({});
    r.account.answer = () => halfHours(Date.UTC(2025, 5, 3, 4, 0), Date.UTC(2025, 5, 3, 8, 0));
    r.controller.start();
    await r.clock.advance(FIRST_READ_DELAY_MS);
    should(r.sent).have.length(1); // the first automatic read sent the window
    should(last(r).text).startWith('status.done');
    const answered: Message[] = [];
    await r.controller.input({ payload: 1 }, (m) => answered.push(m));
    should(answered).have.length(0); // the contract: never the same buckets again as new
    const status = last(r);
    should(status.fill).equal('green');
    should(status.text).startWith('status.noNew');
    should(status.text).containEql('"bucket":"09:30"'); // the newest bucket's start, on the home's (Paris) clock
  });

  it('with emit: all, an input always gets the whole window', async () => {
    const r = rig({ emit: 'all' });
    r.account.answer = () => halfHours(T0 - 2 * HOUR, T0 - 30 * MIN);
    r.controller.start();
    await r.clock.advance(FIRST_READ_DELAY_MS);
    const answered: Message[] = [];
    await r.controller.input({ payload: 1 }, (m) => answered.push(m));
    should(answered).have.length(1);
    should((answered[0].payload as { points: unknown[] }).points).have.length(3);
  });

  it('reports a timer read that keeps failing once, keeps it red, backs off, and reports again when it changes or after recovery', async () => {
    const r = rig({ interval: 10 });
    let failure: Error | null = new NetatmoError('api', 'Unknown device', { code: 9 });
    r.account.answer = () => failure ?? halfHours(T0 - 2 * HOUR, T0 - 30 * MIN);
    r.controller.start();
    await r.clock.advance(FIRST_READ_DELAY_MS);
    should(r.errors).eql(['Unknown device']);
    await r.clock.advance(6 * HOUR);
    should(r.errors).have.length(1); // not once every 10 minutes
    should(last(r).fill).equal('red');
    // 10, 20, 40, 60, 60 … minutes apart instead of 36 reads in 6 hours.
    should(r.account.reads.length).be.within(6, 10);
    const readsBefore = r.account.reads.length;
    await r.clock.advance(3 * MAX_FAILURE_BACKOFF_MS);
    should(r.account.reads.length - readsBefore).be.within(2, 4); // at most an hour apart
    failure = new NetatmoError('transient', 'Netatmo answered 503');
    await r.clock.advance(MAX_FAILURE_BACKOFF_MS);
    should(r.errors).eql(['Unknown device', 'Netatmo answered 503']);
    failure = null;
    await r.clock.advance(2 * MAX_FAILURE_BACKOFF_MS);
    should(last(r).fill).equal('green');
    const afterRecovery = r.account.reads.length;
    await r.clock.advance(30 * MIN);
    should(r.account.reads.length - afterRecovery).equal(3); // back to every 10 minutes
    failure = new NetatmoError('api', 'Unknown device', { code: 9 });
    await r.clock.advance(10 * MIN);
    should(r.errors).eql(['Unknown device', 'Netatmo answered 503', 'Unknown device']);
  });

  it('a failure that both the first timer read and an inject at deploy meet is logged once, whichever runs first', async () => {
    for (const inputFirst of [true, false]) {
      const r = rig({ interval: 10 });
      r.account.answer = () => new NetatmoError('api', 'Unknown device', { code: 9 });
      r.controller.start();
      const answers: string[] = [];
      const inject = (): Promise<void> =>
        r.controller.input({ dateBegin: T0 - 2 * HOUR }, () => undefined).catch((err: Error) => void answers.push(err.message));
      let injected: Promise<void>;
      if (inputFirst) {
        injected = inject();
        await r.clock.advance(FIRST_READ_DELAY_MS);
      } else {
        const release = r.account.holdReads();
        r.account.answer = () => new NetatmoError('api', 'Unknown device', { code: 9 });
        await r.clock.advance(FIRST_READ_DELAY_MS); // the timer read is on the wire
        injected = inject();
        release();
      }
      await injected;
      await r.clock.advance(0);
      should(answers).eql(['Unknown device']); // the message gets its answer (Catch, the log)
      should(r.errors).eql([]); // and the timer read does not log it a second time
      should(r.account.reads.length).equal(2);
      // A later, different failure is news again.
      r.account.answer = () => new NetatmoError('transient', 'Netatmo answered 503');
      await r.clock.advance(MAX_FAILURE_BACKOFF_MS);
      should(r.errors).eql(['Netatmo answered 503']);
      r.controller.close(false);
    }
  });

  it('a timer failure held for the input behind it is still logged when the input succeeds', async () => {
    const r = rig({ interval: 10 });
    const release = r.account.holdReads();
    r.account.answer = () => new NetatmoError('api', 'Unknown device', { code: 9 });
    r.controller.start();
    await r.clock.advance(FIRST_READ_DELAY_MS);
    const injected = r.controller.input({ payload: 1 }, () => undefined);
    r.account.answer = () => (r.account.reads.length === 1 ? new NetatmoError('api', 'Unknown device', { code: 9 }) : halfHours(T0 - 2 * HOUR, T0 - 30 * MIN));
    release();
    await injected;
    should(r.errors).eql(['Unknown device']);
  });

  it('interval auto: a timer read that keeps failing is reported once, and the reads space out too', async () => {
    const r = rig({ interval: 'auto' });
    r.account.answer = () => new NetatmoError('api', 'Unknown device', { code: 9 });
    r.controller.start();
    await r.clock.advance(6 * HOUR);
    should(r.errors).have.length(1);
    should(last(r).fill).equal('red');
    // Learning reads every 10 minutes would be 36 in 6 hours.
    should(r.account.reads.length).be.within(6, 10);
  });

  it('an input read that fails is always answered with the error', async () => {
    const r = rig({ interval: 0 });
    r.account.answer = () => new NetatmoError('api', 'Unknown device', { code: 9 });
    r.controller.start();
    for (let i = 0; i < 3; i++) await should(r.controller.input({}, () => undefined)).be.rejectedWith('Unknown device');
    should(r.errors).have.length(0); // done(err) reports these, not node.error
  });

  it("a daily read's status names the bucket's date", async () => {
    const r = rig({ scale: '1day', interval: 0 });
    const day = Date.UTC(2025, 5, 3);
    r.account.answer = () => [{ start: day, end: day + 24 * HOUR, values: { sum_energy_elec: 5 }, total: 5 }];
    r.controller.start();
    await r.controller.input({}, () => undefined);
    // The home is in Paris: its date, and the read's time on its clock (T0 is 10:02 UTC).
    should(last(r).text).equal(`status.done ${JSON.stringify({ bucket: '2025-06-03', time: '12:02' })}`);
  });

  it("reads days in the home's zone (from the line directory), tells it in the payload and dates the status there", async () => {
    const r = rig({ scale: '1day', interval: 0 });
    const parisDay = Date.UTC(2025, 5, 2, 22); // 2025-06-03 00:00 in Paris
    r.account.answer = () => [{ start: parisDay, end: parisDay + 24 * HOUR, values: { sum_energy_elec: 5 }, total: 5 }];
    r.controller.start();
    const answered: Message[] = [];
    await r.controller.input({}, (m) => answered.push(m));
    should(r.account.reads[0].query.timeZone).equal('Europe/Paris');
    should(new Date(r.account.reads[0].query.dateBegin).getUTCHours()).equal(22); // a Paris midnight (summer time)
    should(answered[0].payload).match({ timezone: 'Europe/Paris', scale: '1day' });
    should(last(r).text).equal(`status.done ${JSON.stringify({ bucket: '2025-06-03', time: '12:02' })}`);
  });

  it("sub-day reads keep the epoch steps but still tell the home's zone; a home without one gives null", async () => {
    const r = rig({ interval: 0 });
    r.account.answer = () => halfHours(T0 - 2 * HOUR, T0 - 30 * MIN);
    r.controller.start();
    const answered: Message[] = [];
    await r.controller.input({}, (m) => answered.push(m));
    should(r.account.reads[0].query).not.have.property('timeZone');
    should(answered[0].payload).match({ timezone: 'Europe/Paris', scale: '30min' });
    // Its status tells the times on the home's clock too, as a daily read's does (T0 is 10:02 UTC).
    should(last(r).text).equal(`status.done ${JSON.stringify({ bucket: '11:02', time: '12:02' })}`);

    const other = rig({ scale: '1day', interval: 0 });
    other.account.lines = [lineRecord(MODULE, 'Oven', null)];
    other.account.answer = () => [{ start: Date.UTC(2025, 5, 2), end: Date.UTC(2025, 5, 3), values: { sum_energy_elec: 5 }, total: 5 }];
    other.controller.start();
    await other.controller.input({}, (m) => answered.push(m));
    should(other.account.reads[0].query).not.have.property('timeZone'); // Node-RED's own zone
    should(answered[1].payload).match({ timezone: null });
    should(last(other).text).endWith(`"time":"${localHHMM(T0)}"}`); // no home zone: Node-RED's
  });

  it("a 1day backfill is cut and kept in the home's zone, and its payload tells it", async () => {
    const r = rig({ scale: '1day', interval: 0 });
    const from = Date.UTC(2025, 4, 1, 12);
    r.account.answer = (q) => {
      const out: Bucket[] = [];
      for (let s = q.dateBegin; s < (q.dateEnd ?? T0); s += 24 * HOUR) out.push({ start: s, end: s + 24 * HOUR, values: { sum_energy_elec: 1 }, total: 1 });
      return out;
    };
    r.controller.start();
    const answered: Message[] = [];
    const done = r.controller.input({ dateBegin: from, dateEnd: Date.UTC(2025, 4, 11, 12), rangeOutput: 'parts' }, (m) => answered.push(m));
    for (let i = 0; i < 20 && answered.length === 0; i++) await r.clock.advance(1000);
    await done;
    should(r.account.reads[0].query.timeZone).equal('Europe/Paris');
    should(r.account.reads[0].query.dateBegin).equal(Date.UTC(2025, 3, 30, 22)); // 2025-05-01 00:00 in Paris
    should(answered[0].payload).match({ timezone: 'Europe/Paris', scale: '1day' });
    should(answered[0].parts).match({ index: 0, count: 1 });
  });

  it('reads one at a time: an input waits for the running read, the timer skips while busy', async () => {
    const r = rig({ interval: 10 });
    r.account.answer = () => halfHours(T0 - 2 * HOUR, T0 - 30 * MIN);
    const release = r.account.holdReads();
    r.controller.start();
    await r.clock.advance(FIRST_READ_DELAY_MS);
    should(r.account.reads).have.length(1);
    const answered = r.controller.input({ emit: 'x' }, () => undefined);
    await r.clock.advance(25 * MIN); // two ticks while busy: skipped
    should(r.account.reads).have.length(1);
    release();
    await answered;
    should(r.account.reads).have.length(2);
  });

  it('close aborts the read in flight: no status, no message, no error after it', async () => {
    const r = rig({ interval: 0 });
    r.account.answer = () => halfHours(T0 - 2 * HOUR, T0 - 30 * MIN);
    const release = r.account.holdReads();
    r.controller.start();
    const answered = r.controller.input({}, () => should.fail(null, null, 'sent after close'));
    await r.clock.advance(0);
    const seen = r.statuses.length;
    r.controller.close(false);
    release();
    await answered;
    should(r.statuses.length).equal(seen);
    should(r.errors).have.length(0);
    should(r.clock.pending()).equal(0);
  });

  it('a meter of another model: reads its gateway with its family; in auto, waits for the account to list it', async () => {
    const meter = '70:ee:50:00:00:5e:7b:10';
    const gateway = '70:ee:50:3c:11:02';
    const r = rig({ moduleId: meter, types: '', interval: 'auto' });
    r.account.lines = []; // the cloud does not list it yet
    r.account.answer = () => halfHours(T0 - 2 * HOUR, T0 - 30 * MIN);
    r.controller.start();
    await r.clock.advance(FIRST_READ_DELAY_MS + MIN);
    should(r.account.reads).have.length(0);
    should(last(r).text).startWith('errors.unknownModule');
    // Listed now: the next try finds it, learns on its gateway and reads it in its own family.
    r.account.lines = [{ ...lineRecord(`${DEVICE}#0`, 'x'), deviceId: gateway, moduleId: meter, model: 'NLPC', index: null, role: 'meter', name: 'Compteur' }];
    await r.clock.advance(LINE_RETRY_MS);
    await r.clock.advance(FIRST_READ_DELAY_MS);
    should(r.account.reads.length).be.above(0);
    should(r.account.reads[0].query).match({ deviceId: gateway, moduleId: meter, consumption: 'sum_energy_buy_from_grid' });
    should(r.account.reads[0].query.types).eql([
      'sum_energy_buy_from_grid',
      'sum_energy_buy_from_grid$0',
      'sum_energy_buy_from_grid$1',
      'sum_energy_buy_from_grid$2',
    ]);
    should(r.sent[0]).match({ topic: 'Compteur' });
    should(r.services.schedules.of(gateway).learner.hasData(meter)).be.true();
  });

  it("the account's line directory asks homesdata once for all nodes, and again for a line it does not know", async () => {
    const first = rig({ interval: 0 });
    const second = rig({ interval: 0, moduleId: `${DEVICE}#3` }, first);
    first.account.answer = () => halfHours(T0 - 2 * HOUR, T0 - 30 * MIN);
    const topics: unknown[] = [];
    await Promise.all([first.controller.input({}, (m) => topics.push(m.topic)), first.controller.input({ scale: '1hour' }, (m) => topics.push(m.topic))]);
    should(topics).eql(['Oven', 'Oven']);
    should(first.account.linesAsked).equal(1);
    // #3 is unknown: the id is the topic, and the directory does not ask again at once.
    await second.controller.input({}, (m) => topics.push(m.topic));
    should(topics[2]).equal(`${DEVICE}#3`);
    should(first.account.linesAsked).equal(1);
    // The line was added in the app: after LINE_RETRY_MS the directory learns it.
    first.account.lines = [lineRecord(MODULE, 'Oven'), lineRecord(`${DEVICE}#3`, 'Heat pump')];
    await first.clock.advance(LINE_RETRY_MS);
    await second.controller.input({ emit: 'all', scale: '1hour' }, (m) => topics.push(m.topic));
    should(topics[3]).equal('Heat pump');
    should(first.account.linesAsked).equal(2);
    // The whole record is one call away, with the home's time zone (for local days).
    const record = await first.services.lines.line(`${DEVICE}#3`);
    should(record).match({ name: 'Heat pump', timezone: 'Europe/Paris', homeName: 'Home' });
  });

  describe("ranges on a board clock hours off the cloud's (msg.dateBegin, msg.dateEnd)", () => {
    it('8 h behind: a recent range is read, not refused as in the future; its end is kept when it is in the cloud’s past', async () => {
      const r = rig({ interval: 0 });
      r.account.cloudAheadMs = 8 * HOUR;
      const cloud = T0 + 8 * HOUR;
      r.account.answer = () => [];
      // Six hours in the board's future, two hours in the cloud's past.
      await r.controller.input({ dateBegin: cloud - 2 * HOUR }, () => undefined);
      should(r.errors).eql([]);
      should(r.account.reads.map((x) => [x.query.dateBegin, x.query.dateEnd])).eql([[cloud - 2 * HOUR, undefined]]);
      // An end past the board's now but an hour before the cloud's: the range stops there.
      await r.controller.input({ dateBegin: T0 - 2 * HOUR, dateEnd: cloud - HOUR }, () => undefined);
      should(r.account.reads[1].query).match({ dateBegin: T0 - 2 * HOUR, dateEnd: cloud - HOUR });
    });

    it('8 h behind: an open backfill reads up to the cloud’s now, not the board’s', async () => {
      const r = rig({ interval: 0 });
      r.account.cloudAheadMs = 8 * HOUR;
      const cloud = T0 + 8 * HOUR;
      r.account.answer = (q) => halfHours(q.dateBegin, Math.min(q.dateEnd ?? cloud, cloud - HOUR));
      const answered: Message[] = [];
      const done = r.controller.input({ dateBegin: T0 - 24 * HOUR, rangeOutput: 'parts' }, (m) => answered.push(m));
      for (let i = 0; i < 20 && answered.length === 0; i++) await r.clock.advance(1000);
      await done;
      const ends = r.account.reads.map((x) => x.query.dateEnd ?? 0);
      should(Math.max(...ends)).equal(cloud);
      const starts = answered.flatMap((m) => (m.payload as { points: Array<{ start: number }> }).points.map((p) => p.start));
      // Buckets of the hours the board has not reached yet are there.
      should(Math.max(...starts)).be.above(T0 + 6 * HOUR);
    });

    it('8 h ahead: a start in the cloud’s future is refused before any request', async () => {
      const r = rig({ interval: 0 });
      r.account.cloudAheadMs = -8 * HOUR;
      await should(r.controller.input({ dateBegin: T0 - 2 * HOUR }, () => undefined)).be.rejectedWith(/^errors\.beginInFuture/);
      should(r.account.reads).eql([]);
    });
  });
});

function localHHMM(ms: number): string {
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}
