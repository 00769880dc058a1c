// The power node's messages into InfluxDB points, at the export's edge.
import should from 'should';
import { influxPowerPoints, isPowerMessage, parsePowerMessage } from '../../../src/export/influx-power';
import { InfluxExporter } from '../../../src/export/influxdb-exporter';
import { ExportProblem } from '../../../src/export/types';

const READING = {
  homeId: 'h1',
  deviceId: '00:04:74:aa:bb:cc',
  moduleId: '00:04:74:00:01:02:03:04',
  name: 'Compteur général',
  model: 'NLPC',
  power: 476,
  lastSeen: Date.UTC(2026, 0, 14, 9, 0, 12),
  reachable: true,
};

function problem(fn: () => unknown): ExportProblem {
  try {
    fn();
  } catch (err) {
    if (err instanceof ExportProblem) return err;
    throw err;
  }
  throw new Error('no problem raised');
}

describe('export: power messages into InfluxDB', function () {
  it('each: msg.power becomes one point, measurement econetatmo_power, field power, at lastSeen, tagged as energy', function () {
    const msg = { topic: READING.name, payload: 476, power: READING };
    should(isPowerMessage(msg)).be.true();
    should(influxPowerPoints(parsePowerMessage(msg))).eql([
      {
        measurement: 'econetatmo_power',
        tags: { moduleId: READING.moduleId, deviceId: READING.deviceId, line: READING.name },
        fields: { power: 476 },
        timestamp: new Date(READING.lastSeen),
      },
    ]);
  });

  it('all: every reading of the array, an unreachable one (power null) left out', function () {
    const off = { ...READING, moduleId: '00:04:74:00:01:02:03:05', power: null, reachable: false };
    const out = new InfluxExporter('energy').accept({ payload: [READING, off] });
    should(out.store.length).equal(1);
    const points = out.store[0]?.payload as Array<{ tags: { moduleId: string } }>;
    should(points.map((p) => p.tags.moduleId)).eql([READING.moduleId]);
    should(out.store[0]?.precision).equal('s');
    should(new InfluxExporter('energy').accept({ power: off }).store).eql([]);
  });

  it('refuses a reading without a usable lastSeen or power, or whose name holds markup', function () {
    should(problem(() => parsePowerMessage({ power: { ...READING, lastSeen: 'yesterday' } })).args.what).equal('msg.power.lastSeen');
    should(problem(() => parsePowerMessage({ power: { ...READING, power: '476' } })).args.what).equal('msg.power.power');
    should(problem(() => parsePowerMessage({ payload: [READING, { ...READING, name: '<b>x</b>' }] })).key).equal('markup');
  });

  it("a measure node's message is not a power message", function () {
    should(isPowerMessage({ payload: { moduleId: 'x', points: [] } })).be.false();
    should(isPowerMessage({ payload: [] })).be.false();
    should(isPowerMessage({ payload: 476 })).be.false();
  });
});
