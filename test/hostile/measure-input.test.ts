// Hostile msg overrides of econetatmo-measure, inside Node-RED against the simulator: a table of
// wrong types, absurd ranges and prototype keys, then seeded random messages. Each bad message
// must give one clear error to a Catch node (done(err)), a red status, no output and no request,
// and leave the node (and Object.prototype) as they were: the next good message still reads.
// Over 300 lines: the table of bad overrides and the seeded property test share one oracle (the
// contract's fields, types, scales) and one flow.
import should from 'should';
import helper from 'node-red-node-test-helper';
import { startSimulator, type Simulator } from '../../src/simulator';
import { accountCredentials, accountFlowNode, accountNode, measureNode, measureNodeOf, type FlowNode } from '../nodes/measure-support';
import { removeTempUserDirs, useTempUserDir } from '../support/node-red-settings';
import {
  assertNotPolluted,
  describeMsg,
  int,
  pick,
  ProcessWatch,
  prototypeSnapshot,
  randomText,
  randomValue,
  roundTrip,
  seeded,
  type Outcome,
} from './support';

const DAY = 86_400_000;
const FIELDS = ['moduleId', 'deviceId', 'types', 'scale', 'dateBegin', 'dateEnd'] as const;
type Field = (typeof FIELDS)[number];
/** The contract's line id: the oracle of the property test, independent of the code's own check. */
const LINE_ID = /^([0-9a-f]{2}:){5}[0-9a-f]{2}#[0-8]$/i;
const KNOWN_TYPES = [
  'sum_energy_elec',
  'sum_energy_elec$0',
  'sum_energy_elec$1',
  'sum_energy_elec$2',
  'sum_energy_price',
  'sum_energy_price$0',
  'sum_energy_price$1',
  'sum_energy_price$2',
];
const SCALES = ['30min', '1hour', '3hours', '1day', '1week', '1month'];

