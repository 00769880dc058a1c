// A rotated pair that the disk refused, inside Node-RED: the account says so (a warning, and
// the state the editor shows), writes it again on its clock until it lands, and a restart
// without a deploy then carries on with it instead of asking the user to authorise again.
import fs from 'fs';
import path from 'path';
import should from 'should';
import { SAVE_RETRY_FIRST_MS } from '../../src/netatmo/token-manager';
import { nodeRedSettings } from '../support/node-red-settings';
import { VirtualClock } from '../support/virtual-clock';
import { accountFlow, accountNode, CLIENT_ID, CLIENT_SECRET, getAccount, helper, readTokenFile, useSimulatorAndUserDir } from './account-harness';

const ID = 'acc1';
const UNSAVED = /^econetatmo-account\.tokensDisk\.unsaved \(detail= \(EEXIST\)\)$/;

interface StateAnswer {
  status: string;
  unsaved?: string;
}

describe('econetatmo-account with a disk that refuses the rotated pair', function () {
  const files = useSimulatorAndUserDir();
  let clock: VirtualClock;
  beforeEach(function () {
    clock = new VirtualClock({ start: Date.now() });
    nodeRedSettings({ userDir: files.userDir, clock });
  });
  afterEach(() => clock.dispose());

  async function state(): Promise<StateAnswer> {
    const res = (await helper.request().get(`/econetatmo/accounts/${ID}/state`)) as { status: number; body: StateAnswer };
    res.status.should.equal(200);
    return res.body;
  }

  it('warns, retries on its clock until the pair is on disk, and a restart then needs no new authorisation', async function () {
    const pasted = files.sim.issueTokens();
    // The flow's saved credentials: a restart without a deploy starts from these again.
    const creds = () => ({ [ID]: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, accessToken: pasted.accessToken, refreshToken: pasted.refreshToken } });
    await helper.load(accountNode, accountFlow(ID, files.sim.url), creds());
    const node = getAccount(ID);
    const warnings: string[] = [];
    const logs: string[] = [];
    (node as unknown as { on(e: string, f: (c: { args: unknown[] }) => void): void }).on('call:warn', (c) => warnings.push(String(c.args[0])));
    (node as unknown as { on(e: string, f: (c: { args: unknown[] }) => void): void }).on('call:log', (c) => logs.push(String(c.args[0])));
    await node.account.getLines();
    const stateDir = path.join(files.userDir, 'econetatmo');
    const before = readTokenFile(files.userDir, ID);

    // The state directory becomes unwritable (a file in its place: root ignores modes).
    fs.renameSync(stateDir, `${stateDir}.away`);
    fs.writeFileSync(stateDir, '');
    files.sim.expireAccessTokens();
    await node.account.getLines().then(
      () => should.fail(false, true, 'the read should say the disk failed'),
      (err: { reason?: string }) => should(err.reason).equal('memory_only'),
    );
    // (The helper's runtime has no catalogue: texts are said as their keys with their parameters.)
    (await state()).should.match({ status: 'connected', unsaved: UNSAVED });
    warnings.should.match([UNSAVED]);

    // Still refused at the first retry: said once, not at every try.
    await clock.runFor(SAVE_RETRY_FIRST_MS);
    warnings.should.have.length(1);
    (await state()).should.have.property('unsaved');

    // Space is back: the next retry writes the pair in use, and the state clears.
    fs.rmSync(stateDir);
    fs.renameSync(`${stateDir}.away`, stateDir);
    readTokenFile(files.userDir, ID).refreshToken.should.equal(before.refreshToken);
    await clock.runFor(2 * SAVE_RETRY_FIRST_MS);
    const after = readTokenFile(files.userDir, ID);
    after.refreshToken.should.not.equal(before.refreshToken);
    (await state()).should.not.have.property('unsaved');
    logs.should.containEql('econetatmo-account.tokensDisk.saved');

    // Node-RED restarts before the next refresh, without a deploy.
    await helper.unload();
    await helper.load(accountNode, accountFlow(ID, files.sim.url), creds());
    const invalidBefore = files.sim.stats().invalidGrant;
    files.sim.expireAccessTokens();
    (await getAccount(ID).account.getLines()).length.should.equal(files.sim.lines().length);
    files.sim.stats().invalidGrant.should.equal(invalidBefore);
    getAccount(ID).connectionState().status.should.equal('connected');
  });
});
