// The demo's Node-RED user directory (.demo/userdir, git-ignored): settings that keep Node-RED
// on 127.0.0.1 and off the network, this package "installed" as a symlink to the repository,
// the example flows deployed, and the account already connected to the simulator.
'use strict';
const fs = require('fs');
const path = require('path');
const { ROOT } = require('./build');
const { ACCOUNT_ID, demoExamples, loadExamples, mergeExamples, retarget } = require('./flows');

const PACKAGE = 'node-red-contrib-econetatmo';

function settingsSource({ port }) {
  return `// Written by scripts/demo.js at every start: edits here are lost.
module.exports = {
    uiHost: '127.0.0.1',
    uiPort: ${port},
    userDir: __dirname,
    flowFile: 'flows.json',
    flowFilePretty: true,
    // A local demo: flows_cred.json stays plain JSON (never do this with real credentials).
    credentialSecret: false,
    logging: { console: { level: 'info', metrics: false, audit: false } },
    // Nothing leaves 127.0.0.1: no diagnostics, no telemetry or update check, no palette catalogue.
    diagnostics: { enabled: false, ui: false },
    telemetry: { enabled: false, updateNotification: false },
    runtimeState: { enabled: false, ui: false },
    externalModules: {
        autoInstall: false,
        palette: { allowInstall: false, allowUpdate: false, allowUpload: false },
        modules: { allowInstall: false }
    },
    functionExternalModules: false,
    editorTheme: {
        tours: false,
        palette: { catalogues: [] },
        projects: { enabled: false },
        multiplayer: { enabled: false }
    }
};
`;
}

function writeJson(file, value, mode) {
  fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`, mode ? { mode } : undefined);
  if (mode) fs.chmodSync(file, mode);
}

/** Link <userDir>/node_modules/<PACKAGE> to the repository, as `npm install <repo>` would. */
function linkPackage(userDir) {
  const modules = path.join(userDir, 'node_modules');
  fs.mkdirSync(modules, { recursive: true });
  const link = path.join(modules, PACKAGE);
  const target = path.relative(modules, ROOT);
  let current = null;
  try {
    current = fs.readlinkSync(link);
  } catch {
    /* absent, or not a link */
  }
  if (current === target) return;
  fs.rmSync(link, { recursive: true, force: true });
  fs.symlinkSync(target, link, 'dir');
}

/**
 * Prepare the user directory for one run. The simulator is new at every start, so the
 * credentials and the token pair are written afresh each time, and the flows too unless kept.
 */
async function prepareUserDir({ userDir, port, sim, keepFlows = false }) {
  fs.mkdirSync(userDir, { recursive: true });
  fs.writeFileSync(path.join(userDir, 'settings.js'), settingsSource({ port }));
  writeJson(path.join(userDir, 'package.json'), {
    name: 'econetatmo-demo-userdir',
    description: 'Node-RED user directory of the econetatmo demo (generated)',
    version: '0.0.0',
    private: true,
    dependencies: { [PACKAGE]: 'file:../..' },
  });
  linkPackage(userDir);

  const lines = sim.lines();
  if (lines.length === 0) throw new Error('The simulator has no ecocounter line');
  const flowFile = path.join(userDir, 'flows.json');
  // --keep-flows: the user's edits of a previous run stay; only the simulator's address changes.
  const source = keepFlows && fs.existsSync(flowFile) ? JSON.parse(fs.readFileSync(flowFile, 'utf8')) : mergeExamples(demoExamples(loadExamples()));
  const flows = retarget(source, { apiUrl: sim.url, deviceId: lines[0].deviceId });
  writeJson(flowFile, flows);
  // Only the app's id and secret here: the token pair goes to the token store, as after a
  // "Connect to Netatmo" in the editor.
  writeJson(
    path.join(userDir, 'flows_cred.json'),
    {
      [ACCOUNT_ID]: { clientId: sim.clientId, clientSecret: sim.clientSecret },
    },
    0o600,
  );

  const { TokenStore } = require(path.join(ROOT, 'dist', 'src', 'netatmo', 'token-store.js'));
  const issued = sim.issueTokens();
  const now = Date.now();
  await new TokenStore(path.join(userDir, 'econetatmo')).save(ACCOUNT_ID, {
    accessToken: issued.accessToken,
    refreshToken: issued.refreshToken,
    expiresAt: now + issued.expiresIn * 1000,
    issuedAt: now,
  });
  return { flows, lines };
}

module.exports = { prepareUserDir, settingsSource, PACKAGE };
