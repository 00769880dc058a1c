// Builds the package when dist/ or the node entry points are missing or older than the sources,
// so that `npm install && npm start` works on a fresh clone without a separate build step.
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const root = path.join(__dirname, '..');

function newestMtime(dir) {
  let newest = 0;
  if (!fs.existsSync(dir)) return newest;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    const t = entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs;
    if (t > newest) newest = t;
  }
  return newest;
}

const marker = path.join(root, 'nodes', 'econetatmo-measure.js');
const built = fs.existsSync(marker) && fs.existsSync(path.join(root, 'dist', 'src'));
const stale = !built || newestMtime(path.join(root, 'src')) > fs.statSync(marker).mtimeMs;
if (stale) {
  console.log('Building node-red-contrib-econetatmo…');
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.json')], { stdio: 'inherit', cwd: root });
  execFileSync(process.execPath, [path.join(root, 'scripts', 'write-entries.js')], { stdio: 'inherit', cwd: root });
}
