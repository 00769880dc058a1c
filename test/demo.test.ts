// `npm start` (scripts/demo.js) as a user stops it: a SIGTERM to npm (a service manager, `kill`,
// a closed terminal) stops the demo's Node-RED and simulator too, not only npm. The demo runs on
// free ports in a directory of its own, in a process group of its own so that nothing can outlive
// the test.
import { spawn, type ChildProcess } from 'child_process';
import net from 'net';
import path from 'path';
import should from 'should';
import { freePort } from './support/node-red-process';
import { tempDir, type TempDir } from './support/temp-dir';

const ROOT = path.resolve(__dirname, '..', '..');

/** Whether any process of the group `pgid` is alive. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('npm start (the demo)', function () {
  this.timeout(90000);
  let npm: ChildProcess | undefined;
  let dir: TempDir | undefined;

  after(function () {
    // Whatever the outcome, nothing this test started survives it.
    if (npm?.pid !== undefined && groupAlive(npm.pid)) process.kill(-npm.pid, 'SIGKILL');
    dir?.cleanup();
  });

  it('stops Node-RED and the simulator when npm gets SIGTERM, not only npm', async function () {
    const port = await freePort();
    dir = tempDir('econetatmo-demo-');
    let output = '';
    // --ignore-scripts: no prestart build under a running test (the test runs from dist/).
    const child = spawn('npm', ['start', '--ignore-scripts', '--', '--port', String(port), '--sim-port', '0', '--dir', dir.dir], {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    npm = child;
    const pgid = child.pid as number;
    child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    const simulator = (): number => Number(/Netatmo simulator on http:\/\/127\.0\.0\.1:(\d+)/.exec(output)?.[1] ?? 0);
    await until('the demo runs', () => output.includes('econetatmo demo is running') || child.exitCode !== null, 60000).catch((err: Error) => {
      throw new Error(`${err.message}\n${output}`);
    });
    should(output).containEql('econetatmo demo is running');
    should(await portAnswers(port)).be.true();
    const simPort = simulator();
    should(simPort).be.above(0);

    process.kill(pgid, 'SIGTERM'); // npm alone, as `kill <pid>` or a service manager does
    await until('npm has exited', () => child.exitCode !== null || child.signalCode !== null, 20000);
    await until("every process of the demo's group has exited", () => !groupAlive(pgid), 20000).catch((err: Error) => {
      throw new Error(`${err.message}\n${output}`);
    });
    should(await portAnswers(port)).be.false();
    should(await portAnswers(simPort)).be.false();
  });
});
