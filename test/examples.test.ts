// The example flows (examples/**) and the demo's use of them: every file is a valid flow of
// known node types sharing one account; the dashboard's charts come from export nodes; examples
// 04, 05 and 06 are wired as their destinations need; and examples 01–03, 06 (without Home
// Assistant) and the dashboard run inside real Node-RED against the simulator.
// Over 300 lines: the shipped flows checked statically, then run in Node-RED, over one loader of
// the examples (scripts/demo/flows.js).
import './support/node-red-line';
import path from 'path';
import should from 'should';
import helper from 'node-red-node-test-helper';
import { startSimulator, type Simulator } from '../src/simulator';
import { MEASURE_TYPES, SCALES } from '../src/contract/measure-types';
import { SIM_OFF_PEAK, SIM_PEAK } from './export/truth';

/** A message of the examples' flows, checked field by field below. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type FlowMessage = Record<string, any>;

type FlowNode = Record<string, unknown> & { id: string; type: string };
interface Example {
  file: string;
  nodes: FlowNode[];
}
interface FlowsModule {
  ACCOUNT_ID: string;
  EXAMPLE_DEVICE_ID: string;
  loadExamples(): Example[];
  demoExamples(examples: Example[]): Example[];
  mergeExamples(examples: Example[]): FlowNode[];
  retarget(nodes: FlowNode[], target: { apiUrl: string; deviceId: string }): FlowNode[];
}

const ROOT = path.resolve(__dirname, '..', '..');
const flows = require(path.join(ROOT, 'scripts', 'demo', 'flows.js')) as FlowsModule;
const examples = flows.loadExamples();

const OUR_TYPES = ['econetatmo-account', 'econetatmo-sync', 'econetatmo-measure', 'econetatmo-export', 'econetatmo-power'];
// The destinations' own nodes: node-red-contrib-home-assistant-websocket and node-red-contrib-influxdb.
const DESTINATION_TYPES = ['server', 'ha-api', 'ha-sensor', 'ha-entity-config', 'influxdb', 'influxdb batch'];
const CORE_TYPES = ['tab', 'comment', 'inject', 'debug', 'function', 'switch', 'change'];
const DASHBOARD_TYPES = ['ui-base', 'ui-theme', 'ui-page', 'ui-group', 'ui-chart', 'ui-text', 'ui-gauge'];
/** The package that brings each type of another system (the examples' global-config names it). */
const PACKAGE_OF: Record<string, string> = {
  ...Object.fromEntries(['server', 'ha-api', 'ha-sensor', 'ha-entity-config'].map((t) => [t, 'node-red-contrib-home-assistant-websocket'])),
  ...Object.fromEntries(['influxdb', 'influxdb batch'].map((t) => [t, 'node-red-contrib-influxdb'])),
  ...Object.fromEntries(DASHBOARD_TYPES.map((t) => [t, '@flowfuse/node-red-dashboard'])),
};
const MODULE_ID = /^((?:[0-9a-f]{2}:){5}[0-9a-f]{2})#([0-8])$/;

function byFile(name: string): FlowNode[] {
  const found = examples.find((e) => e.file === name);
  if (!found) throw new Error(`no example ${name}`);
  return found.nodes;
}
function ofType(nodes: FlowNode[], type: string): FlowNode[] {
  return nodes.filter((n) => n.type === type);
}
function wiresOf(node: FlowNode): string[] {
  const wires = node.wires;
  if (wires === undefined) return [];
  should(Array.isArray(wires)).be.true(`${node.id}: wires must be an array`);
  return (wires as unknown[]).flatMap((port) => {
    should(Array.isArray(port)).be.true(`${node.id}: each output port is an array`);
    return port as string[];
  });
}

