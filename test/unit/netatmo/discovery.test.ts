import should from 'should';
import { parseHomesData } from '../../../src/netatmo/discovery';
import { isNetatmoError } from '../../../src/netatmo/errors';

const ECO = '70:ee:50:aa:bb:01';

function lineModule(n: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id: `${ECO}#${n}`, type: 'NLE', name: `Ligne ${n}`, setup_date: 1700000000, room_id: 'r-cab', bridge: ECO, ...extra };
}

function answer(): Record<string, unknown> {
  return {
    status: 'ok',
    body: {
      homes: [
        {
          id: 'home-1',
          name: 'Maison',
          timezone: 'Europe/Paris',
          rooms: [
            { id: 'r-cab', name: 'Tableau', type: 'electrical_cabinet', module_ids: [] },
            { id: 'r-hall', name: 'Entrée', type: 'lobby', module_ids: [] },
          ],
          modules: [
            // lines out of order, the ecocounter itself, a look-alike double switch, other devices
            lineModule(8),
            lineModule(2),
            lineModule(0),
            lineModule(5),
            lineModule(1),
            { id: ECO, type: 'NLE', name: 'Écocompteur', room_id: 'r-cab', modules_bridged: [] },
            lineModule(7),
            lineModule(3),
            lineModule(6),
            lineModule(4, { room_id: 'r-hall' }),
            { id: '00:11:22:33:44:55#1', type: 'NLIS', name: 'Double switch', bridge: '00:11:22:33:44:00' },
            { id: '00:11:22:33:44:55#2', type: 'NLIS', name: 'Double switch', bridge: '00:11:22:33:44:00' },
            { id: `${ECO}#9`, type: 'NLE', name: 'not a line', bridge: ECO },
            { id: 'aa#3', type: 'NLE', name: 'no bridge' },
            { id: '12:34', type: 'NAPlug', name: 'Thermostat' },
          ],
        },
        {
          id: 'home-2',
          name: 'Chalet',
          timezone: 'Mars/Olympus_Mons',
          modules: [{ id: 'b2#5', type: 'NLE', name: 'Total', bridge: 'b2', room_id: 'unknown-room' }],
        },
        { id: 'home-3', name: 'Empty' },
      ],
    },
  };
}

describe('parseHomesData', () => {
  it('finds the nine lines of an ecocounter in index order, then the next home', () => {
    const lines = parseHomesData(answer());
    should(lines.map((l) => l.moduleId)).eql([...Array.from({ length: 9 }, (_, i) => `${ECO}#${i}`), 'b2#5']);
    should(lines[0]).eql({
      homeId: 'home-1',
      homeName: 'Maison',
      timezone: 'Europe/Paris',
      deviceId: ECO,
      moduleId: `${ECO}#0`,
      model: 'NLE',
      index: 0,
      name: 'Ligne 0',
      role: 'circuit',
      consumptionType: 'electrical',
      sourceType: 'electricity',
      roomId: 'r-cab',
      roomName: 'Tableau',
    });
    should(lines.map((l) => l.role)).eql(['circuit', 'circuit', 'circuit', 'circuit', 'circuit', 'total', 'gas', 'hot_water', 'cold_water', 'total']);
    should(lines.map((l) => l.sourceType).slice(5, 9)).eql(['electricity', 'gas', 'hot_water', 'cold_water']);
    should(lines.map((l) => l.consumptionType).slice(4, 7)).eql(['electrical', 'electrical', 'fluid']);
    should(lines[4].roomName).equal('Entrée');
    should(lines[9]).match({ homeName: 'Chalet', timezone: null, roomId: 'unknown-room', roomName: null });
  });

  it("gives each line its home's time zone; null when the home has none Node.js knows", () => {
    const lines = parseHomesData(answer());
    should(lines.slice(0, 9).map((l) => l.timezone)).eql(Array(9).fill('Europe/Paris'));
    should(lines[9].timezone).equal(null); // an unknown zone: the lines still come, on Node-RED's zone
    const noZone = parseHomesData({ homes: [{ id: 'h', modules: [lineModule(0)] }] });
    should(noZone[0].timezone).equal(null);
    const oddZone = parseHomesData({ homes: [{ id: 'h', timezone: 42, modules: [lineModule(0)] }] });
    should(oddZone[0].timezone).equal(null);
    const tokyo = parseHomesData({ homes: [{ id: 'h', timezone: 'Asia/Tokyo', modules: [lineModule(0)] }] });
    should(tokyo[0].timezone).equal('Asia/Tokyo');
  });

  it('accepts the body alone and homes without modules', () => {
    should(parseHomesData({ homes: [] })).eql([]);
    should(parseHomesData({ body: { homes: [{ id: 'h' }] } })).eql([]);
  });

  it('refuses answers of the wrong shape with a clear api error', () => {
    const cases: Array<[unknown, RegExp]> = [
      ['text', /not an object/],
      [{ body: 'x' }, /no body/],
      [{ body: { homes: {} } }, /list of homes is not a list/],
      [{ body: { homes: [{ name: 'no id' }] } }, /home 1 has no id/],
      [{ body: { homes: [{ id: 'h', modules: [{ id: 5, type: 'NLE' }] }] } }, /module 1 of home 1 has no id or type/],
      [{ body: { homes: [{ id: 'h', modules: [{ id: 'a#1', type: 'NLE', bridge: 'a', name: 42 }] }] } }, /name of module a#1 is not a text/],
    ];
    for (const [input, text] of cases) {
      try {
        parseHomesData(input);
        throw new Error('expected an error');
      } catch (err) {
        should(isNetatmoError(err, 'api')).be.true();
        should((err as Error).message).startWith('Unexpected answer from Netatmo: ');
        should((err as Error).message).match(text);
      }
    }
  });
});
