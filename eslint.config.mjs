// ESLint (flat config): typescript-eslint's recommended rules over the TypeScript sources and
// tests, with type information (a floating promise is an error), ESLint's own over the plain
// Node scripts, and the layers of src/ (README, "Layout"). Formatting is Prettier's.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// The layers of src/: each folder may import the folders below it, never one above, and only
// src/nodes may import Node-RED. `siblings` may be imported for their types only.
const NODE_RED = { regex: '^(node-red|@node-red/.*|express)$', message: 'Only src/nodes talks to Node-RED.' };
function layer(folder, forbidden, siblings = []) {
  const patterns = [NODE_RED];
  if (forbidden.length > 0) {
    patterns.push({ regex: `^\\.\\./(${forbidden.join('|')})(/|$)`, message: `src/${folder} is below these layers: it may not import them.` });
  }
  if (siblings.length > 0) {
    patterns.push({ regex: `^\\.\\./(${siblings.join('|')})(/|$)`, allowTypeImports: true, message: `src/${folder} may use this layer's types only.` });
  }
  return {
    files: [`src/${folder}/**/*.ts`],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns }] },
  };
}
const layers = [
  // Nothing but itself: what users rely on, and the helpers with no domain.
  {
    files: ['src/contract/**/*.ts', 'src/lib/**/*.ts', 'src/simulator/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            NODE_RED,
            {
              regex: '^\\.\\./',
              message: 'This folder imports nothing from the rest of src/ (contract and lib are the bottom; the simulator shares nothing with the client).',
            },
          ],
        },
      ],
    },
  },
  layer('netatmo', ['account', 'measure', 'export', 'nodes', 'simulator']),
  layer('account', ['measure', 'export', 'nodes', 'simulator']),
  layer('measure', ['export', 'nodes', 'simulator'], ['account']),
  layer('export', ['netatmo', 'account', 'measure', 'nodes', 'simulator']),
  {
    files: ['src/nodes/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(\\.\\./)+simulator(/|$)', message: 'The nodes never use the simulator.' }] },
      ],
    },
  },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'nodes/*.js', 'test-artifacts/**', '.demo/**', '.nr5/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  ...layers,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // `_name` says "unused on purpose" (Node-RED's handler signatures, destructuring).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Node-RED's idiom: a node constructor keeps `this` as `node` for its handlers.
      '@typescript-eslint/no-this-alias': ['error', { allowedNames: ['node'] }],
    },
  },
  {
    // The tests load the built node entry points (nodes/*.js, dist/) by a path computed at run time.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Functions this script hands to the browser page run there, with the editor's globals.
    files: ['scripts/screenshots.js'],
    languageOptions: { globals: { ...globals.browser, RED: 'readonly', $: 'readonly' } },
  },
  {
    // Plain CommonJS scripts run by node directly.
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