describe('examples', function () {
  it('has the seven documented examples', function () {
    should(examples.map((e) => e.file).sort()).eql([
      '01 Discover lines.json',
      '02 Read a line.json',
      '03 Read a past range.json',
      '04 Home Assistant energy.json',
      '05 InfluxDB.json',
      '06 Live power.json',
      path.join('dashboard', 'Consumption dashboard.json'),
    ]);
  });

  for (const { file, nodes } of examples) {
    describe(file, function () {
      it('uses only known node types, with unique ids and wires to existing nodes', function () {
        const known = [...OUR_TYPES, ...CORE_TYPES, 'global-config', ...DASHBOARD_TYPES, ...DESTINATION_TYPES];
        const ids = new Set<string>();
        for (const node of nodes) {
          should(known).containEql(node.type);
          should(typeof node.id === 'string' && node.id !== '').be.true();
          should(ids.has(node.id)).be.false(`duplicate id ${node.id}`);
          ids.add(node.id);
        }
        const tabs = ofType(nodes, 'tab');
        should(tabs).have.length(1);
        for (const node of nodes) {
          for (const target of wiresOf(node)) should(ids.has(target)).be.true(`${node.id} wires to missing ${target}`);
          if (node.z !== undefined) should(node.z).equal(tabs[0].id);
        }
      });

      it("carries no account node (the editor picks the user's own), and no credentials", function () {
        // An account node in two examples would clash when the second is imported.
        should(ofType(nodes, 'econetatmo-account')).have.length(0);
        for (const node of nodes.filter((n) => ['econetatmo-sync', 'econetatmo-measure', 'econetatmo-power'].includes(n.type))) {
          should(node.account).equal('');
        }
        const text = JSON.stringify(nodes);
        should(text).not.match(/credentials|clientSecret|accessToken|refreshToken/);
      });

      it('explains itself in a comment, in English and French', function () {
        const comments = ofType(nodes, 'comment');
        should(comments.length).be.above(0);
        should(String(comments[0].info)).match(/\nFR : /);
      });

      it('writes French sentences that start upper case after a full stop', function () {
        for (const comment of ofType(nodes, 'comment')) {
          const info = String(comment.info);
          const french = info.slice(info.indexOf('FR : '));
          const lower = [...french.matchAll(/[.!?] +([a-zà-ÿ])/g)].map((m) => french.slice(Math.max(0, (m.index ?? 0) - 20), (m.index ?? 0) + 10));
          should(lower).eql([], `${file}: a sentence starts lower case`);
        }
      });

      it('says in its first comment (title and text, en and fr) to install the nodes of another system first', function () {
        const needs = [
          { types: ['server', 'ha-api'], pkg: 'node-red-contrib-home-assistant-websocket' },
          { types: ['influxdb', 'influxdb batch'], pkg: 'node-red-contrib-influxdb' },
        ].filter((n) => nodes.some((node) => n.types.includes(node.type)));
        const [comment] = ofType(nodes, 'comment');
        for (const { pkg } of needs) {
          should(String(comment.name)).containEql(`install ${pkg} first`);
          should(String(comment.info)).containEql(`**Install ${pkg} first**`);
          should(String(comment.info)).match(/do not deploy/);
          should(String(comment.info)).containEql(`installez d'abord ${pkg}`);
        }
      });

      it("names the packages it needs, at the installed versions, so that Node-RED's import offers to install them", function () {
        // The editor reads a global-config's `modules` at import: a missing one is named in a
        // "Required modules missing" notice with an Install button (the browser test shows it).
        const needed = [...new Set(nodes.map((n) => PACKAGE_OF[n.type]).filter((p): p is string => p !== undefined))].sort();
        const hints = ofType(nodes, 'global-config');
        if (needed.length === 0) {
          should(hints).have.length(0);
          return;
        }
        should(hints).have.length(1);
        should(hints[0]).match({ env: [] }); // modules only: Node-RED reads it and does not import it
        should(hints[0]).not.have.property('z');
        const modules = hints[0].modules as Record<string, string>;
        should(Object.keys(modules).sort()).eql(needed);
        for (const pkg of needed) should(modules[pkg]).equal((require(path.join(ROOT, 'node_modules', pkg, 'package.json')) as { version: string }).version);
      });

      it('says which line to pick when it has measure nodes (their line id is a placeholder)', function () {
        if (ofType(nodes, 'econetatmo-measure').length === 0 || file.includes('dashboard')) return;
        const info = String(ofType(nodes, 'comment')[0]?.info);
        should(info).match(/First pick your line/);
        should(info).match(/`#5` is the ecocounter's total/);
        should(info).match(/choisissez d'abord votre ligne/);
      });

      it('configures its nodes within the contract', function () {
        for (const sync of ofType(nodes, 'econetatmo-sync')) should(['all', 'each']).containEql(sync.mode);
        for (const m of ofType(nodes, 'econetatmo-measure')) {
          const match = MODULE_ID.exec(String(m.moduleId));
          should.exist(match, `${m.id}: moduleId ${String(m.moduleId)}`);
          should(m.deviceId).equal(match![1]);
          // Empty types: the default types of the line's model.
          for (const type of String(m.types)
            .split(',')
            .filter((t) => t.trim() !== ''))
            should(MEASURE_TYPES).containEql(type.trim());
          should(SCALES).containEql(m.scale);
          should(Number.isInteger(m.interval) && (m.interval as number) >= 0).be.true();
          should(['changes', 'all']).containEql(m.emit);
        }
        for (const p of ofType(nodes, 'econetatmo-power')) {
          should(Array.isArray(p.modules)).be.true();
          should(p.interval === 0 || (p.interval as number) >= 10).be.true();
          should(['each', 'all']).containEql(p.output);
        }
        for (const x of ofType(nodes, 'econetatmo-export')) {
          should(['homeassistant', 'influxdb', 'dashboard']).containEql(x.format);
          should(x.outputs).equal(x.format === 'homeassistant' ? 2 : 1);
          should((x.wires as unknown[]).length).equal(x.outputs);
        }
      });
    });
  }

  it('shares no node between two examples: importing one after another never asks about conflicts', function () {
    const seen = new Map<string, string>();
    for (const { file, nodes } of examples) {
      for (const node of nodes) {
        should(seen.has(node.id)).be.false(`${node.id} of ${file} is also in ${seen.get(node.id) ?? ''}`);
        seen.set(node.id, file);
      }
    }
  });

  it('merges into one flow for the demo without id collisions, and retargets it', function () {
    const merged = flows.mergeExamples(examples);
    should(ofType(merged, 'econetatmo-account')).have.length(0);
    should(ofType(merged, 'global-config')).have.length(0);
    should(ofType(merged, 'tab')).have.length(examples.length);
    const target = flows.retarget(merged, { apiUrl: 'http://127.0.0.1:9', deviceId: 'aa:bb:cc:dd:ee:ff' });
    // The demo's own account, which every node of the examples uses.
    should(ofType(target, 'econetatmo-account')).eql([
      { id: flows.ACCOUNT_ID, type: 'econetatmo-account', name: 'Netatmo (demo)', apiUrl: 'http://127.0.0.1:9' },
    ]);
    for (const n of target.filter((x) => x.type === 'econetatmo-sync' || x.type === 'econetatmo-measure')) should(n.account).equal(flows.ACCOUNT_ID);
    for (const m of ofType(target, 'econetatmo-measure')) {
      should(String(m.moduleId)).startWith('aa:bb:cc:dd:ee:ff#');
      should(m.deviceId).equal('aa:bb:cc:dd:ee:ff');
    }
    // a copy: the examples themselves are untouched
    should(ofType(merged, 'econetatmo-measure')[0].account).equal('');
    // A flow that has an account already (the demo's --keep-flows) keeps it and gets no second one.
    const again = flows.retarget(target, { apiUrl: 'http://127.0.0.1:10', deviceId: 'aa:bb:cc:dd:ee:ff' });
    should(ofType(again, 'econetatmo-account')).have.length(1);
    should(ofType(again, 'econetatmo-account')[0].apiUrl).equal('http://127.0.0.1:10');
    should(() => flows.mergeExamples([examples[0], { file: 'clash.json', nodes: [{ ...examples[0].nodes[1] }] }])).throw(/already used/);
  });

  describe('the dashboard', function () {
    const nodes = byFile(path.join('dashboard', 'Consumption dashboard.json'));

    it('reads every electrical line every 10 minutes, and the last 2 days once at start', function () {
      const measures = ofType(nodes, 'econetatmo-measure').filter((m) => m.scale === '30min');
      should(measures.map((m) => MODULE_ID.exec(String(m.moduleId))![2]).sort()).eql(['0', '1', '2', '3', '4', '5']);
      for (const m of measures) should(m.interval).equal(10);
      const start = ofType(nodes, 'inject').find((n) => n.once === true);
      should(start).not.be.undefined();
      should(wiresOf(start!).sort()).eql(measures.map((m) => m.id).sort());
      should(JSON.stringify(start!.props)).match(/dateBegin/);
    });

    /** The energy charts (the live power chart is apart, below). */
    const energyCharts = (): FlowNode[] => ofType(nodes, 'ui-chart').filter((c) => c.id !== 'econetatmo.dash.chart.power');

    it('serves at /dashboard, keeps days of data and redraws whole series', function () {
      should(ofType(nodes, 'ui-base')[0].path).equal('/dashboard');
      const charts = energyCharts();
      should(charts.map((c) => c.chartType).sort()).eql(['bar', 'bar', 'bar', 'line', 'line']);
      for (const chart of charts) should(chart.action).equal('replace');
      const line = charts.find((c) => c.chartType === 'line')!;
      should(line.xAxisType).equal('time');
      should(Number(line.removeOlder) * Number(line.removeOlderUnit)).be.aboveOrEqual(2 * 86400);
      should(line.removeOlderPoints).equal('');
      const groups = new Set(ofType(nodes, 'ui-group').map((g) => g.id));
      for (const widget of [...ofType(nodes, 'ui-chart'), ...ofType(nodes, 'ui-text'), ...ofType(nodes, 'ui-gauge')])
        should(groups.has(String(widget.group))).be.true();
    });

    it('draws each chart from an export node (format dashboard), with no function node', function () {
      should(ofType(nodes, 'function')).have.length(0);
      const exports = ofType(nodes, 'econetatmo-export');
      const charts = energyCharts();
      should(exports).have.length(charts.length);
      for (const chart of charts) {
        const feeders = exports.filter((x) => wiresOf(x).includes(chart.id));
        should(feeders).have.length(1, `${chart.id} has one export node`);
        should(feeders[0].format).equal('dashboard');
        should(feeders[0].chart).equal(chart.chartType === 'line' ? 'buckets' : 'days');
        should(chart.category).equal('series');
        should(chart.ymin).equal('0');
      }
    });

    it("keeps the whole home (line #5) off the circuits' axes", function () {
      const measures = ofType(nodes, 'econetatmo-measure');
      const total = measures.filter((m) => String(m.moduleId).endsWith('#5'));
      const circuits = measures.filter((m) => !total.includes(m));
      const targets = (ms: FlowNode[]) => new Set(ms.flatMap(wiresOf));
      for (const id of targets(total)) should(targets(circuits).has(id)).be.false();
    });

    it("shows the whole home's cost per day beside its energy", function () {
      const cost = ofType(nodes, 'econetatmo-export').filter((x) => x.value === 'cost');
      should(cost).have.length(1);
      should(cost[0].chart).equal('days');
      const total = ofType(nodes, 'econetatmo-measure').find((m) => String(m.moduleId).endsWith('#5') && m.scale === '30min')!;
      should(wiresOf(total)).containEql(cost[0].id);
    });

    it("shows the whole home's energy and cost this month so far, from a 1month read, in English and French", function () {
      const month = ofType(nodes, 'econetatmo-measure').find((m) => m.scale === '1month')!;
      should(month).match({ moduleId: /#5$/, types: '', interval: 60, emit: 'all' }); // the model's default types: priced tariff columns
      // Read at start by an input: the node's own first read sends nothing after a restart when the month has not changed.
      const start = ofType(nodes, 'inject').find((n) => wiresOf(n).includes(month.id))!;
      should(start).match({ once: true, props: [] });
      const [change] = wiresOf(month).map((id) => nodes.find((n) => n.id === id)!);
      should(change.type).equal('change');
      const [rule] = change.rules as Array<{ t: string; p: string; to: string; tot: string }>;
      should(rule).match({ t: 'set', p: 'payload', tot: 'jsonata' });
      // The bucket that holds now, not the window's last point.
      should(rule.to).containEql('payload.points[start <= $now and $now < end]');
      should(rule.to)
        .match(/This month so far: /)
        .and.match(/Ce mois-ci : /)
        .and.match(/no price is known/)
        .and.match(/aucun prix connu/);
      const [text] = wiresOf(change).map((id) => nodes.find((n) => n.id === id)!);
      should(text).match({ type: 'ui-text', group: 'econetatmo.dash.group.total', value: 'payload', valueType: 'msg' });
    });

    it('leaves whole tick labels on a phone: no axis titles, short chart titles, room under the labels sent to every chart at start', function () {
      const charts = ofType(nodes, 'ui-chart');
      for (const chart of charts) {
        should(chart.xAxisLabel).equal('', `${chart.id}: an axis title collides with the tick labels`);
        should(String(chart.label).length).be.belowOrEqual(45, `${chart.id}: its title is cut on a phone`);
        // A fixed format: the automatic one writes the day of the month ("25", "26") between the hours.
        if (chart.xAxisType === 'time') should(chart).match({ xAxisFormatType: '{HH}:{mm}' });
      }
      const updates = ofType(nodes, 'inject')
        .filter((n) => JSON.stringify(n.props).includes('ui_update'))
        .map((n) => {
          should(n.once).be.true();
          const prop = (n.props as Array<{ p: string; v: string; vt: string }>).find((p) => p.p === 'ui_update')!;
          should(prop.vt).equal('json');
          return { targets: wiresOf(n), options: (JSON.parse(prop.v) as { chartOptions: FlowMessage }).chartOptions };
        });
      const layout = updates.find((u) => u.options.grid)!;
      should(layout.targets.sort()).eql(charts.map((c) => c.id).sort());
      should(layout.options.grid.outerBounds.bottom).be.above(0);
      const legend = updates.find((u) => u.options.legend)!;
      should(legend.targets).eql(['econetatmo.dash.chart.power']);
      should(legend.options).match({ legend: { type: 'scroll' }, xAxis: { minInterval: 60000 } });
    });

    it("titles the days' charts so that today's bar reads as today, so far", function () {
      const bars = ofType(nodes, 'ui-chart').filter((c) => c.chartType === 'bar');
      should(bars.length).be.above(0);
      for (const chart of bars) should(String(chart.label)).match(/the last bar is today, so far/);
    });

    it('shows live power: the NLPC meter on a gauge in W, every module on a chart of the last hour, nulls left out', function () {
      const [power] = ofType(nodes, 'econetatmo-power');
      should(power).match({ modules: [], interval: 60, output: 'each', account: '' });
      const targets = wiresOf(power).map((id) => nodes.find((n) => n.id === id)!);
      should(targets.map((n) => n.type)).eql(['switch', 'switch']);
      const [gauge] = ofType(nodes, 'ui-gauge');
      should(gauge).match({ units: 'W', value: 'payload', valueType: 'msg', min: 0 });
      const meter = targets.find((n) => wiresOf(n).includes(gauge.id))!;
      should(meter).match({ property: 'power.model', rules: [{ t: 'eq', v: 'NLPC' }] });
      const chart = nodes.find((n) => n.id === 'econetatmo.dash.chart.power')!;
      const reachable = targets.find((n) => wiresOf(n).includes(chart.id))!;
      should(reachable).match({ property: 'payload', rules: [{ t: 'nnull' }] });
      should(chart).match({ chartType: 'line', action: 'append', category: 'topic', categoryType: 'msg', xAxisType: 'time', yAxisLabel: 'W' });
      should(Number(chart.removeOlder) * Number(chart.removeOlderUnit)).equal(3600);
    });

    it('says that today holds only what is uploaded so far', function () {
      const note = ofType(nodes, 'ui-text')[0];
      const feeder = ofType(nodes, 'inject').find((n) => wiresOf(n).includes(note.id))!;
      should(String(feeder.payload))
        .match(/Today so far/)
        .and.match(/3 hours/)
        .and.match(/Aujourd'hui : .*3 dernières heures/); // a French user reads it too
    });
  });

  describe('04 Home Assistant energy', function () {
    const nodes = byFile('04 Home Assistant energy.json');

    it('wires measure → export → API node, and the baseline loop back into the export node', function () {
      const [measure] = ofType(nodes, 'econetatmo-measure');
      const [exporter] = ofType(nodes, 'econetatmo-export');
      should(measure.emit).equal('all');
      should(wiresOf(measure)).eql([exporter.id]);
      should(exporter.format).equal('homeassistant');
      should(exporter.outputs).equal(2);
      const ports = exporter.wires as string[][];
      const api = (id: string) => nodes.find((n) => n.id === id)!;
      const importer = api(ports[0][0]);
      const baseline = api(ports[1][0]);
      for (const node of [importer, baseline]) {
        should(node.type).equal('ha-api');
        should(node).containDeep({ protocol: 'websocket', data: 'payload', dataType: 'jsonata', server: ofType(nodes, 'server')[0].id });
      }
      should(wiresOf(baseline)).eql([exporter.id]);
      should(JSON.stringify(ofType(nodes, 'server'))).not.match(/token|host/i);
    });

    it("carries the current version of the Home Assistant nodes (the editor offers no 'Update Home Assistant Nodes')", function () {
      const migrate = require(path.join(ROOT, 'node_modules', 'node-red-contrib-home-assistant-websocket', 'dist', 'helpers', 'migrate.js')) as {
        getCurrentVersion(type: string): number;
      };
      const haNodes = nodes.filter((n) => n.type === 'server' || n.type === 'ha-api');
      should(haNodes.length).equal(3);
      for (const node of haNodes) should(node.version).equal(migrate.getCurrentVersion(node.type), `${node.id} (${node.type})`);
    });
  });

  describe('05 InfluxDB', function () {
    const nodes = byFile('05 InfluxDB.json');

    it('wires measure → export (influxdb) → influxdb batch', function () {
      const [measure] = ofType(nodes, 'econetatmo-measure');
      const [exporter] = ofType(nodes, 'econetatmo-export');
      const [batch] = ofType(nodes, 'influxdb batch');
      should(wiresOf(measure)).eql([exporter.id]);
      should(exporter.format).equal('influxdb');
      should(wiresOf(exporter)).eql([batch.id]);
      should(batch.influxdb).equal(ofType(nodes, 'influxdb')[0].id);
    });
  });

  describe('06 Live power', function () {
    const nodes = byFile('06 Live power.json');

    it('wires power → switch (the NLPC meter) → the Home Assistant sensor entity, and every reading to a debug node', function () {
      const [power] = ofType(nodes, 'econetatmo-power');
      const [meter] = ofType(nodes, 'switch');
      const [sensor] = ofType(nodes, 'ha-sensor');
      const [debug] = ofType(nodes, 'debug');
      should(power).match({ output: 'each', interval: 60 });
      should(wiresOf(power).sort()).eql([meter.id, debug.id].sort());
      should(meter).match({ property: 'power.model', rules: [{ t: 'eq', v: 'NLPC' }] });
      should(wiresOf(meter)).eql([sensor.id]);
      should(sensor).match({ state: 'payload', stateType: 'msg' });
    });

    it('declares the sensor with device class power, unit W and state class measurement, on its own server node without secrets', function () {
      const [sensor] = ofType(nodes, 'ha-sensor');
      const [entity] = ofType(nodes, 'ha-entity-config');
      should(sensor.entityConfig).equal(entity.id);
      should(entity).match({ entityType: 'sensor', server: ofType(nodes, 'server')[0].id });
      const config = Object.fromEntries((entity.haConfig as Array<{ property: string; value: unknown }>).map((c) => [c.property, c.value]));
      should(config).match({ device_class: 'power', unit_of_measurement: 'W', state_class: 'measurement' });
      should(JSON.stringify(ofType(nodes, 'server'))).not.match(/token|host/i);
    });

    it('says what to set up in Home Assistant first, in English and French', function () {
      const info = String(ofType(nodes, 'comment')[0].info);
      should(info)
        .match(/Node-RED Companion/)
        .and.match(/long-lived access token/)
        .and.match(/state class \*measurement\*/);
      should(info)
        .match(/FR : /)
        .and.match(/jeton d'accès longue durée/);
    });

    it('leaves the gauge to the dashboard example, and says so (two Dashboard 2 bases would clash on import)', function () {
      should(nodes.filter((n) => DASHBOARD_TYPES.includes(n.type))).have.length(0);
      const dash = byFile(path.join('dashboard', 'Consumption dashboard.json'));
      should(ofType(dash, 'ui-gauge')).have.length(1);
      const info = String(ofType(nodes, 'comment')[0].info);
      should(info).match(/A gauge and a chart of live power .* \*dashboard \/ Consumption dashboard\*/);
      should(info).match(/Une jauge et une courbe .* \*dashboard \/ Consumption dashboard\*/);
    });
  });

  it('the demo leaves out the examples that need another system', function () {
    should(flows.demoExamples(examples).map((e) => e.file)).eql(examples.map((e) => e.file).filter((f) => !/^0[456] /.test(f)));
  });
});

describe('examples 01–03, 06 and the dashboard in Node-RED against the simulator', function () {
  this.timeout(30000);
  let sim: Simulator;

  let nodeModules: unknown[] = [];

  before(async function () {
    // Required here, not at load time, so that a missing build fails these tests only.
    nodeModules = [
      require(path.join(ROOT, 'nodes', 'econetatmo-account.js')),
      require(path.join(ROOT, 'nodes', 'econetatmo-sync.js')),
      require(path.join(ROOT, 'nodes', 'econetatmo-measure.js')),
      require(path.join(ROOT, 'nodes', 'econetatmo-export.js')),
      require(path.join(ROOT, 'nodes', 'econetatmo-power.js')),
      require('@node-red/nodes/core/common/20-inject.js'),
      require('@node-red/nodes/core/function/10-function.js'),
      require('@node-red/nodes/core/function/10-switch.js'),
      require('@node-red/nodes/core/function/15-change.js'),
    ];
    sim = await startSimulator({ port: 0 });
  });
  after(async function () {
    await sim?.close();
  });
  afterEach(async function () {
    await helper.unload();
  });

  /** The dashboard's texts that show what a flow computed (the other ui-texts are fixed notes, left out). */
  const COMPUTED_TEXTS = ['econetatmo.dash.text.month'];

  /** The example as the demo deploys it, with debug nodes turned into helper nodes to listen on. */
  async function load(file: string): Promise<void> {
    const nodes = flows
      .retarget(byFile(file), { apiUrl: sim.url, deviceId: sim.lines()[0].deviceId })
      .filter(
        (n) => !['comment', 'global-config'].includes(n.type) && !['ui-base', 'ui-theme', 'ui-page', 'ui-group', 'server', 'ha-entity-config'].includes(n.type),
      )
      .filter((n) => n.type !== 'ui-text' || COMPUTED_TEXTS.includes(n.id))
      // Debug nodes, charts, gauges, computed texts and Home Assistant entities become helper nodes to listen on.
      .map((n) =>
        ['debug', 'ui-chart', 'ui-gauge', 'ui-text', 'ha-sensor'].includes(n.type) ? { id: n.id, z: n.z, type: 'helper', name: n.name, wires: [] } : n,
      )
      .map((n) => (n.type === 'inject' ? { ...n, once: false } : n));
    const tokens = sim.issueTokens();
    await helper.load(nodeModules as Parameters<typeof helper.load>[0], nodes, {
      [flows.ACCOUNT_ID]: { clientId: sim.clientId, clientSecret: sim.clientSecret, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken },
    });
  }

  /** Collects `count` messages arriving at a helper node; fails on the first error a node reports. */
  function collect(id: string, count: number): Promise<FlowMessage[]> {
    return new Promise((resolve) => {
      const got: FlowMessage[] = [];
      helper.getNode(id).on('input', (msg: FlowMessage) => {
        got.push(msg);
        if (got.length === count) resolve(got);
      });
    });
  }

  function press(id: string): void {
    helper.getNode(id).receive({});
  }

  it('01 lists the lines, as one message and one per line', async function () {
    await load('01 Discover lines.json');
    const lines = sim.lines();
    const all = collect('econetatmo.ex01.debug.all', 1);
    press('econetatmo.ex01.inject.all');
    const [msg] = await all;
    should((msg.payload as Array<{ moduleId: string }>).map((l) => l.moduleId)).eql(lines.map((l) => l.moduleId));

    const each = collect('econetatmo.ex01.debug.each', lines.length);
    const electrical = collect('econetatmo.ex01.debug.electrical', lines.filter((l) => l.index <= 5).length);
    press('econetatmo.ex01.inject.each');
    should((await each).map((m) => m.topic)).eql(lines.map((l) => l.name));
    for (const m of await electrical) should(m.payload.index).be.belowOrEqual(5);
  });

  it('02 reads a line on demand (emit all) and on input to the timed node', async function () {
    await load('02 Read a line.json');
    const line = sim.lines()[0];
    const onDemand = collect('econetatmo.ex02.debug.input', 1);
    press('econetatmo.ex02.inject');
    const [msg] = await onDemand;
    should(msg.topic).equal(line.name);
    should(msg.payload.moduleId).equal(line.moduleId);
    should(msg.payload.unit).equal('Wh');
    should(msg.payload.points.length).be.above(0);

    const timed = collect('econetatmo.ex02.debug.timer', 1);
    helper.getNode('econetatmo.ex02.measure.timer').receive({});
    const [first] = await timed;
    should(first.payload.moduleId).equal(line.moduleId);
    should(first.payload.points.length).be.above(0);
  });

  it('03 reads the last 7 days and the last year, and sums them', async function () {
    await load('03 Read a past range.json');
    const week = collect('econetatmo.ex03.debug.points', 1);
    const weekSum = collect('econetatmo.ex03.debug.sum', 1);
    const asked = Date.now();
    press('econetatmo.ex03.inject.week');
    const [points] = await week;
    const buckets = points.payload.points as Array<{ start: number; end: number; total: number | null }>;
    should(points.payload.scale).equal('30min');
    should(buckets[0].start).be.belowOrEqual(asked - 7 * 86400000 + 30 * 60000);
    for (let i = 1; i < buckets.length; i++) should(buckets[i].start).be.above(buckets[i - 1].start);
    const wh = buckets.reduce((s, b) => s + (b.total ?? 0), 0);
    const [sum] = await weekSum;
    should(sum.payload.kWh).equal(Math.round(wh) / 1000);
    should(sum.payload.kWh).be.above(0);

    const year = collect('econetatmo.ex03.debug.points', 1);
    press('econetatmo.ex03.inject.year');
    const [daily] = await year;
    should(daily.payload.scale).equal('1day');
    should(daily.payload.points.length).be.within(360, 368);
  });

  it('the dashboard: each chart gets whole charts, every point once, the circuits apart from the total', async function () {
    await load(path.join('dashboard', 'Consumption dashboard.json'));
    const lines = sim.lines().filter((l) => l.index <= 5);
    const circuits = collect('econetatmo.dash.chart.circuits', 1);
    const total = collect('econetatmo.dash.chart.total', 1);
    const days = collect('econetatmo.dash.chart.circuits.days', 1);
    for (let i = 0; i <= 5; i++) helper.getNode(`econetatmo.dash.measure.${i}`).receive({});
    for (const [chart, expected] of [
      [(await circuits)[0], lines.filter((l) => l.index < 5)],
      [(await total)[0], lines.filter((l) => l.index === 5)],
    ] as const) {
      should(chart.action).equal('replace');
      const points = chart.payload as Array<{ x: number; y: number; series: string }>;
      const keys = points.map((p) => `${p.series}@${p.x}`);
      should(new Set(keys).size).equal(keys.length);
      for (const p of points) should(expected.map((l) => l.name)).containEql(p.series);
    }
    const [perDay] = await days;
    for (const p of perDay.payload as Array<{ x: string; y: number }>) should(p.x).match(/^\d{4}-\d{2}-\d{2}$/);
  });

  it("the dashboard: this month so far equals the simulator's half-hours since the 1st × the home's prices, in English and French", async function () {
    await load(path.join('dashboard', 'Consumption dashboard.json'));
    const line = sim.lines().find((l) => l.index === 5)!;
    const text = collect('econetatmo.dash.text.month', 1);
    press('econetatmo.dash.inject.month');
    const [msg] = await text;
    // The truth, from the simulator alone: its month (the home's calendar) and the half-hours of it served now.
    const now = Date.now();
    const [month] = sim.buckets({ moduleId: line.moduleId, types: ['sum_energy_elec$1'], scale: '1month', from: now, to: now + 1 });
    should(month.start).be.belowOrEqual(now);
    should(month.end).be.above(now);
    const types = ['sum_energy_elec', 'sum_energy_elec$1', 'sum_energy_elec$2'];
    const halfHours = sim.buckets({ moduleId: line.moduleId, types, scale: '30min', from: month.start, to: now });
    if (halfHours.length === 0) {
      // The first hours of a month, before its first upload.
      should(msg.payload).equal('This month so far: nothing uploaded yet — Ce mois-ci : rien n’est encore envoyé');
      return;
    }
    let wh = 0;
    let cost = 0;
    for (const { values } of halfHours) {
      wh += values['sum_energy_elec'] ?? (values['sum_energy_elec$1'] ?? 0) + (values['sum_energy_elec$2'] ?? 0);
      cost += ((values['sum_energy_elec$1'] ?? 0) * SIM_PEAK + (values['sum_energy_elec$2'] ?? 0) * SIM_OFF_PEAK) / 1000;
    }
    const shown = /^This month so far: ([\d,]+\.\d) kWh · ([\d,]+\.\d\d) EUR — Ce mois-ci : ([\d ]+,\d) kWh · ([\d ]+,\d\d) EUR$/.exec(String(msg.payload));
    should.exist(shown, String(msg.payload));
    const en = (s: string): number => Number(s.replace(/,/g, ''));
    const fr = (s: string): number => Number(s.replace(/ /g, '').replace(',', '.'));
    should(en(shown![1])).be.approximately(wh / 1000, 0.05 + 1e-9);
    should(en(shown![2])).be.approximately(cost, 0.005 + 1e-9);
    should(fr(shown![3])).equal(en(shown![1]));
    should(fr(shown![4])).equal(en(shown![2]));
  });

  it('06 and the dashboard: live power reaches the sensor (the NLPC meters only), the gauge and the chart (no nulls)', async function () {
    const meters = sim.modules().filter((m) => m.model === 'NLPC');
    await load('06 Live power.json'); // reads at deploy; the answers come after these listeners
    const sensor = collect('econetatmo.ex06.sensor', meters.length);
    const got = await sensor;
    should(got.map((m) => m.power.moduleId).sort()).eql(meters.map((m) => m.moduleId).sort());
    for (const m of got) should(m.payload).be.a.Number();
    await helper.unload();
    await load(path.join('dashboard', 'Consumption dashboard.json'));
    const chart = collect('econetatmo.dash.chart.power', 3);
    const dashGauge = collect('econetatmo.dash.gauge.meter', 1);
    for (const m of await chart) {
      should(m.payload).be.a.Number();
      should(m.topic).equal(m.power.name);
    }
    should((await dashGauge)[0].power.model).equal('NLPC');
  });
});
