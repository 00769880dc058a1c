// Build the package when the compiled output is missing or older than the sources, so that
// `npm start` works on a fresh clone and after every edit.
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const ROOT = path.join(__dirname, '..', '..');

/** What the demo loads: the simulator, the token store and the nodes' entry points. */
const OUTPUTS = [
  'dist/src/simulator/index.js',
  'dist/src/netatmo/token-store.js',
  'dist/src/nodes/account/account.js',
  'dist/src/nodes/sync/sync.js',
  'dist/src/nodes/measure/measure.js',
  'dist/src/nodes/export/export.js',
  'dist/src/nodes/power/power.js',
  'nodes/econetatmo-account.js',
  'nodes/econetatmo-sync.js',
  'nodes/econetatmo-measure.js',
  'nodes/econetatmo-export.js',
  'nodes/econetatmo-power.js',
].map((p) => path.join(ROOT, p));

function newestMtime(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(full));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

function buildNeeded() {
  const sources = newestMtime(path.join(ROOT, 'src'));
  for (const file of OUTPUTS) {
    if (!fs.existsSync(file)) return `${path.relative(ROOT, file)} is missing`;
    if (fs.statSync(file).mtimeMs < sources && file.includes(`${path.sep}dist${path.sep}`)) {
      return `${path.relative(ROOT, file)} is older than src/`;
    }
  }
  return null;
}

function run(args) {
  return spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'inherit' }).status;
}

/** Builds if needed; throws when the outputs are still missing afterwards. */
function ensureBuilt(log) {
  const reason = buildNeeded();
  if (reason === null) return false;
  log(`Building (${reason})…`);
  // tsc emits even with type errors elsewhere; what matters is that the outputs exist.
  const tscStatus = run([require.resolve('typescript/bin/tsc', { paths: [ROOT] }), '-p', 'tsconfig.json']);
  if (tscStatus !== 0) log('tsc reported errors (see above); going on with what it emitted.');
  if (run([path.join(ROOT, 'scripts', 'write-entries.js')]) !== 0) throw new Error('scripts/write-entries.js failed');
  const missing = OUTPUTS.filter((f) => !fs.existsSync(f));
  if (missing.length > 0) throw new Error(`Build output missing: ${missing.map((f) => path.relative(ROOT, f)).join(', ')}`);
  return true;
}

module.exports = { ROOT, ensureBuilt, buildNeeded };
