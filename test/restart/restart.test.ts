// Crash and restart of a REAL Node-RED process: the rotated refresh token survives a SIGKILL
// right after its rotation, and a kill in the middle of a token write never leaves a broken file
// (the files sealed with Node-RED's credentialSecret, as they are in use).
import fs from 'fs';
import path from 'path';
import should from 'should';
import { startSimulator, type Simulator } from '../../src/simulator';
import { startNodeRed, type NodeRedProcess } from '../support/node-red-process';
import { eventually } from '../support/poll';
import { tempDir } from '../support/temp-dir';
import { parseTokenFile } from '../../src/netatmo/token-store';
import { ACCOUNT_ID, COUNT_DEBUG_NAME, INJECT_ID, measureFlow } from './support/flows';
import { killedWriterRun } from './support/killed-writer';

interface StoredPair {
  accessToken: string;
  refreshToken: string;
  expiresAt: number;
  issuedAt: number;
}

/** The pair in a token file, opened with Node-RED's credentialSecret (the files are sealed with it). */
function readPair(file: string, secret: string): StoredPair | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  // Sealed: no token in clear on disk.
  should((JSON.parse(text) as { sealed?: unknown }).sealed).be.an.Object();
  const content = parseTokenFile(text, path.basename(file, '.json'), { current: secret });
  if (content.kind !== 'record') throw new Error(`token file does not hold a complete pair (${content.kind}): ${text.slice(0, 200)}`);
  return content.record.pair;
}

function okCount(sim: Simulator, route: string): number {
  return sim.stats().requests[route]?.['200'] ?? 0;
}

/** POSTs the inject node and resolves with the number of points the measure node emitted. */
async function readThroughInject(nr: NodeRedProcess): Promise<number> {
  const from = nr.logs().length;
  const res = await nr.admin('POST', `/inject/${INJECT_ID}`);
  should(res.status).equal(200, `inject answered ${res.status} ${res.text}`);
  const text = await nr.waitForLog(new RegExp(`\\[debug:${COUNT_DEBUG_NAME}\\]\\s*(\\d+)`), 20000, from);
  const match = new RegExp(`\\[debug:${COUNT_DEBUG_NAME}\\]\\s*(\\d+)`).exec(text);
  return Number(match?.[1]);
}

