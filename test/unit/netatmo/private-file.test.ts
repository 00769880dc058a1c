// The one atomic writer of private files (private-file.ts): whole or not at all, owner-only,
// no temporary file left by a failed write, and a dead process's leftovers removed.
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import should from 'should';
import { realPrivateFs, writePrivateFile, writePrivateFileSync, writePrivateJsonSync } from '../../../src/lib/private-file';
import { tempDir } from '../../support/temp-dir';

describe('writePrivateFile', () => {
  let tmp: { dir: string; cleanup: () => void };
  beforeEach(() => {
    tmp = tempDir('econetatmo-private-');
  });
  afterEach(() => tmp.cleanup());

  it('writes the file whole, mode 0600, in a directory it creates with mode 0700', async () => {
    const file = path.join(tmp.dir, 'sub', 'a.json');
    writePrivateJsonSync(file, { a: 1 });
    should(JSON.parse(readFileSync(file, 'utf8'))).eql({ a: 1 });
    should(statSync(file).mode & 0o777).equal(0o600);
    should(statSync(path.dirname(file)).mode & 0o777).equal(0o700);
    await writePrivateFile(file, '{"a":2}');
    should(readFileSync(file, 'utf8')).equal('{"a":2}');
    should(readdirSync(path.dirname(file))).eql(['a.json']);
  });

  it('leaves the old file and no temporary file when a write fails', async () => {
    const file = path.join(tmp.dir, 'a.json');
    writePrivateFileSync(file, 'old');
    const failingRename = { ...realPrivateFs, rename: () => Promise.reject(Object.assign(new Error('disk full'), { code: 'ENOSPC' })) };
    await should(writePrivateFile(file, 'new', failingRename)).be.rejectedWith({ code: 'ENOSPC' });
    should(readFileSync(file, 'utf8')).equal('old');
    should(readdirSync(tmp.dir)).eql(['a.json']);
    // The synchronous writer: a directory where the file should be makes its rename fail.
    const blocked = path.join(tmp.dir, 'blocked');
    mkdirSync(path.join(blocked, 'x.json'), { recursive: true });
    should(() => writePrivateFileSync(path.join(blocked, 'x.json'), 'new')).throw();
    should(readdirSync(blocked)).eql(['x.json']);
  });

  it("removes a dead process's temporary files beside the target, and only those", () => {
    const file = path.join(tmp.dir, 'a.json');
    writeFileSync(path.join(tmp.dir, 'a.json.999999.1.tmp'), '{"a');
    writeFileSync(path.join(tmp.dir, 'b.json.999999.1.tmp'), '{"b');
    writePrivateFileSync(file, '{}');
    should(readdirSync(tmp.dir).sort()).eql(['a.json', 'b.json.999999.1.tmp']);
  });

  it('removes the leftovers of a dead process that had the same pid (a container restarts as pid 1)', () => {
    const file = path.join(tmp.dir, 'a.json');
    for (let n = 1; n <= 3; n += 1) writeFileSync(path.join(tmp.dir, `a.json.${process.pid}.${n}.tmp`), '{"half');
    writePrivateFileSync(file, '{"whole":true}');
    should(readdirSync(tmp.dir)).eql(['a.json']);
    should(readFileSync(file, 'utf8')).equal('{"whole":true}');
  });
});
