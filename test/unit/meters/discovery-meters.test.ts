// Discovery of every Legrand energy meter on the project's own homesdata answer (test/fixtures/netatmo):
// which modules are lines, their shape, their order, and the types nobody knows.
import should from 'should';
import { discover, parseHomesData } from '../../../src/netatmo/discovery';
import { METER_MODELS, meterModel } from '../../../src/contract/meter-models';
import { ECOCOUNTER, fixture, GATEWAY, NLIS, NLPC, NLY, OUTSIDE_GATEWAY } from './fixtures';

describe('discovery of every energy meter (test/fixtures/netatmo/homesdata-meters.json)', function () {
  const answer = fixture('homesdata-meters.json');

  it("lists the ecocounter's lines as before, then meters, phases and appliances, home by home", function () {
    const { lines } = discover(answer);
    should(lines.map((l) => `${l.model} ${l.moduleId}`)).eql([
      ...Array.from({ length: 9 }, (_, i) => `NLE ${ECOCOUNTER}#${i}`),
      `NLPC ${NLPC}`,
      'NLPS 70:ee:50:00:00:91:00:0c',
      `NLY ${NLY}`,
      `NLY ${NLY}#1`,
      `NLY ${NLY}#2`,
      `NLY ${NLY}#3`,
      'NLP 70:ee:50:00:00:3a:c2:01',
      'NLPO 70:ee:50:00:00:3a:c2:03',
      'NLPT 70:ee:50:00:00:3a:c2:02',
      'NLF 70:ee:50:00:00:3a:c2:04',
      `NLIS ${NLIS}#1`,
      `NLIS ${NLIS}#2`,
      'NLPC 70:ee:50:00:00:5e:7b:99',
    ]);
    should(lines.map((l) => l.role).slice(9, 17)).eql(['meter', 'meter', 'meter', 'phase', 'phase', 'phase', 'appliance', 'appliance']);
  });

  it('gives a meter its gateway as device, its own id as module, no index, and the electrical kinds', function () {
    const line = discover(answer).lines.find((l) => l.moduleId === NLPC);
    should(line).eql({
      homeId: '5f0c0e1a2b3c4d5e6f708192',
      homeName: 'Maison de test',
      timezone: 'Europe/Paris',
      deviceId: GATEWAY,
      moduleId: NLPC,
      model: 'NLPC',
      index: null,
      name: 'Compteur général',
      role: 'meter',
      consumptionType: 'electrical',
      sourceType: 'electricity',
      roomId: 'r-garage',
      roomName: 'Garage',
    });
  });

  it("a phase's and a double switch output's index is their #N; a module without a name is called by its id", function () {
    const { lines } = discover(answer);
    should(lines.find((l) => l.moduleId === `${NLY}#2`)).match({ index: 2, role: 'phase', deviceId: GATEWAY, name: 'Phase 2' });
    should(lines.find((l) => l.moduleId === `${NLIS}#1`)).match({ index: 1, role: 'appliance', name: 'Applique droite', roomName: 'Salon' });
    should(lines.find((l) => l.model === 'NLF')).match({ name: '70:ee:50:00:00:3a:c2:04', roomId: null, roomName: null });
    // The double switch itself is not a line (its outputs measure); the three-phase meter is one, beside its phases.
    should(lines.some((l) => l.moduleId === NLIS)).be.false();
    should(lines.find((l) => l.moduleId === NLY)).match({ role: 'meter', index: null });
  });

  it('keeps a module whose gateway is not a module of the home, and skips one without a bridge', function () {
    const { lines } = discover(answer);
    should(lines.find((l) => l.model === 'NLPS')).match({ deviceId: OUTSIDE_GATEWAY, role: 'meter' });
    should(lines.some((l) => l.moduleId === '70:ee:50:00:00:3a:c2:09')).be.false();
  });

  it('counts the types it does not know, not the gateways, shutters or cameras it knows do not measure', function () {
    should(discover(answer).unknownTypes).eql({ NLUF: 2 });
  });

  it('without `all`, lists exactly the ecocounter lines, as a sync node made before other meters did', function () {
    const lines = parseHomesData(answer);
    should(lines.map((l) => l.moduleId)).eql(Array.from({ length: 9 }, (_, i) => `${ECOCOUNTER}#${i}`));
    should(lines.every((l) => l.model === 'NLE' && l.deviceId === ECOCOUNTER)).be.true();
    should(parseHomesData(answer, 'all')).have.length(22);
  });

  it('an unknown type is never an error, whatever its fields', function () {
    const odd = { body: { homes: [{ id: 'h', modules: [{ id: 'x', type: 'NLZZ', name: 42, room_id: {}, bridge: 7 }] }] } };
    should(discover(odd)).eql({ lines: [], unknownTypes: { NLZZ: 1 } });
  });

  it("a meter's odd name or room is none: it never costs the account its ecocounter lines", function () {
    const odd = JSON.parse(JSON.stringify(answer)) as { body: { homes: Array<{ modules: Array<Record<string, unknown>> }> } };
    const nlpc = odd.body.homes[0].modules.find((m) => m.id === NLPC) as Record<string, unknown>;
    nlpc.name = 42;
    nlpc.room_id = { id: 'r' };
    should(parseHomesData(odd)).have.length(9);
    should(discover(odd).lines.find((l) => l.moduleId === NLPC)).match({ name: NLPC, roomId: null, roomName: null });
  });

  it("the order does not depend on the answer's order", function () {
    const reversed = JSON.parse(JSON.stringify(answer)) as { body: { homes: Array<{ modules: unknown[] }> } };
    for (const home of reversed.body.homes) home.modules.reverse();
    should(
      discover(reversed)
        .lines.slice(9)
        .map((l) => l.moduleId),
    ).eql(
      discover(answer)
        .lines.slice(9)
        .map((l) => l.moduleId),
    );
  });

  it('the table: every model has its family, and only the ecocounter reports no power', function () {
    for (const [model, row] of Object.entries(METER_MODELS)) {
      should(row.family).equal(model === 'NLE' ? 'sum_energy_elec' : 'sum_energy_buy_from_grid');
      should(row.power).equal(model !== 'NLE');
    }
    should(meterModel('toString')).be.null();
    should(meterModel('__proto__')).be.null();
  });
});
