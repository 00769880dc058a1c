// econetatmo-measure's own behaviour around a read, with a scripted account in place of the
// real one: the waiting status, one read at a time, the timer skipping while busy, close
// aborting the read in flight, topic fallback when discovery fails.
import path from 'path';
import should from 'should';
import helper from 'node-red-node-test-helper';
import type { Node, NodeAPI, NodeDef } from 'node-red';
import { AccountServices } from '../../src/account/services';
import { NetatmoError } from '../../src/netatmo/errors';
import type { Bucket } from '../../src/netatmo/types';
import { lineRecord } from '../support/lines';
import { nodeRedSettings, removeTempUserDirs, useTempUserDir } from '../support/node-red-settings';
import { ScriptedAccount } from '../support/scripted-account';
import { collect, settle, statusWhere, VirtualClock, type FlowNode, type StatusObject } from './measure-support';

const measureNode = require(path.resolve(__dirname, '../../../nodes/econetatmo-measure.js'));

const T0 = Date.UTC(2025, 5, 3, 8, 2);
const MIN = 60_000;
const MODULE = '70:ee:50:aa:bb:cc#2';
const DEVICE = '70:ee:50:aa:bb:cc';

function bucket(start: number, value: number): Bucket {
  return { start, end: start + 30 * MIN, values: { sum_energy_elec: value }, total: value };
}

function fakeAccountModule(account: ScriptedAccount, clock: VirtualClock) {
  return (RED: NodeAPI): void => {
    RED.nodes.registerType('econetatmo-account', function (this: Node & Record<string, unknown>, config: NodeDef) {
      RED.nodes.createNode(this, config);
      this.account = account;
      this.services = new AccountServices(account, clock);
      this.connectionState = () => ({ status: 'connected', validUntil: T0 + 3600_000 });
    });
  };
}

