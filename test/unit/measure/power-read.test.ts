// Which readings a power read gives, without Node-RED: with no module chosen each power is counted
// once (a three-phase meter's phases are left out when the answer lists the meter itself), chosen
// phases are kept and marked, and the status sums a phase chosen with its meter once and gives the
// meters' power alone when appliances (which they measure) are read with them.
import should from 'should';
import { meterOfPhase, readPower, type PowerServices } from '../../../src/measure/power-read';
import { powerStatus, powerTotal } from '../../../src/measure/power-status';
import type { Line, LineRole } from '../../../src/contract/line';
import type { HomeStatus, ModulePower, SkippedModule } from '../../../src/netatmo/homestatus';
import type { PowerReading } from '../../../src/contract/power';
import { moduleLine } from '../../support/lines';

const T = Date.UTC(2026, 0, 15, 12, 0, 0);
const H1 = 'home-1';
const H2 = 'home-2';

function line(homeId: string, moduleId: string, model: string, role: LineRole): Line {
  const hash = moduleId.indexOf('#');
  return moduleLine({ homeId, moduleId, model, index: hash > 0 ? Number(moduleId.slice(hash + 1)) : null, name: `name of ${moduleId}`, role });
}

const LINES: Line[] = [
  line(H1, 'nly', 'NLY', 'meter'),
  line(H1, 'nly#1', 'NLY', 'phase'),
  line(H1, 'nly#2', 'NLY', 'phase'),
  line(H1, 'nly#3', 'NLY', 'phase'),
  line(H1, 'plug', 'NLP', 'appliance'),
  // A second home whose three-phase meter's answer lists only the phases.
  line(H2, 'nly2', 'NLY', 'meter'),
  line(H2, 'nly2#1', 'NLY', 'phase'),
  line(H2, 'nly2#2', 'NLY', 'phase'),
];

const POWER: Record<string, number> = { nly: 600, 'nly#1': 100, 'nly#2': 200, 'nly#3': 300, plug: 40, 'nly2#1': 10, 'nly2#2': 20 };

function services(rewrite: (status: HomeStatus) => HomeStatus = (s) => s): PowerServices {
  return {
    lines: { all: () => Promise.resolve(LINES) },
    power: {
      homeStatus: (homeId: string) => {
        const modules: ModulePower[] = LINES.filter((l) => l.homeId === homeId && POWER[l.moduleId] !== undefined).map((l) => ({
          moduleId: l.moduleId,
          model: l.model,
          bridge: 'gw',
          power: POWER[l.moduleId],
          lastSeen: T - 5_000,
          reachable: true,
        }));
        return Promise.resolve(rewrite({ homeId, modules, noPower: [], skipped: [] }));
      },
    },
  };
}

function skip(status: HomeStatus, moduleId: string, problem: SkippedModule['problem'], detail: string): HomeStatus {
  return { ...status, modules: status.modules.filter((m) => m.moduleId !== moduleId), skipped: [...status.skipped, { moduleId, problem, detail }] };
}

const t = (key: string, params: Record<string, string> = {}): string => `${key} ${JSON.stringify(params)}`;

describe('power read: each power counted once', () => {
  it('no module chosen: the meter, not its phases; a home whose answer lacks the meter keeps the phases', async () => {
    const read = await readPower(services(), []);
    should(read.readings.map((r) => [r.moduleId, r.role])).eql([
      ['nly', 'meter'],
      ['plug', 'appliance'],
      ['nly2#1', 'phase'],
      ['nly2#2', 'phase'],
    ]);
    // The sum of the array is the sum of what is measured, each watt once.
    should(read.readings.reduce((a, r) => a + (r.power ?? 0), 0)).equal(600 + 40 + 10 + 20);
  });

  it('no module chosen: a phase of a listed meter is not warned about, the meter is', async () => {
    const broken = await readPower(
      services((s) => (s.homeId === H1 ? skip(skip(s, 'nly#2', 'power', 'string'), 'nly', 'lastSeen', 'missing') : s)),
      [],
    );
    should(broken.skipped.map((x) => x.moduleId)).eql(['nly']);
    should(broken.readings.map((r) => r.moduleId)).not.containEql('nly#1');
    const elsewhere = await readPower(
      services((s) => (s.homeId === H1 ? { homeId: H1, modules: [], noPower: [], skipped: [{ moduleId: '', problem: 'home', detail: 'other' }] } : s)),
      [],
    );
    should(elsewhere.skipped.map((x) => x.moduleId)).eql(['nly', 'plug']);
  });

  it('phases chosen by id are read, in the chosen order, marked phase', async () => {
    const read = await readPower(services(), ['nly#2', 'nly', 'nly#1']);
    should(read.readings.map((r) => [r.moduleId, r.role, r.power])).eql([
      ['nly#2', 'phase', 200],
      ['nly', 'meter', 600],
      ['nly#1', 'phase', 100],
    ]);
  });

  it("the status sums a phase chosen with its meter once, in the meter's power", async () => {
    const both = powerStatus(t, await readPower(services(), ['nly', 'nly#1', 'nly#2', 'nly#3']), T);
    should(both.text).startWith('status.several ').and.containEql('"watts":"600"');
    const phasesAlone = powerStatus(t, await readPower(services(), ['nly#1', 'nly#2']), T);
    should(phasesAlone.text).containEql('"watts":"300"');
  });

  it('the status of meters and appliances: the meters alone (they measure what the appliances draw), said so', async () => {
    const every = powerStatus(t, await readPower(services(), []), T);
    // nly (600, its phases within) + home 2's phases (10 + 20); the plug is behind the meters.
    should(every.text).startWith('status.meters ').and.containEql('"watts":"630"');
    const chosen = powerStatus(t, await readPower(services(), ['plug', 'nly#1']), T);
    should(chosen.text).startWith('status.meters ').and.containEql('"watts":"100"');
  });

  it('meterOfPhase: the id before # of a phase, null for anything else', () => {
    should(meterOfPhase({ moduleId: 'aa:bb#3', role: 'phase' })).equal('aa:bb');
    should(meterOfPhase({ moduleId: 'aa:bb#1', role: 'appliance' })).be.null();
    should(meterOfPhase({ moduleId: 'aa:bb', role: 'meter' })).be.null();
  });
});

describe('power total: what the homes draw, each watt once', () => {
  const r = (moduleId: string, role: LineRole, power: number | null): PowerReading => ({
    homeId: H1,
    deviceId: 'gw',
    moduleId,
    name: moduleId,
    model: 'NLP',
    role,
    power,
    lastSeen: T,
    reachable: power !== null,
  });

  it('appliances alone: their sum', () => {
    should(powerTotal([r('a', 'appliance', 40), r('b', 'appliance', 2.5)])).eql({ watts: 42.5, meters: false });
  });

  it('meters with appliances: the meters only (a phase within its meter once), the appliances left out', () => {
    should(powerTotal([r('m', 'meter', 900), r('m#1', 'phase', 300), r('p', 'appliance', 40), r('n', 'meter', 100)])).eql({ watts: 1000, meters: true });
  });

  it('meters and phases alone: their sum, nothing left out', () => {
    should(powerTotal([r('m', 'meter', 900), r('m#1', 'phase', 300), r('x#2', 'phase', 20)])).eql({ watts: 920, meters: false });
  });

  it('every meter unreachable: the appliances, since no meter says anything', () => {
    should(powerTotal([r('m', 'meter', null), r('p', 'appliance', 40)])).eql({ watts: 40, meters: false });
  });
});
