// One run of a state-writer script (token-writer.js, state-writer.js), killed with SIGKILL at a
// random moment once it is ready: what the tests of crashes during a write start from.
import { spawn } from 'node:child_process';
import should from 'should';

const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Runs `script args…`, kills it 0–40 ms after its "ready", and gives the last save it acknowledged (null: none). */
export async function killedWriterRun(script: string, args: readonly string[]): Promise<number | null> {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString('utf8');
  });
  child.stderr.on('data', (c: Buffer) => {
    err += c.toString('utf8');
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  for (let waited = 0; !out.includes('ready\n'); waited += 2) {
    if (waited > 10_000 || err !== '') throw new Error(`the writer did not start: ${err}`);
    await delay(2);
  }
  await delay(Math.floor(Math.random() * 40));
  child.kill('SIGKILL');
  await exited;
  should(err).equal('', `writer failed: ${err}`);
  const acks = out.match(/saved (\d+)\n/g) ?? [];
  return acks.length === 0 ? null : Number(/(\d+)/.exec(acks[acks.length - 1])?.[1]);
}
