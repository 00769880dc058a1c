// The exporters behind the export node, without Node-RED: the runtime's ledger registry (one
// writer per statistic), Home Assistant's baseline time-out on an injected clock, and what each
// format makes of a message, as outcomes the node only has to send.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import should from 'should';
import { VirtualClock } from '../../support/virtual-clock';
import { LedgerRegistry } from '../../../src/export/ledger-registry';
import { HomeAssistantExporter } from '../../../src/export/homeassistant-exporter';
import { createExporter, type ExporterDeps } from '../../../src/export/formats';
import { ledgerFile, memoryLedgerStore } from '../../../src/export/ledger-store';
import { ExportProblem, HOUR } from '../../../src/export/types';
import type { ExportOutcome } from '../../../src/export/exporter';
import { problemKey } from './problem-key';
import { half, ovenPayload } from './oven-payload';

const H0 = Date.UTC(2025, 2, 12, 0);
const ID = 'econetatmo:70ee50a1b2c3_4';

function measureMsg(points: Array<[number, number]>): Record<string, unknown> {
  return { payload: ovenPayload(points.map(([start, wh]) => half(start, wh))) };
}

describe('export: the ledger registry', function () {
  it('gives a statistic to the first node, refuses the others by name, and frees it when that node lets go', function () {
    const registry = new LedgerRegistry();
    const kitchen = registry.claimsFor('/a/export', '"kitchen" (n1)');
    const garage = registry.claimsFor('/a/export', 'n2');
    kitchen.take(ID);
    kitchen.take(ID);
    should(() => garage.take(ID)).throw(ExportProblem);
    should(problemKey(() => garage.take(ID))).equal('statisticInUse');
    try {
      garage.take(ID);
    } catch (err) {
      should((err as ExportProblem).args).eql({ id: ID, owner: '"kitchen" (n1)' });
    }
    garage.take('econetatmo:70ee50a1b2c3_2');
    should(registry.size).equal(2);
    kitchen.release();
    should(registry.size).equal(1);
    garage.take(ID);
    // A node that lets go after another took its statistic over frees only its own.
    kitchen.release();
    should(problemKey(() => kitchen.take(ID))).equal('statisticInUse');
  });

  it('keys by ledger file: the same statistic under another user directory is another ledger', function () {
    const registry = new LedgerRegistry();
    registry.claimsFor('/a/export', 'n1').take(ID);
    registry.claimsFor('/b/export', 'n1').take(ID);
    should(registry.size).equal(2);
  });
});

