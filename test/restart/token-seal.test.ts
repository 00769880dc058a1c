// The token file in a REAL Node-RED process whose settings.js has no credentialSecret: a plain
// token file (as 0.2.0 wrote it) is sealed at its first read with the secret Node-RED generated
// (`_credentialSecret` in .config.runtime.json, reached through RED.settings), and once the user
// sets their own credentialSecret the file is opened with the generated one and sealed again with
// the user's, as Node-RED does with its own credentials. No refresh token ever lost on the way.
// The launcher always writes a credentialSecret, so these starts are spawned here, in the user
// directory it prepared.
import { spawn, type ChildProcess } from 'child_process';
import fs from 'fs';
import path from 'path';
import should from 'should';
import { startSimulator, type Simulator } from '../../src/simulator';
import { parseTokenFile } from '../../src/netatmo/token-store';
import { nodeRedScript, startNodeRed } from '../support/node-red-process';
import { tempDir, type TempDir } from '../support/temp-dir';
import { ACCOUNT_ID, COUNT_DEBUG_NAME, INJECT_ID, measureFlow } from './support/flows';

interface Started {
  child: ChildProcess;
  log: () => string;
  until: (pattern: RegExp, timeoutMs: number) => Promise<void>;
}

describe('real Node-RED process: the token file sealed with the generated, then the user, secret', function () {
  this.timeout(90000);
  let sim: Simulator;
  let userDir: string;
  let made: TempDir;
  let port: number;
  let running: Started | undefined;

  function start(credentialSecret: string | undefined): Started {
    const settingsFile = path.join(userDir, 'settings.js');
    const settings = fs.readFileSync(settingsFile, 'utf8').replace(/^\s*credentialSecret:.*$/m, '');
    const secretLine = credentialSecret === undefined ? '' : `  credentialSecret: ${JSON.stringify(credentialSecret)},\n`;
    fs.writeFileSync(settingsFile, settings.replace('module.exports = {\n', `module.exports = {\n${secretLine}`));
    const child = spawn(
      process.execPath,
      ['--require', path.join(userDir, 'econetatmo-test-guard.js'), nodeRedScript(), '-u', userDir, '-p', String(port), '--settings', settingsFile],
      { cwd: userDir, env: { ...process.env, NODE_OPTIONS: '' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let text = '';
    child.stdout?.on('data', (c: Buffer) => (text += c.toString('utf8')));
    child.stderr?.on('data', (c: Buffer) => (text += c.toString('utf8')));
    const until = async (pattern: RegExp, timeoutMs: number): Promise<void> => {
      const end = Date.now() + timeoutMs;
      while (!pattern.test(text)) {
        if (Date.now() > end || child.exitCode !== null) throw new Error(`no ${String(pattern)} in the log:\n${text.slice(-3000)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    running = { child, log: () => text, until };
    return running;
  }

  async function stop(): Promise<void> {
    if (running === undefined) return;
    const { child } = running;
    running = undefined;
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }

  async function readThroughInject(nr: Started): Promise<void> {
    const from = nr.log().length;
    const res = await fetch(`http://127.0.0.1:${port}/inject/${INJECT_ID}`, { method: 'POST' });
    should(res.status).equal(200);
    const end = Date.now() + 20000;
    const pattern = new RegExp(`\\[debug:${COUNT_DEBUG_NAME}\\]\\s*[1-9]`);
    while (!pattern.test(nr.log().slice(from))) {
      if (Date.now() > end) throw new Error(`no points read:\n${nr.log().slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  const tokenFile = (): string => path.join(userDir, 'econetatmo', `${ACCOUNT_ID}.json`);
  const generatedSecret = (): string =>
    (JSON.parse(fs.readFileSync(path.join(userDir, '.config.runtime.json'), 'utf8')) as { _credentialSecret: string })._credentialSecret;

  before(async function () {
    sim = await startSimulator({ seed: 11 });
    made = tempDir('econetatmo-seal-');
    userDir = made.dir;
    // The launcher prepares the user directory (settings, the package, the guard); then it stops.
    const line = sim.lines()[0];
    should.exist(line);
    const nr = await startNodeRed({ userDir, flows: measureFlow(sim, line!.moduleId), credentials: {} });
    port = nr.port;
    await nr.stop();
  });
  after(async function () {
    await stop();
    await sim.close();
    made.cleanup();
  });

  it('seals a plain token file with the generated secret, then again with the one the user sets', async function () {
    // No secret anywhere yet: credentials in clear (Node-RED encrypts them at start), and a token
    // file as the previous version wrote it.
    fs.rmSync(path.join(userDir, '.config.runtime.json'), { force: true });
    fs.writeFileSync(path.join(userDir, 'flows_cred.json'), JSON.stringify({ [ACCOUNT_ID]: { clientId: sim.clientId, clientSecret: sim.clientSecret } }));
    const issued = sim.issueTokens();
    fs.mkdirSync(path.dirname(tokenFile()), { recursive: true, mode: 0o700 });
    const now = Date.now();
    const plain = { version: 1, accessToken: issued.accessToken, refreshToken: issued.refreshToken, expiresAt: now + 3_600_000, issuedAt: now, retired: [] };
    fs.writeFileSync(tokenFile(), JSON.stringify(plain), { mode: 0o600 });

    let nr = start(undefined);
    await nr.until(/Started flows/, 30000);
    await readThroughInject(nr);
    await stop();
    const generated = generatedSecret();
    should(generated).be.a.String().and.not.be.empty();
    let text = fs.readFileSync(tokenFile(), 'utf8');
    should(text).not.containEql(issued.refreshToken);
    const first = parseTokenFile(text, ACCOUNT_ID, { current: generated });
    if (first.kind !== 'record') throw new Error(`not opened with the generated secret: ${first.kind}`);
    should(first.sealedWith).equal('current');
    should(first.record.pair.refreshToken).equal(issued.refreshToken); // not refreshed: the pair is whole
    should(fs.statSync(tokenFile()).mode & 0o777).equal(0o600);

    // The user sets their own secret: Node-RED moves its credentials to it, and so do we.
    sim.expireAccessTokens();
    nr = start('the-user-secret-now');
    await nr.until(/Started flows/, 30000);
    await readThroughInject(nr);
    await stop();
    text = fs.readFileSync(tokenFile(), 'utf8');
    should(parseTokenFile(text, ACCOUNT_ID, { current: generated }).kind).equal('locked');
    const second = parseTokenFile(text, ACCOUNT_ID, { current: 'the-user-secret-now' });
    if (second.kind !== 'record') throw new Error(`not sealed with the user's secret: ${second.kind}`);
    // The read refreshed with the token the generated secret opened: no authorising again.
    should(second.record.pair.refreshToken).not.equal(issued.refreshToken);
    should(sim.stats().invalidGrant).equal(0);
    should(sim.stats().codeGrants).equal(0);
    should(nr.log()).not.match(/Cannot decrypt the token file/);
  });
});