function flow(sim: Simulator, moduleId: string): FlowNode[] {
  return [
    accountFlowNode(sim),
    measureNodeOf('m1', { moduleId, scale: '1day', types: 'sum_energy_elec' }, [['out']]),
    { id: 'out', type: 'helper' },
    { id: 'c1', type: 'catch', scope: ['m1'], uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper' },
    { id: 'k1', type: 'complete', scope: ['m1'], uncaught: false, wires: [['completed']] },
    { id: 'completed', type: 'helper' },
  ];
}

function totalRequests(sim: Simulator): number {
  let n = 0;
  for (const byStatus of Object.values(sim.stats().requests)) for (const c of Object.values(byStatus)) n += c;
  return n;
}

function lastStatus(): { fill?: string; text?: string } | undefined {
  const args = helper.getNode('m1').status.args ?? [];
  return args.length > 0 ? (args[args.length - 1]?.[0] as { fill?: string; text?: string }) : undefined;
}

/**
 * Texts that mean the error escaped as a crash rather than being explained. The test helper loads
 * no catalogues, so a text is its key (`econetatmo-measure.errors.<name>`): any other key of the
 * catalogue would mean a missing text. (Catch nodes used to get "Error: " in front, which hid it.)
 */
const UNCLEAR = /Invalid time value|TypeError|RangeError|Cannot read|undefined|\[object Object\]|^econetatmo-measure\.(?!errors\.)/;

describe('hostile msg overrides of econetatmo-measure', function () {
  this.timeout(60000);
  let sim: Simulator;
  let line: string;
  let device: string;
  const watch = new ProcessWatch();
  let protoBefore: Record<string, string[]>;
  const stats = { bad: 0, random: 0 };

  before(async function () {
    useTempUserDir();
    sim = await startSimulator({ port: 0, rateLimits: [{ windowMs: 10_000, max: 100_000 }] });
    const first = sim.lines()[0];
    line = first.moduleId;
    device = first.deviceId;
    protoBefore = prototypeSnapshot();
    watch.start();
    await helper.load([accountNode, measureNode], flow(sim, line), accountCredentials(sim));
  });
  after(async function () {
    watch.stop();
    await helper.unload();
    await sim.close();
    removeTempUserDirs();
    process.stdout.write(`      (${stats.bad} table messages, ${stats.random} seeded random messages)\n`);
  });

  async function expectGood(msg: Record<string, unknown>): Promise<Outcome> {
    const outcome = await roundTrip('m1', msg);
    should(outcome.caught).be.empty();
    should(outcome.completed).equal(1);
    should(lastStatus()?.fill).equal('green');
    return outcome;
  }

  /** One bad message: one clear error, to the Catch node only, red status, no output, no request. */
  async function expectRefused(msg: Record<string, unknown>): Promise<string> {
    const label = describeMsg(msg);
    const requests = totalRequests(sim);
    const outcome = await roundTrip('m1', msg);
    should(outcome.caught.length).equal(1, `${label}: caught ${outcome.caught.length} times`);
    should(outcome.completed).equal(0, `${label}: also completed`);
    should(outcome.sent).be.empty();
    const error = outcome.caught[0];
    should(error.message).be.a.String().and.not.be.empty();
    should(error.message.length).be.below(400, label);
    error.message.should.not.match(UNCLEAR, `${label}: unclear error "${error.message}"`);
    should((error.source as { id?: string } | undefined)?.id).equal('m1');
    should(lastStatus()?.fill).equal('red', label);
    should(totalRequests(sim)).equal(requests, `${label}: made a request`);
    should(watch.unhandled.length + watch.uncaught.length).equal(0, watch.describe());
    assertNotPolluted(protoBefore);
    return error.message;
  }

  it('reads with a good message before any hostile one', async function () {
    const outcome = await expectGood({});
    should(outcome.sent).have.length(1);
  });

  it('refuses wrong types, absurd values and prototype keys in every override', async function () {
    const now = Date.now();
    const begin = now - 2 * DAY;
    const wrongTypes: unknown[] = [42, 0, -1, 1e308, -1e308, Infinity, -Infinity, NaN, {}, { a: 1 }, [], [1], true, false];
    const cases: Array<Record<string, unknown>> = [];
    for (const field of ['moduleId', 'deviceId', 'types', 'scale', 'dateBegin'] as const) {
      for (const value of wrongTypes) {
        // A number is a date (epoch ms): only the ones outside [0, now] are wrong.
        if (field === 'dateBegin' && typeof value === 'number' && value >= 0 && value <= now) continue;
        cases.push({ [field]: value });
      }
    }
    for (const value of [{}, [], [begin + DAY], true, NaN, Infinity, -1, -Infinity]) cases.push({ dateBegin: begin, dateEnd: value });
    cases.push(
      // strings of the wrong shape
      { moduleId: '' },
      { moduleId: ' ' },
      { moduleId: `${line} ` },
      { moduleId: line.replace(/#\d$/, '#9') },
      { moduleId: device },
      { moduleId: '__proto__' },
      { moduleId: 'constructor' },
      { moduleId: 'prototype' },
      { moduleId: 'x'.repeat(100_000) },
      { moduleId: [line] },
      { moduleId: { toString: () => line } },
      { moduleId: new String(line) },
      { deviceId: 'aa:bb:cc:dd:ee:ff' },
      { deviceId: line },
      { deviceId: '__proto__' },
      { deviceId: [device] },
      { moduleId: sim.lines()[1].moduleId.replace(/^..:/, 'ff:'), deviceId: device },
      { types: [] },
      { types: '' },
      { types: ' , ' },
      { types: [''] },
      { types: [null] },
      { types: [42] },
      { types: [['sum_energy_elec']] },
      { types: ['__proto__'] },
      { types: ['constructor'] },
      { types: ['prototype'] },
      { types: 'toString' },
      { types: 'hasOwnProperty' },
      { types: 'sum_energy_elec,__proto__' },
      { types: ['sum_energy_elec', {}] },
      { types: 'SUM_ENERGY_ELEC' },
      { types: 'sum_energy_elec$3' },
      { types: 'sum_fluid_consumption$0' },
      { types: KNOWN_TYPES.join(',').repeat(2000) },
      { scale: '' },
      { scale: 'max' },
      { scale: '5min' },
      { scale: '30MIN' },
      { scale: ' 30min' },
      { scale: ['30min'] },
      { scale: '__proto__' },
      { scale: 'constructor' },
      { scale: 'toString' },
      // dates: malformed, out of range, reversed, in the future
      { dateBegin: '' },
      { dateBegin: 'now' },
      { dateBegin: 'June 1st' },
      { dateBegin: '2025-13-01' },
      { dateBegin: '2025-02-30' },
      { dateBegin: '2025-06-01T24:00' },
      { dateBegin: '1e308' },
      { dateBegin: 'Infinity' },
      { dateBegin: String(begin) },
      { dateBegin: '0000-01-01' },
      { dateBegin: '1969-12-31T23:59' },
      { dateBegin: '+275760-09-13' },
      { dateBegin: '__proto__' },
      { dateBegin: new Date(NaN) },
      { dateBegin: new Date(8.64e15) },
      { dateBegin: 8.64e15 + 1 },
      { dateBegin: Number.MAX_VALUE },
      { dateBegin: now + DAY },
      { dateBegin: '2999-01-01' },
      { dateBegin: new Date(now + 365 * DAY) },
      { dateBegin: begin, dateEnd: begin },
      { dateBegin: begin, dateEnd: begin - 1 },
      { dateBegin: begin, dateEnd: 0 },
      { dateBegin: begin, dateEnd: '' },
      { dateBegin: begin, dateEnd: 'yesterday' },
      { dateBegin: begin, dateEnd: new Date(NaN) },
      { dateBegin: new Date(begin).toISOString(), dateEnd: new Date(begin - DAY).toISOString() },
      { dateEnd: begin },
      { dateEnd: 'yesterday' },
      // hostile but well-meant: rangeOutput is checked too
      { dateBegin: begin, rangeOutput: '__proto__' },
      // messages parsed from JSON with prototype keys
      JSON.parse(`{"__proto__":{"moduleId":"${line}","polluted":"yes"},"moduleId":42}`) as Record<string, unknown>,
      JSON.parse('{"__proto__":{"polluted":"yes"},"types":["__proto__"]}') as Record<string, unknown>,
      JSON.parse('{"constructor":{"prototype":{"polluted":"yes"}},"scale":"constructor"}') as Record<string, unknown>,
      JSON.parse('{"types":{"__proto__":["sum_energy_elec"]}}') as Record<string, unknown>,
    );
    const seen = new Set<string>();
    for (const msg of cases) {
      const text = await expectRefused(msg);
      seen.add(text);
      stats.bad += 1;
    }
    // Several distinct explanations, not one catch-all text.
    should(seen.size).be.above(20);
    if (process.env.ECONETATMO_SHOW_ERRORS === '1') process.stdout.write([...seen].join('\n') + '\n');
  });

  it('takes null and undefined overrides as "not given" and reads with the settings', async function () {
    for (const field of FIELDS) {
      const outcome = await expectGood({ [field]: field === 'dateEnd' ? undefined : null });
      should(outcome.sent.length).be.belowOrEqual(1);
    }
  });

  it('reads a good message parsed from JSON with __proto__ and constructor keys, and pollutes nothing', async function () {
    const msg = JSON.parse(
      `{"__proto__":{"polluted":"yes","moduleId":"ff:ff:ff:ff:ff:ff#1"},"constructor":{"prototype":{"polluted":"yes"}},"moduleId":"${line}","scale":"1month","types":["sum_energy_elec"]}`,
    ) as Record<string, unknown>;
    const outcome = await expectGood(msg);
    should(outcome.sent).have.length(1);
    const payload = outcome.sent[0].payload as { moduleId: string; scale: string };
    should(payload.moduleId).equal(line);
    should(payload.scale).equal('1month');
    assertNotPolluted(protoBefore);
  });

  it('refuses seeded random hostile overrides (property: any invalid field gives one clear error and no request)', async function () {
    const random = seeded(0x5eed);
    const now = Date.now();
    /** Draws a value the contract calls invalid for `field` (re-draws anything that could be valid). */
    function invalid(field: Field): unknown {
      for (;;) {
        const v =
          random() < 0.4
            ? randomValue(random)
            : pick(random, [randomText(random, 30), int(random, -1e6, 1e6) * 1e10, `${pick(random, KNOWN_TYPES)}${randomText(random, 2)}`]);
        if (v === null || v === undefined) continue;
        switch (field) {
          case 'moduleId':
            if (typeof v === 'string' && LINE_ID.test(v)) continue;
            return v;
          case 'deviceId':
            if (v === '' || (typeof v === 'string' && v.toLowerCase() === device.toLowerCase())) continue;
            return v;
          case 'types': {
            const items = Array.isArray(v) ? v : typeof v === 'string' ? v.split(',') : null;
            if (
              items !== null &&
              items.length > 0 &&
              items.every((t) => typeof t === 'string' && (KNOWN_TYPES.includes(t.trim()) || (!Array.isArray(v) && t.trim() === ''))) &&
              items.some((t) => String(t).trim() !== '')
            )
              continue;
            return v;
          }
          case 'scale':
            if (typeof v === 'string' && SCALES.includes(v)) continue;
            return v;
          case 'dateBegin':
          case 'dateEnd':
            if (typeof v === 'number' && v >= 0 && v <= now) continue;
            if (v instanceof Date && v.getTime() >= 0 && v.getTime() <= now) continue;
            if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v)) continue;
            // A date far in the future is a valid end ("until now"), never a valid begin.
            if (field === 'dateEnd' && ((typeof v === 'number' && v > now && Number.isFinite(v)) || (v instanceof Date && v.getTime() > now))) continue;
            return v;
        }
      }
    }
    for (let i = 0; i < 120; i++) {
      const msg: Record<string, unknown> = {};
      const count = int(random, 1, 3);
      for (let k = 0; k < count; k++) {
        const field = pick(random, FIELDS);
        msg[field] = invalid(field);
      }
      // dateEnd alone is refused whatever it is; with a good begin, only its own badness counts.
      if ('dateEnd' in msg && !('dateBegin' in msg) && random() < 0.5) msg.dateBegin = now - 3 * DAY;
      await expectRefused(msg);
      stats.random += 1;
      if (i % 40 === 39) await expectGood({});
    }
  });

  it('keeps working: the next good message reads, Node-RED and the prototypes are intact', async function () {
    await expectGood({ scale: '1hour', types: ['sum_energy_elec', 'sum_energy_elec$0'] });
    should(watch.unhandled).be.empty();
    should(watch.uncaught).be.empty();
    assertNotPolluted(protoBefore);
  });
});
