#!/usr/bin/env node
// `npm start`: the package live against the local Netatmo simulator, nothing leaving 127.0.0.1.
// Builds if needed, starts the simulator in this process and Node-RED 4 as a child process with
// the example flows and the dashboard deployed and the account already connected.
//
//   node scripts/demo.js [--port 1880] [--sim-port 8370] [--dir .demo] [--keep-flows] [--verbose]
'use strict';
const fs = require('fs');
const path = require('path');
const { httpStatus } = require('./demo/http-status');
const { spawn } = require('child_process');
const { ROOT, ensureBuilt } = require('./demo/build');

function option(name, fallback) {
  const i = process.argv.indexOf(name);
  if (i === -1) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isInteger(value) || value < 0 || value > 65535) throw new Error(`${name} takes a port number`);
  return value;
}

const PORT = option('--port', 1880);
const SIM_PORT = option('--sim-port', 8370);
const VERBOSE = process.argv.includes('--verbose');
const KEEP_FLOWS = process.argv.includes('--keep-flows');
function textOption(name, fallback) {
  const i = process.argv.indexOf(name);
  if (i === -1) return fallback;
  const value = process.argv[i + 1];
  if (value === undefined || value.startsWith('--')) throw new Error(`${name} takes a path`);
  return value;
}
// Another directory than .demo: a second demo beside the first, or a test that must not touch yours.
const DEMO_DIR = path.resolve(ROOT, textOption('--dir', '.demo'));
const USER_DIR = path.join(DEMO_DIR, 'userdir');
const LOG_FILE = path.join(DEMO_DIR, 'node-red.log');

const log = (text) => console.log(`[demo] ${text}`);

async function startSim() {
  const { startSimulator } = require(path.join(ROOT, 'dist', 'src', 'simulator', 'index.js'));
  const options = { clientId: 'econetatmo-demo', clientSecret: 'demo-secret-for-the-simulator' };
  try {
    return await startSimulator({ ...options, port: SIM_PORT });
  } catch (err) {
    if (err && err.code === 'EADDRINUSE' && SIM_PORT !== 0) {
      log(`port ${SIM_PORT} is taken: the simulator takes a free one`);
      return startSimulator({ ...options, port: 0 });
    }
    throw err;
  }
}

function portFree(port) {
  return new Promise((resolve) => {
    const server = require('net').createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function waitForEditor(child, timeoutMs) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until && child.exitCode === null) {
    if ((await httpStatus(`http://127.0.0.1:${PORT}/`)) === 200) return true;
    await new Promise((r) => setTimeout(r, 300));
  }
  return false;
}

/** Node-RED's log goes to .demo/node-red.log; warnings and errors also to the console. */
function startNodeRed() {
  const out = fs.createWriteStream(LOG_FILE, { flags: 'w' });
  const child = spawn(
    process.execPath,
    [path.join(ROOT, 'node_modules', 'node-red', 'red.js'), '-u', USER_DIR, '-s', path.join(USER_DIR, 'settings.js'), '-p', String(PORT)],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const relay = (chunk) => {
    out.write(chunk);
    const text = chunk.toString();
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      if (VERBOSE || /\[(error|warn)\]/.test(line)) console.log(`[node-red] ${line}`);
    }
  };
  child.stdout.on('data', relay);
  child.stderr.on('data', relay);
  child.on('exit', () => out.end());
  return child;
}

async function main() {
  if (ensureBuilt(log)) log('build done');
  if (!(await portFree(PORT))) {
    throw new Error(`port ${PORT} on 127.0.0.1 is taken (another Node-RED?): stop it or use --port`);
  }
  const sim = await startSim();
  log(`Netatmo simulator on ${sim.url}`);
  fs.mkdirSync(DEMO_DIR, { recursive: true });
  const { prepareUserDir } = require('./demo/userdir');
  const { lines } = await prepareUserDir({ userDir: USER_DIR, port: PORT, sim, keepFlows: KEEP_FLOWS });
  log(`ecocounter ${lines[0].deviceId}: ${lines.length} lines; account connected with a fresh token pair`);

  const child = startNodeRed();
  let stopping = false;
  const stop = async (code) => {
    if (stopping) return;
    stopping = true;
    log('stopping…');
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
      await exited;
      clearTimeout(timer);
    }
    await sim.close().catch(() => undefined);
    log('stopped');
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  process.on('SIGHUP', () => void stop(0));
  // `npm start` stopped with SIGTERM ends its shell without passing the signal on: this process
  // is orphaned (its parent changes) and would leave Node-RED running. Stop as if signalled.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) void stop(0);
  }, 300).unref();
  child.on('exit', (code, signal) => {
    if (!stopping) {
      log(`Node-RED exited (${signal ?? code}); see ${path.relative(process.cwd(), LOG_FILE)}`);
      void stop(code || 1);
    }
  });

  if (!(await waitForEditor(child, 60000))) {
    log(`Node-RED did not answer on port ${PORT}; see ${path.relative(process.cwd(), LOG_FILE)}`);
    await stop(1);
    return;
  }
  console.log(
    [
      '',
      '  econetatmo demo is running (simulated Netatmo cloud, nothing leaves 127.0.0.1)',
      `  Editor:     http://127.0.0.1:${PORT}/`,
      `  Dashboard:  http://127.0.0.1:${PORT}/dashboard`,
      `  Simulator:  ${sim.url}  (stats: ${sim.url}/__sim/stats)`,
      `  Node-RED log: ${path.relative(process.cwd(), LOG_FILE)}`,
      '  Stop with Ctrl+C.',
      '',
    ].join('\n'),
  );
}

main().catch((err) => {
  console.error(`[demo] ${err && err.message ? err.message : err}`);
  process.exit(1);
});
