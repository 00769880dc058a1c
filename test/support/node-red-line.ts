// Chooses the Node-RED line the node tests run inside. By default node-red-node-test-helper
// finds Node-RED 4 from the project; `ECONETATMO_NODE_RED=5` (set by `npm run test:node-red-5`,
// under Node.js 22) points it at the aliased `node-red-5` package instead.
import path from 'path';
import helper from 'node-red-node-test-helper';

export function nodeRedRuntimePath(): string | undefined {
  if (process.env.ECONETATMO_NODE_RED !== '5') return undefined;
  return require.resolve('node-red-5', { paths: [path.resolve(__dirname, '..', '..', '..')] });
}

const runtime = nodeRedRuntimePath();
if (runtime !== undefined) helper.init(runtime);

export const mochaHooks = {
  beforeAll(): void {
    const RED = (helper as unknown as { _RED?: { version?: () => string } })._RED;
    const version = RED?.version?.() ?? 'unknown';
    if (process.env.ECONETATMO_NODE_RED === '5' && !version.startsWith('5.')) {
      throw new Error(`expected Node-RED 5.x for test:node-red-5, got ${version}`);
    }
    // One line in the output says which runtime the suite proved.
    process.stdout.write(`  (Node-RED ${version} on Node.js ${process.version})\n`);
  },
};
