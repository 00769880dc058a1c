// The econetatmo-account config node inside Node-RED (node-red-node-test-helper) against the
// simulator over real HTTP on 127.0.0.1.
import fs from 'fs';
import path from 'path';
import { nodeRedSettings } from '../support/node-red-settings';
import { tempDir } from '../support/temp-dir';
import { tokenHash } from '../../src/netatmo/token-store';
import should from 'should';
import {
  accountFlow,
  accountNode,
  CLIENT_ID,
  CLIENT_SECRET,
  eventually,
  getAccount,
  helper,
  readTokenFile,
  useSimulatorAndUserDir,
  tokenFile,
} from './account-harness';

const ID = 'acc1';

interface CredentialsModule {
  get(id: string): Record<string, string> | undefined;
}
const runtimeCredentials = (): CredentialsModule => (helper as unknown as { credentials: CredentialsModule }).credentials;

describe('econetatmo-account node', function () {
  const files = useSimulatorAndUserDir();

  it('deletes its token file when the account is deleted, and keeps it on a redeploy', async function () {
    const pasted = files.sim.issueTokens();
    const creds = { [ID]: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, accessToken: pasted.accessToken, refreshToken: pasted.refreshToken } };
    await helper.load(accountNode, accountFlow(ID, files.sim.url), creds);
    const file = tokenFile(files.userDir, ID);
    await eventually('token file written', () => fs.existsSync(file));
    // Changed and redeployed: closed with removed = false, the tokens stay.
    await helper.setFlows(
      accountFlow(ID, files.sim.url).map((n) => ({ ...n, name: 'renamed' })),
      'full',
      creds,
    );
    should(fs.existsSync(file)).be.true();
    // Deleted: closed with removed = true, nothing of its tokens stays on disk.
    await helper.setFlows([], 'full');
    await eventually('token file removed', () => !fs.existsSync(file));
    should(fs.readdirSync(path.dirname(file)).filter((f) => f.includes(ID))).eql([]);
  });

  it('loads with pasted credentials, connects, and reads the lines', async function () {
    const pasted = files.sim.issueTokens();
    await helper.load(accountNode, accountFlow(ID, files.sim.url), {
      [ID]: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, accessToken: pasted.accessToken, refreshToken: pasted.refreshToken },
    });
    const node = getAccount(ID);
    should.exist(node.account);
    await eventually('connected', () => node.connectionState().status === 'connected');
    const state = node.connectionState();
    if (state.status !== 'connected') throw new Error('not connected');
    state.validUntil.should.be.above(Date.now());

    const lines = await node.account.getLines();
    lines.map((l) => l.moduleId).should.deepEqual(files.sim.lines().map((l) => l.moduleId));
    // A pair entered in the editor is proven by a refresh, and the new pair goes to the store at
    // once, private to the user (the pasted refresh token is rotated away, remembered as a hash).
    const stored = fs.readFileSync(tokenFile(files.userDir, ID), 'utf8');
    readTokenFile(files.userDir, ID).refreshToken.should.not.equal(pasted.refreshToken);
    stored.should.containEql(tokenHash(pasted.refreshToken));
    (fs.statSync(tokenFile(files.userDir, ID)).mode & 0o777).should.equal(0o600);
  });

  it('is not connected without tokens and says so to a flow node', async function () {
    await helper.load(accountNode, accountFlow(ID, files.sim.url), { [ID]: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET } });
    const node = getAccount(ID);
    node.connectionState().status.should.equal('not_connected');
    const err = await node.account.getLines().then(
      () => undefined,
      (e: unknown) => e,
    );
    should.exist(err);
    (err as { kind?: string }).kind!.should.equal('reauth');
  });

  it('keeps the rotated pair on disk and in memory, and a new load starts from the disk pair', async function () {
    const pasted = files.sim.issueTokens();
    // A new object per load: the helper hands it to the runtime, which keeps it as its cache.
    const creds = () => ({ [ID]: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, accessToken: pasted.accessToken, refreshToken: pasted.refreshToken } });
    await helper.load(accountNode, accountFlow(ID, files.sim.url), creds());
    const node = getAccount(ID);
    await node.account.getLines();
    const refreshesBefore = files.sim.stats().refreshGrants;

    files.sim.expireAccessTokens();
    await node.account.getLines(); // refused token -> one refresh -> rotation
    files.sim.stats().refreshGrants.should.equal(refreshesBefore + 1);
    const onDisk = readTokenFile(files.userDir, ID);
    onDisk.refreshToken.should.not.equal(pasted.refreshToken);
    // The in-memory credentials follow, as a fresh object (the next deploy saves them).
    await eventually('credentials in step', () => runtimeCredentials().get(ID)?.refreshToken === onDisk.refreshToken);
    runtimeCredentials().get(ID)!.clientSecret.should.equal(CLIENT_SECRET);

    // Restart without a deploy: the flow's credentials still hold the rotated-away token.
    await helper.unload();
    await helper.load(accountNode, accountFlow(ID, files.sim.url), creds());
    const again = getAccount(ID);
    runtimeCredentials().get(ID)!.refreshToken.should.equal(pasted.refreshToken);
    const invalidBefore = files.sim.stats().invalidGrant;
    files.sim.expireAccessTokens();
    const lines = await again.account.getLines();
    lines.length.should.equal(files.sim.lines().length);
    files.sim.stats().invalidGrant.should.equal(invalidBefore);
    again.connectionState().status.should.equal('connected');
    readTokenFile(files.userDir, ID).refreshToken.should.not.equal(onDisk.refreshToken); // rotated once more, from the disk pair
  });

  it('lets a pair newly pasted in the credentials win over an older one on disk', async function () {
    const first = files.sim.issueTokens();
    await helper.load(accountNode, accountFlow(ID, files.sim.url), {
      [ID]: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, accessToken: first.accessToken, refreshToken: first.refreshToken },
    });
    await getAccount(ID).account.getLines();
    await helper.unload();

    const second = files.sim.issueTokens(); // the user made new tokens and pasted them, then deployed
    await helper.load(accountNode, accountFlow(ID, files.sim.url), {
      [ID]: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, accessToken: second.accessToken, refreshToken: second.refreshToken },
    });
    // Proven by a refresh (a new pair on disk, refreshed from the second token), then used.
    await eventually('stored', () => fs.readFileSync(tokenFile(files.userDir, ID), 'utf8').includes(tokenHash(second.refreshToken)));
    await getAccount(ID).account.getLines();
    getAccount(ID).connectionState().status.should.equal('connected');
  });

  it('closes its client when the flow stops', async function () {
    const pasted = files.sim.issueTokens();
    await helper.load(accountNode, accountFlow(ID, files.sim.url), {
      [ID]: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, accessToken: pasted.accessToken, refreshToken: pasted.refreshToken },
    });
    const account = getAccount(ID).account;
    await helper.unload();
    const err = await account.getLines().then(
      () => undefined,
      (e: unknown) => e,
    );
    (err as { kind?: string }).kind!.should.equal('aborted');
    await helper.load(accountNode, [], {}); // so that afterEach has something to unload
  });

  it("without a user dir, keeps its tokens in the runtime's fallback directory", async function () {
    const fallback = tempDir('econetatmo-fallback-'); // removed when the tests end
    nodeRedSettings({ userDir: undefined, fallbackDir: fallback.dir });
    const pasted = files.sim.issueTokens();
    await helper.load(accountNode, accountFlow(ID, files.sim.url), {
      [ID]: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, accessToken: pasted.accessToken, refreshToken: pasted.refreshToken },
    });
    await getAccount(ID).account.getLines();
    fs.existsSync(tokenFile(files.userDir, ID)).should.be.false();
    fs.existsSync(path.join(fallback.dir, `${ID}.json`)).should.be.true();
  });
});
