// The README's table of supported modules is the contract's table (src/contract/meter-models.ts),
// row for row: a model added there and not in the README (or the other way) fails here.
import fs from 'fs';
import path from 'path';
import should from 'should';
import { meterTable, TABLE_BEGIN, TABLE_END } from '../../support/meter-table';

const README = path.resolve(__dirname, '..', '..', '..', '..', 'README.md');

describe('README: the table of supported modules', function () {
  it('is the one of src/contract/meter-models.ts', function () {
    const text = fs.readFileSync(README, 'utf8');
    const begin = text.indexOf(TABLE_BEGIN);
    const end = text.indexOf(TABLE_END);
    should(begin).be.above(0);
    should(end).be.above(begin);
    // Prettier pads the columns: compare cell by cell.
    const cells = (table: string): string[][] =>
      table
        .trim()
        .split('\n')
        .filter((row) => !/^\|[\s|-]+\|$/.test(row))
        .map((row) =>
          row
            .split('|')
            .slice(1, -1)
            .map((c) => c.trim()),
        );
    should(cells(text.slice(begin + TABLE_BEGIN.length, end))).eql(cells(meterTable()));
  });
});
