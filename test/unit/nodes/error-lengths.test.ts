// Every failure the runtime says (Catch nodes, the debug sidebar, the log, a red status) fits in
// 80 characters in English and in French, with the longest parameters it realistically gets: the
// debug sidebar and the status cut a longer one, mid-word in the sidebar. The power node's
// status, built of several parts, fits too.
import fs from 'fs';
import path from 'path';
import should from 'should';
import { SCALES } from '../../../src/contract/measure-types';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const MAX = 80;

/** The longest values each parameter takes in practice (quoted where the node quotes the input). */
const LONGEST: Record<string, string> = {
  // econetatmo-measure: a message's or a setting's wrong values, as `echo` quotes them
  moduleId: '"00:04:74:17:e5:8a#10"',
  deviceId: '"00:04:74:17:e5:8b"',
  types: 'object',
  type: '"sum_energy_elec$3"',
  scale: '"fortnight"',
  scales: SCALES.join(', '),
  field: 'dateBegin',
  value: '"2026-02-30T10:00:00Z"',
  dateBegin: '2026-12-03T06:13:11Z',
  dateEnd: '2026-12-03T06:13:11Z',
  // econetatmo-export
  what: 'points[12].values.sum_energy_elec$1',
  name: 'Prises cuisine et cellier',
  start: '2026-12-03T06:30:00.000Z',
  source: 'maison_principale',
  id: 'econetatmo:00047417e58a_3',
  newId: 'econetatmo:00047417e58a_3_cost_chf',
  from: 'EUR',
  to: 'CHF',
  measurement: 'energy_consumption',
  owner: '"Circuits vers HA" (a1b2c3d4e5f60718)',
  interval: '0.001',
  ids: '00:04:74:00:01:5e:7b:10',
  min: '5',
  // the client's failures
  status: '503',
  code: '26',
  seconds: '15',
  minutes: '60',
  mb: '50',
  detail: ' (ECONNREFUSED)',
};

/** Where a failure's text lives: catalogue file and the groups of keys the runtime says as failures. */
const FAILURES: Array<{ node: string; groups: string[] }> = [
  { node: 'econetatmo-measure', groups: ['errors'] },
  { node: 'econetatmo-sync', groups: ['errors'] },
  { node: 'econetatmo-power', groups: ['errors'] },
  { node: 'econetatmo-export', groups: ['errors', 'warnings'] },
  { node: 'econetatmo-account', groups: ['netatmo', 'tokensDisk'] },
];

function leaves(value: unknown, prefix: string): Array<[string, string]> {
  if (typeof value === 'string') return [[prefix, value]];
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) => leaves(v, prefix === '' ? k : `${prefix}.${k}`));
}

/** The text as Node-RED's i18n says it (`__name__` replaced). */
function said(text: string, params: Record<string, string>): string {
  return text.replace(/__(\w+)__/g, (_m, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`no realistic value for __${name}__`);
    return value;
  });
}

describe('runtime failure texts', () => {
  for (const lang of ['en-US', 'fr']) {
    it(`fit in ${MAX} characters with the longest realistic parameters (${lang})`, () => {
      const tooLong: string[] = [];
      let count = 0;
      for (const { node, groups } of FAILURES) {
        const catalogue = JSON.parse(fs.readFileSync(path.join(ROOT, 'nodes', 'locales', lang, `${node}.json`), 'utf8'))[node] as Record<string, unknown>;
        for (const group of groups) {
          for (const [key, text] of leaves(catalogue[group], `${node}.${group}`)) {
            count++;
            const out = said(text, LONGEST);
            if (out.length > MAX) tooLong.push(`${out.length} ${key}: ${out}`);
          }
        }
      }
      should(count).be.above(60);
      should(tooLong).eql([], `too long:\n${tooLong.join('\n')}`);
    });
  }
});

describe("the power node's status", () => {
  for (const lang of ['en-US', 'fr']) {
    it(`fits in ${MAX} characters with every part it can carry (${lang})`, () => {
      const file = path.join(ROOT, 'nodes', 'locales', lang, 'econetatmo-power.json');
      const status = (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, { status: Record<string, string>; age: Record<string, string> }>)[
        'econetatmo-power'
      ];
      const age = said(status.age.minutes, { n: '59' });
      const tail = ` · ${said(status.status.someUnreachable, { count: '12' })} · ${said(status.status.someNoPower, { count: '12' })}`;
      for (const key of ['several', 'meters']) {
        const text = said(status.status[key], { count: '99', watts: '123456', age }) + tail;
        should(text.length).be.belowOrEqual(MAX, `${key}: ${text}`);
      }
    });
  }
});