function flow(props: Record<string, unknown> = {}): FlowNode[] {
  return [
    { id: 'a1', type: 'econetatmo-account' },
    {
      id: 'm1',
      type: 'econetatmo-measure',
      account: 'a1',
      moduleId: MODULE,
      types: 'sum_energy_elec',
      scale: '30min',
      interval: 0,
      emit: 'changes',
      ...props,
      wires: [['out']],
    },
    { id: 'out', type: 'helper' },
    { id: 'c1', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper' },
  ];
}

describe('econetatmo-measure node (scripted account)', function () {
  let clock: VirtualClock;
  let account: ScriptedAccount;

  beforeEach(function () {
    // A user dir per test: what one test's node m1 sent must not make the next one's buckets old news.
    useTempUserDir();
    clock = new VirtualClock({ start: T0 });
    nodeRedSettings({ clock });
    account = new ScriptedAccount({ lines: [lineRecord(MODULE, 'Four')] });
  });
  afterEach(async function () {
    await helper.unload();
    removeTempUserDirs();
  });

  async function load(props: Record<string, unknown> = {}): Promise<void> {
    await helper.load([fakeAccountModule(account, clock), measureNode], flow(props));
  }

  it('shows the wait for the rate budget, then reading again, then the last bucket', async function () {
    await load();
    const m1 = helper.getNode('m1');
    const yellow = statusWhere(m1, (s) => s.fill === 'yellow');
    m1.receive({});
    await account.started(1);
    account.reads[0].options.onWait?.(12_000);
    const waiting = await yellow;
    should(waiting.text).containEql('status.waiting');
    should(waiting.text).containEql('seconds=12');
    const blue = statusWhere(m1, (s) => s.fill === 'blue');
    account.reads[0].options.onWait?.(0);
    await blue;
    const green = statusWhere(m1, (s) => s.fill === 'green');
    account.reads[0].resolve([bucket(T0 - 60 * MIN, 5), bucket(T0 - 30 * MIN, 7)]);
    should((await green).text).containEql('status.done');
  });

  it('asks for the recent window, aligned, with every type in one query', async function () {
    await load({ types: 'sum_energy_elec,sum_energy_elec$1' });
    helper.getNode('m1').receive({});
    await account.started(1);
    const q = account.reads[0].query;
    should(q.types).deepEqual(['sum_energy_elec', 'sum_energy_elec$1']);
    should(q.moduleId).equal(MODULE);
    should(q.deviceId).equal(DEVICE);
    should(q.dateBegin % (30 * MIN)).equal(0);
    should(q.dateBegin).be.below(T0 - 3 * 60 * MIN);
    account.reads[0].resolve([]);
  });

  it('one read at a time: an input during a read waits for it', async function () {
    await load();
    const m1 = helper.getNode('m1');
    const out = collect(helper.getNode('out'));
    m1.receive({ n: 1 });
    m1.receive({ n: 2 });
    await account.started(1);
    await clock.settle(); // idle: nothing more can come until the clock moves
    should(account.reads).have.length(1);
    account.reads[0].resolve([bucket(T0 - 30 * MIN, 1)]);
    await account.started(2);
    account.reads[1].resolve([bucket(T0 - 30 * MIN, 1), bucket(T0, 2)]);
    while (out.length < 2) await settle();
    should(out.map((m) => m.n)).deepEqual([1, 2]);
    should((out[1].payload as { points: Bucket[] }).points.map((p) => p.start)).deepEqual([T0]);
  });

  it('reads every 5 minutes, not every 0.06 s, when told 0.001, and warns once at deploy', async function () {
    await load({ interval: 0.001 });
    // The warning came while the node was made: look in the log the helper keeps.
    const logged = (helper.log() as unknown as { args: Array<[{ msg?: unknown; id?: string }]> }).args.map((entry) => entry[0]);
    const warnings = logged.filter((e) => e?.id === 'm1' && typeof e.msg === 'string' && e.msg.includes('intervalTooShort'));
    should(warnings).have.length(1);
    should(String(warnings[0]!.msg)).containEql('min=5');
    clock.advanceSync(2000);
    await account.started(1);
    account.reads[0].resolve([]);
    await settle();
    clock.advanceSync(5 * MIN - 3000);
    await settle();
    should(account.reads).have.length(1);
    clock.advanceSync(3000);
    await account.started(2);
    account.reads[1].resolve([]);
  });

  it('the timer skips while a read runs, and reads again at the next interval', async function () {
    await load({ interval: 5 });
    clock.advanceSync(2000);
    await account.started(1);
    clock.advanceSync(5 * MIN);
    clock.advanceSync(5 * MIN);
    await clock.settle(); // idle: nothing more can come until the clock moves
    should(account.reads).have.length(1);
    account.reads[0].resolve([]);
    await settle();
    clock.advanceSync(5 * MIN);
    await account.started(2);
    should(account.reads).have.length(2);
    account.reads[1].resolve([]);
  });

  it('close aborts the read in flight, reports nothing, and leaves no timer', async function () {
    await load({ interval: 10 });
    const caught = collect(helper.getNode('caught'));
    helper.getNode('m1').receive({});
    await account.started(1);
    const signal = account.reads[0].options.signal as AbortSignal;
    should(signal.aborted).be.false();
    await helper.unload();
    should(signal.aborted).be.true();
    await clock.settle(); // idle: nothing more can come until the clock moves
    should(caught).have.length(0);
    should(clock.pending()).equal(0);
    clock.advanceSync(60 * MIN);
    should(account.reads).have.length(1);
  });

  it('after the first automatic read, an inject that finds nothing new says so in the status', async function () {
    await load({ interval: 10 });
    const m1 = helper.getNode('m1');
    const out = collect(helper.getNode('out'));
    clock.advanceSync(2000);
    await account.started(1);
    account.reads[0].resolve([bucket(T0 - 30 * MIN, 3)]);
    while (out.length < 1) await settle();
    const noNew = statusWhere(m1, (s) => String(s.text).includes('status.noNew'));
    m1.receive({});
    await account.started(2);
    account.reads[1].resolve([bucket(T0 - 30 * MIN, 3)]);
    should((await noNew).fill).equal('green');
    should(out).have.length(1); // never the same bucket again as new
  });

  it('a timer read that fails the same way again reaches Catch once, not every interval', async function () {
    await load({ interval: 10 });
    const caught = collect(helper.getNode('caught'));
    clock.advanceSync(2000);
    for (let i = 0; i < 4; i++) {
      await account.started(i + 1);
      account.reads[i].reject(new NetatmoError('api', 'Unknown device', { code: 9 }));
      await settle();
      clock.advanceSync(60 * MIN); // past any back-off
    }
    should(caught).have.length(1);
    should(String((caught[0].error as { message?: unknown }).message)).containEql('Unknown device');
  });

  it('a failed discovery does not fail the read: the topic falls back to the line id', async function () {
    account.linesError = new NetatmoError('transient', 'Netatmo did not answer');
    await load();
    const out = collect(helper.getNode('out'));
    helper.getNode('m1').receive({});
    await account.started(1);
    account.reads[0].resolve([bucket(T0 - 30 * MIN, 3)]);
    while (out.length < 1) await settle();
    should(out[0].topic).equal(MODULE);
    should((out[0].payload as { name: string }).name).equal(MODULE);
  });

  it('a reauth failure: red "authorise again", done(err) to Catch, nothing sent', async function () {
    await load();
    const out = collect(helper.getNode('out'));
    const m1 = helper.getNode('m1');
    const red = statusWhere(m1, (s: StatusObject) => s.fill === 'red');
    const caught = new Promise<Record<string, unknown>>((resolve) => helper.getNode('caught').on('input', resolve));
    m1.receive({ payload: 1 });
    await account.started(1);
    account.reads[0].reject(new NetatmoError('reauth', 'Netatmo refused the refresh token: authorise again'));
    should((await red).text).equal('econetatmo-measure.status.reauth');
    const msg = await caught;
    should((msg.error as { message: string }).message).containEql('authorise again');
    should(out).have.length(0);
  });
});
