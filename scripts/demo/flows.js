// The example flows as the demo (and test/examples.test.ts) use them: read from examples/, merged
// into one flow file, and pointed at the simulator. Plain JS so that `npm start` needs no build
// for this part, and so the test checks the very code the demo runs.
'use strict';
const fs = require('fs');
const path = require('path');

/**
 * The demo's account config node. The examples carry none (their nodes' account is empty, and
 * the editor picks the user's account when they are opened): a config node in two examples
 * would clash when the second is imported. The demo adds this one and points the nodes at it.
 */
const ACCOUNT_ID = 'econetatmo.account.demo';
/** The ecocounter id the example files carry until the user picks their own lines. */
const EXAMPLE_DEVICE_ID = '00:04:74:00:00:01';
const EXAMPLES_DIR = path.join(__dirname, '..', '..', 'examples');

/** Every example file under examples/, sorted by path: [{ file, nodes }]. */
function loadExamples(dir = EXAMPLES_DIR) {
  const files = [];
  const walk = (d) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.json')) files.push(full);
    }
  };
  walk(dir);
  files.sort();
  return files.map((file) => {
    const nodes = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (!Array.isArray(nodes)) throw new Error(`${file}: a flow file holds an array of nodes`);
    return { file: path.relative(dir, file), nodes };
  });
}

/**
 * The examples the demo deploys: those that send to another system (Home Assistant, InfluxDB)
 * need that system and its Node-RED nodes, which the demo does not have, so they stay out.
 */
const OUTSIDE_TYPES = new Set(['server', 'ha-api', 'ha-sensor', 'ha-entity-config', 'influxdb', 'influxdb batch']);
function demoExamples(examples) {
  return examples.filter(({ nodes }) => !nodes.some((n) => OUTSIDE_TYPES.has(n.type)));
}

/**
 * One flow array from several examples. A config node may appear in several files (the shared
 * account) only if it is the same node each time; any other repeated id is an error, because
 * Node-RED would silently keep one of the two.
 */
function mergeExamples(examples) {
  const byId = new Map();
  const merged = [];
  for (const { file, nodes } of examples) {
    for (const node of nodes) {
      // An example's global-config only names the packages it needs, for the editor's import;
      // the demo has its packages installed, and a runtime wants one global-config at most.
      if (node.type === 'global-config') continue;
      const seen = byId.get(node.id);
      if (seen === undefined) {
        byId.set(node.id, { file, node });
        merged.push(node);
        continue;
      }
      const shared = node.z === undefined && node.type !== 'tab' && JSON.stringify(seen.node) === JSON.stringify(node);
      if (!shared) throw new Error(`Node id ${node.id} of ${file} is already used in ${seen.file}`);
    }
  }
  return merged;
}

/**
 * A copy of the flow pointed at a running simulator: the account's apiUrl (the demo's account
 * added when the flow has none, and given to the nodes without one), and the example device id
 * replaced by the simulator's ecocounter in every measure node.
 */
function retarget(nodes, { apiUrl, deviceId }) {
  const copies = nodes.map((node) => {
    const copy = JSON.parse(JSON.stringify(node));
    if (copy.type === 'econetatmo-account') copy.apiUrl = apiUrl;
    if (['econetatmo-sync', 'econetatmo-measure', 'econetatmo-power'].includes(copy.type) && !copy.account) copy.account = ACCOUNT_ID;
    if (copy.type === 'econetatmo-measure') {
      if (typeof copy.moduleId === 'string' && copy.moduleId.startsWith(`${EXAMPLE_DEVICE_ID}#`)) {
        copy.moduleId = deviceId + copy.moduleId.slice(EXAMPLE_DEVICE_ID.length);
      }
      if (copy.deviceId === EXAMPLE_DEVICE_ID) copy.deviceId = deviceId;
    }
    return copy;
  });
  const used = copies.some((n) => n.account === ACCOUNT_ID);
  if (used && !copies.some((n) => n.id === ACCOUNT_ID)) copies.push({ id: ACCOUNT_ID, type: 'econetatmo-account', name: 'Netatmo (demo)', apiUrl });
  return copies;
}

module.exports = { ACCOUNT_ID, EXAMPLE_DEVICE_ID, EXAMPLES_DIR, demoExamples, loadExamples, mergeExamples, retarget };
