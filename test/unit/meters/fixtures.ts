// The project's own answers of the Netatmo API (test/fixtures/netatmo), read from the source tree: the
// compiled tests run from dist/, the JSON stays where it was written.
import fs from 'fs';
import path from 'path';

const FIXTURES = path.resolve(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'netatmo');

export function fixture(name: string): unknown {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, name), 'utf8'));
}

export const GATEWAY = '70:ee:50:3c:11:02';
/** The gateway the load shedder hangs off: not a module of the home. */
export const OUTSIDE_GATEWAY = '70:ee:50:3c:99:07';
export const ECOCOUNTER = '70:ee:50:61:0a:4e';
export const NLPC = '70:ee:50:00:00:5e:7b:10';
export const NLY = '70:ee:50:00:00:7d:e4:20';
export const NLIS = '70:ee:50:00:00:3a:c2:05';
export const GRID = ['sum_energy_buy_from_grid', 'sum_energy_buy_from_grid$0', 'sum_energy_buy_from_grid$1', 'sum_energy_buy_from_grid$2'];
