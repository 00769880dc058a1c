// /api/homestatus and /api/homesdata at the edge: the live power of each module, each module
// checked on its own (test/fixtures/homestatus-power.json holds one of every case).
import fs from 'fs';
import path from 'path';
import should from 'should';
import { parseHomeStatus } from '../../../src/netatmo/homestatus';
import { parseHomesData } from '../../../src/netatmo/discovery';
import { reportsPower } from '../../../src/netatmo/homestatus';
import { isNetatmoError } from '../../../src/netatmo/errors';

const FIXTURES = path.resolve(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'netatmo');
const HOME = '6a1b2c3d4e5f60718293a4b5';

function fixture(name: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, name), 'utf8')) as Record<string, unknown>;
}

describe('homestatus: live power at the edge', () => {
  const status = parseHomeStatus(fixture('homestatus-power.json'), HOME);

  it('keeps every module that reports power, with W, last_seen in ms and reachability', () => {
    should(status.modules.map((m) => m.moduleId)).eql([
      '70:ee:50:aa:00:10',
      '70:ee:50:aa:00:11',
      '70:ee:50:aa:00:12',
      '70:ee:50:aa:00:13#1',
      '70:ee:50:aa:00:13#2',
    ]);
    should(status.modules[0]).eql({
      moduleId: '70:ee:50:aa:00:10',
      model: 'NLPC',
      bridge: '70:ee:50:aa:00:01',
      power: 512,
      lastSeen: 1764719950_000,
      reachable: true,
    });
    should(status.modules[1]?.power).equal(0); // 0 W is a value, not a missing one
  });

  it('an unreachable module is kept with power null, whatever stale power the answer carries', () => {
    const m = status.modules.find((x) => x.moduleId === '70:ee:50:aa:00:12');
    should(m).match({ reachable: false, power: null, lastSeen: 1764700000_000 });
  });

  it("a double switch's sub-modules take their parent's last_seen and reachability; the parent reports none", () => {
    const right = status.modules.find((x) => x.moduleId === '70:ee:50:aa:00:13#1');
    should(right).match({ power: 40, lastSeen: 1764719930_000, reachable: true });
    should(status.noPower).containEql('70:ee:50:aa:00:13');
  });

  it('skips, with a reason, a non-numeric power, a missing power and a missing last_seen; keeps the others', () => {
    should(status.skipped).eql([
      { moduleId: '70:ee:50:aa:00:14', problem: 'power', detail: 'string' },
      { moduleId: '70:ee:50:aa:00:15', problem: 'lastSeen', detail: 'missing' },
      { moduleId: '70:ee:50:aa:00:16', problem: 'power', detail: 'missing' },
    ]);
  });

  it('the NLE, the gateway and a remote report no power: listed as such, never as broken', () => {
    should(status.noPower).eql(['70:ee:50:aa:00:01', '70:ee:50:aa:00:13', '70:ee:50:aa:00:17', '70:ee:50:aa:00:20', '70:ee:50:aa:00:20#5']);
  });

  it('an answer for another home: every module skipped with the other home named, nothing kept', () => {
    const other = parseHomeStatus(fixture('homestatus-power.json'), 'aaaaaaaaaaaaaaaaaaaaaaaa');
    should(other.modules).eql([]);
    should(other.skipped.length).equal(13);
    should(other.skipped[1]).eql({ moduleId: '70:ee:50:aa:00:10', problem: 'home', detail: HOME });
  });

  it('an answer without a home, or whose modules are not a list, fails as a whole', () => {
    for (const answer of [{ body: {} }, { body: { home: { id: HOME, modules: 'x' } } }, 'text', null]) {
      let caught: unknown;
      try {
        parseHomeStatus(answer, HOME);
      } catch (err) {
        caught = err;
      }
      should(isNetatmoError(caught, 'api')).be.true();
    }
  });

  it('a module of the answer that is not an object or has no id is ignored; NaN and null power are skipped', () => {
    const answer = {
      body: {
        home: {
          id: HOME,
          modules: [
            7,
            { type: 'NLP', power: 1 },
            { id: 'a', type: 'NLP', power: null, last_seen: 1, reachable: true },
            { id: 'b', type: 'NLP', power: NaN, last_seen: 1 },
          ],
        },
      },
    };
    const s = parseHomeStatus(answer, HOME);
    should(s.modules).eql([]);
    should(s.skipped.map((x) => [x.moduleId, x.detail])).eql([
      ['a', 'null'],
      ['b', 'NaN'],
    ]);
  });
});

describe('homesdata: the lines that report power', () => {
  it("the editor's list: power models only, a double switch by its sub-modules", () => {
    const lines = parseHomesData(fixture('homesdata-power.json'), 'all').filter((l) => reportsPower(l.model));
    should(lines.map((m) => m.moduleId).sort()).eql([
      '70:ee:50:aa:00:10',
      '70:ee:50:aa:00:11',
      '70:ee:50:aa:00:12',
      '70:ee:50:aa:00:13#1',
      '70:ee:50:aa:00:13#2',
      '70:ee:50:aa:00:14',
      '70:ee:50:aa:00:15',
      '70:ee:50:aa:00:16',
    ]);
    should(lines.find((l) => l.model === 'NLPC')).match({ name: 'Compteur général', model: 'NLPC', deviceId: '70:ee:50:aa:00:01', homeId: HOME });
  });

  it('the real recorded answer (../shared/netatmo-samples) gives its NLPC, plugs and switches', function () {
    // Beside the project (../shared), or beside the worktrees' folder.
    const sample = [5, 6]
      .map((up) => path.resolve(__dirname, ...Array<string>(up).fill('..'), 'shared', 'netatmo-samples'))
      .find((dir) => fs.existsSync(path.join(dir, 'homestatus-nle.json')));
    if (sample === undefined) this.skip();
    const data = JSON.parse(fs.readFileSync(path.join(sample, 'homesdata-nle.json'), 'utf8')) as unknown;
    const answer = JSON.parse(fs.readFileSync(path.join(sample, 'homestatus-nle.json'), 'utf8')) as { body: { home: { id: string } } };
    const s = parseHomeStatus(answer, answer.body.home.id);
    should(s.modules.map((m) => m.model)).containDeep(['NLP', 'NLPC', 'NLF', 'NLLF', 'NLL', 'NLIS', 'NLIS', 'NLPT', 'NLPD', 'NLPO']);
    should(s.modules.find((m) => m.model === 'NLPC')?.power).equal(476);
    should(s.skipped).eql([]);
    should(
      parseHomesData(data, 'all')
        .filter((l) => reportsPower(l.model))
        .map((m) => m.model),
    ).containDeep(['NLPC', 'NLP']);
  });
});