describe('real Node-RED process: crash and restart', function () {
  this.timeout(90000);

  describe('SIGKILL right after a token rotation', function () {
    let sim: Simulator;
    let nr: NodeRedProcess | undefined;
    let userDir: string;

    before(async function () {
      sim = await startSimulator({ seed: 7 });
      userDir = tempDir('econetatmo-restart-').dir;
    });

    after(async function () {
      if (nr) await nr.stop();
      await sim.close();
    });

    it('carries on with the rotated pair from disk, without authorising again', async function () {
      const pasted = sim.issueTokens();
      const line = sim.lines()[0];
      should.exist(line, 'the simulator has no line');
      nr = await startNodeRed({
        userDir,
        adminAuth: { username: 'admin', password: 'restart-test-password' },
        flows: measureFlow(sim, line.moduleId),
        credentials: {
          [ACCOUNT_ID]: { clientId: sim.clientId, clientSecret: sim.clientSecret, accessToken: pasted.accessToken, refreshToken: pasted.refreshToken },
        },
      });
      const credFile = path.join(userDir, 'flows_cred.json');
      const credBefore = fs.readFileSync(credFile);
      const tokenFile = path.join(userDir, 'econetatmo', `${ACCOUNT_ID}.json`);

      // A first read with the pasted pair.
      const firstPoints = await readThroughInject(nr);
      should(firstPoints).be.above(0);
      should(sim.stats().refreshGrants).equal(1); // the pasted refresh token was proven by a refresh

      // Rotation: the access token dies, the next read refreshes, and the new pair goes to disk.
      sim.expireAccessTokens();
      const grantsBefore = sim.stats().refreshGrants;
      const secret = nr.credentialSecret;
      const onDiskBefore = readPair(tokenFile, secret)?.refreshToken;
      const res = await nr.admin('POST', `/inject/${INJECT_ID}`);
      should(res.status).equal(200);
      const rotated = await eventually(
        'the rotated pair on disk',
        () => {
          if (sim.stats().refreshGrants <= grantsBefore) return undefined;
          const pair = readPair(tokenFile, secret);
          return pair && pair.refreshToken !== pasted.refreshToken && pair.refreshToken !== onDiskBefore ? pair : undefined;
        },
        { timeoutMs: 20000, everyMs: 2 },
      );
      // No grace: the process dies the moment the file holds the new pair.
      await nr.kill('SIGKILL');
      should(sim.stats().refreshGrants).equal(grantsBefore + 1);
      // The credentials still hold the OLD refresh token: only the token store knows the new one.
      should(fs.readFileSync(credFile).equals(credBefore)).be.true('flows_cred.json changed');
      should(nr.readCredentials()[ACCOUNT_ID]?.refreshToken).equal(pasted.refreshToken);
      should(fs.statSync(tokenFile).mode & 0o777).equal(0o600);

      // Restart: same user dir, flows and credentials untouched.
      nr = await startNodeRed({ userDir, adminAuth: { username: 'admin', password: 'restart-test-password' } });
      // Force the restarted process to refresh: only the rotated refresh token can succeed.
      sim.expireAccessTokens();
      const grantsAtRestart = sim.stats().refreshGrants;
      const measuresBefore = okCount(sim, '/api/getmeasure');
      const points = await readThroughInject(nr);
      should(points).be.above(0);
      should(okCount(sim, '/api/getmeasure')).be.above(measuresBefore);
      should(sim.stats().refreshGrants).equal(grantsAtRestart + 1);
      should(sim.stats().invalidGrant).equal(0);
      should(sim.stats().codeGrants).equal(0);
      const after = readPair(tokenFile, secret);
      should.exist(after);
      should(after?.refreshToken).not.equal(rotated.refreshToken, 'the second rotation was not stored');
      process.stdout.write(
        `        (real process: Node-RED ${nr.version}; refresh grants ${sim.stats().refreshGrants}, invalid_grant ${sim.stats().invalidGrant})\n`,
      );
      should(nr.logs()).not.match(/econetatmo-test-guard\] blocked/);
      // No token ever reaches the log.
      for (const secret of [pasted.accessToken, pasted.refreshToken, rotated.accessToken, rotated.refreshToken, sim.clientSecret]) {
        should(nr.logs().includes(secret)).be.false('a secret appeared in the Node-RED log');
      }
    });
  });

  describe('SIGKILL during token writes', function () {
    const writer = path.join(__dirname, 'support', 'token-writer.js');
    const accountId = 'a1b2c3d4e5f6a7b8';
    const WRITER_SECRET = 'token-writer-credential-secret';

    it('leaves the old or the new pair, never a broken file, and no pile of temp files', async function () {
      const dir = tempDir('econetatmo-store-kill-').dir;
      const file = path.join(dir, `${accountId}.json`);
      const runs = 30;
      let everSaved = false;
      let tempFilesSeen = 0;
      let killedMidWrite = 0;
      let previous: StoredPair | undefined;
      for (let run = 1; run <= runs; run++) {
        const lastAck = (await killedWriterRun(writer, [dir, accountId, String(run), WRITER_SECRET])) ?? 0;
        const pair = readPair(file, WRITER_SECRET); // throws if the file does not open as a complete pair
        if (pair === undefined) {
          should(everSaved || lastAck > 0).be.false(`run ${run}: the file vanished after a completed save`);
        } else {
          const m = /^access-(\d+)-(\d+)-x+$/.exec(pair.accessToken);
          should.exist(m, `run ${run}: unexpected access token`);
          const [pairRun, pairIndex] = [Number(m?.[1]), Number(m?.[2])];
          should(pair.refreshToken).equal(pair.accessToken.replace(/^access-/, 'refresh-'), `run ${run}: access and refresh tokens from different writes`);
          should(pair.expiresAt - pair.issuedAt).equal(10_800_000);
          if (pairRun === run) {
            // The last acknowledged save, or the one in flight when the kill came.
            should(pairIndex).be.within(Math.max(1, lastAck), lastAck + 1);
            if (pairIndex === lastAck + 1) killedMidWrite++;
          } else {
            // Nothing of this run reached the disk: the file must still be the previous one.
            should(lastAck).equal(0, `run ${run}: saves were acknowledged but the file holds an older pair`);
            should(previous).not.be.undefined();
            should(pair.accessToken).equal(previous?.accessToken);
          }
          should(fs.statSync(file).mode & 0o777).equal(0o600);
          previous = pair;
          everSaved = true;
        }
        const temps = fs.readdirSync(dir).filter((n) => n !== `${accountId}.json`);
        tempFilesSeen = Math.max(tempFilesSeen, temps.length);
        should(temps.length).be.belowOrEqual(1, `run ${run}: temp files pile up: ${temps.join(', ')}`);
      }
      should(everSaved).be.true();
      process.stdout.write(
        `      (${runs} kills; ${killedMidWrite} landed after a write completed but before its ack; at most ${tempFilesSeen} temp file(s) left)\n`,
      );
    });
  });
});