describe('export: the Home Assistant exporter', function () {
  let clock: VirtualClock;
  let later: ExportOutcome[];
  let failures: unknown[];
  let registry: LedgerRegistry;
  beforeEach(function () {
    clock = new VirtualClock({ start: H0 + 10 * HOUR });
    later = [];
    failures = [];
    registry = new LedgerRegistry();
  });
  afterEach(function () {
    clock.dispose();
  });

  function exporter(baselineTimeoutMs = 30_000, owner = 'n1'): HomeAssistantExporter {
    return new HomeAssistantExporter(
      { source: 'econetatmo', statisticIdOverride: '', baselineTimeoutMs },
      { clock, later: (o) => later.push(o), failed: (e) => failures.push(e) },
      memoryLedgerStore(),
      registry.claimsFor('/ledgers', owner),
    );
  }

  it('asks Home Assistant on the second output, and on its own clock gives up after the time-out', function () {
    const ex = exporter();
    const first = ex.accept(measureMsg([[H0, 100]]));
    should(first.store).eql([]);
    should(first.status).eql({ kind: 'waiting' });
    should(first.asks).have.length(1);
    should(first.asks[0]).containDeep({ topic: ID, payload: { type: 'recorder/statistics_during_period' }, econetatmoBaseline: { statisticId: ID, from: H0 } });
    clock.advanceSync(29_999);
    should(later).eql([]);
    clock.advanceSync(1);
    should(later).have.length(1);
    should(later[0].warnings).eql([{ key: 'baselineTimeout', args: { id: ID } }]);
    should(later[0].status).eql({ kind: 'haSent', rows: 1, messages: 1, lastHour: H0 });
    should(later[0].store[0]).containDeep({ topic: ID, payload: { type: 'recorder/import_statistics', stats: [{ state: 0.1, sum: 0.1 }] } });
    // The answer after the time-out changes nothing and says nothing.
    should(ex.accept({ payload: {}, econetatmoBaseline: { statisticId: ID, from: H0 } })).eql({ store: [], asks: [], status: null, warnings: [] });
    should(failures).eql([]);
    ex.close();
  });

  it("an answer in time stops the time-out and carries Home Assistant's sum on", function () {
    const ex = exporter();
    ex.accept(measureMsg([[H0, 100]]));
    const out = ex.accept({ payload: { [ID]: [{ start: H0 - HOUR, end: H0, state: 1, sum: 1000 }] }, econetatmoBaseline: { statisticId: ID, from: H0 } });
    should(out.store[0]).containDeep({ payload: { stats: [{ state: 0.1, sum: 1000.1 }] } });
    should(clock.pending()).equal(0);
    ex.close();
  });

  it('closing stops its time-outs and frees its statistics for the node that replaces it', function () {
    const ex = exporter();
    ex.accept(measureMsg([[H0, 100]]));
    should(clock.pending()).equal(1);
    should(problemKey(() => exporter(30_000, 'n2').accept(measureMsg([[H0, 1]])))).equal('statisticInUse');
    ex.close();
    should(clock.pending()).equal(0);
    should(registry.size).equal(0);
    clock.advanceSync(60_000);
    should(later).eql([]);
    should(exporter(30_000, 'n2').accept(measureMsg([[H0, 1]])).asks).have.length(1);
  });

  it('a time-out of 0 never asks: the sum starts from the first hour at once', function () {
    const out = exporter(0).accept(measureMsg([[H0, 100]]));
    should(out.asks).eql([]);
    should(out.status).eql({ kind: 'haSent', rows: 1, messages: 1, lastHour: H0 });
    should(clock.pending()).equal(0);
  });
});

describe('export: exporters by format', function () {
  let clock: VirtualClock;
  let dir: string;
  let deps: ExporterDeps;
  beforeEach(function () {
    clock = new VirtualClock({ start: H0 + 10 * HOUR });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'econetatmo-exporters-'));
    deps = { clock, ledgerDir: dir, ledgers: new LedgerRegistry(), owner: 'n1', later: () => undefined, failed: () => undefined };
  });
  afterEach(function () {
    clock.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('settings wrong whatever comes in throw at once', function () {
    should(problemKey(() => createExporter({ format: 'homeassistant', statisticId: 'Kitchen-Oven' }, deps))).equal('badStatisticId');
    should(problemKey(() => createExporter({ source: 'Bad Source' }, deps))).equal('badSource');
    should(problemKey(() => createExporter({ format: 'influxdb', measurement: 'a b' }, deps))).equal('badMeasurement');
  });

  it('influxdb: one message of points, seconds precision, and a status with the last bucket', function () {
    const ex = createExporter({ format: 'influxdb', measurement: 'energy' }, deps);
    const out = ex.accept(measureMsg([[H0, 7]]));
    should(out.store).have.length(1);
    should(out.store[0]).containDeep({ topic: 'Oven', precision: 's' });
    should(out.status).eql({ kind: 'influxSent', points: 1, last: H0 });
    should(problemKey(() => ex.accept({ payload: {}, econetatmoBaseline: { statisticId: ID, from: H0 } }))).equal('notMeasure');
  });

  it('dashboard: the whole chart, to replace what the ui-chart shows', function () {
    const ex = createExporter({ format: 'dashboard', chart: 'buckets', span: '48' }, deps);
    ex.accept(measureMsg([[H0, 1]]));
    const out = ex.accept(measureMsg([[H0, 3]]));
    should(out.store).eql([{ topic: 'econetatmo', payload: [{ x: H0, y: 3, series: 'Oven' }], action: 'replace' }]);
    should(out.status).eql({ kind: 'chart', points: 1, newest: H0 }); // the status says "up to" the newest bucket
  });

  it('an unknown format is Home Assistant, the default, with its ledgers under the given directory', function () {
    const ex = createExporter({ format: 'csv', baselineTimeout: 0 }, deps);
    ex.accept(measureMsg([[H0, 1]]));
    should(fs.readdirSync(dir)).eql([path.basename(ledgerFile(dir, 'econetatmo:70ee50a1b2c3_4'))]);
    ex.close();
  });
});
