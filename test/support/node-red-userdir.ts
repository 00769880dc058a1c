// The user directory of a real Node-RED process under test: settings (loopback only, no
// diagnostics, no telemetry, no palette catalogue), this package installed by a symlink, the
// flows and their encrypted credentials, and a guard module that refuses non-loopback traffic.
import crypto from 'crypto';
import fs from 'fs';
import path from 'path';
import type { NodeRedProcessOptions } from './node-red-process';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const PACKAGE_NAME = 'node-red-contrib-econetatmo';

/** red.js of the Node-RED line under test: 4 by default, 5 with ECONETATMO_NODE_RED=5. */
export function nodeRedScript(): string {
  const pkg = process.env.ECONETATMO_NODE_RED === '5' ? 'node-red-5' : 'node-red';
  return path.join(REPO_ROOT, 'node_modules', pkg, 'red.js');
}

export function encryptCredentials(secret: string, credentials: Record<string, unknown>): { $: string } {
  const key = crypto.createHash('sha256').update(secret).digest();
  const iv = crypto.randomBytes(16);
  const cipher = crypto.createCipheriv('aes-256-ctr', key, iv);
  return { $: iv.toString('hex') + cipher.update(JSON.stringify(credentials), 'utf8', 'base64') + cipher.final('base64') };
}

export function decryptCredentials(secret: string, file: unknown): Record<string, Record<string, string>> {
  if (typeof file !== 'object' || file === null || typeof (file as { $?: unknown }).$ !== 'string') {
    throw new Error('flows_cred.json is not an encrypted credentials file');
  }
  const text = (file as { $: string }).$;
  const key = crypto.createHash('sha256').update(secret).digest();
  const decipher = crypto.createDecipheriv('aes-256-ctr', key, Buffer.from(text.substring(0, 32), 'hex'));
  const plain = decipher.update(text.substring(32), 'base64', 'utf8') + decipher.final('utf8');
  return JSON.parse(plain) as Record<string, Record<string, string>>;
}

// Loaded into the Node-RED process with --require: refuses any TCP connection that is not to the
// loopback interface (the tests must never reach the internet), and ends the process when the
// test runner goes away (its stdin pipe closes), so no orphan survives a killed runner.
const GUARD_SOURCE = `'use strict';
const net = require('net');
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '::ffff:127.0.0.1']);
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  let options = args[0];
  if (Array.isArray(options)) options = options[0];
  let host;
  if (typeof options === 'object' && options !== null) {
    if (options.path) return connect.apply(this, args);
    host = options.host === undefined ? 'localhost' : String(options.host);
  } else {
    host = typeof args[1] === 'string' ? args[1] : 'localhost';
  }
  if (!LOOPBACK.has(host)) {
    process.stderr.write('[econetatmo-test-guard] blocked connection to ' + host + '\\n');
    const err = new Error('test guard: connection to ' + host + ' refused (tests stay on 127.0.0.1)');
    err.code = 'ECONNREFUSED';
    process.nextTick(() => this.destroy(err));
    return this;
  }
  return connect.apply(this, args);
};
if (process.env.ECONETATMO_GUARD_STDIN === '1') {
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('close', () => process.exit(0));
  process.stdin.on('error', () => process.exit(0));
  process.stdin.resume();
}
`;

function writeSettings(
  userDir: string,
  port: number,
  secret: string,
  options: Pick<NodeRedProcessOptions, 'adminAuth' | 'logLevel' | 'lang' | 'nodesExcludes'>,
): void {
  const { adminAuth, logLevel = 'info', lang, nodesExcludes } = options;
  const users = adminAuth
    ? [{ username: adminAuth.username, password: adminAuth.password, permissions: '*' }, ...(adminAuth.otherUsers ?? [])].map((u) => ({
        username: u.username,
        password: hashPassword(u.password),
        permissions: u.permissions,
      }))
    : [];
  const auth = adminAuth ? `adminAuth: { type: 'credentials', users: ${JSON.stringify(users)} },` : '';
  const settings = `// Written by test/support/node-red-process.ts
module.exports = {
  uiHost: '127.0.0.1',
  uiPort: ${port},
  flowFile: 'flows.json',
  credentialSecret: ${JSON.stringify(secret)},
  ${auth}
  ${lang ? `lang: ${JSON.stringify(lang)},` : ''}
  ${nodesExcludes ? `nodesExcludes: ${JSON.stringify(nodesExcludes)},` : ''}
  diagnostics: { enabled: false, ui: false },
  telemetry: { enabled: false, updateNotification: false },
  runtimeState: { enabled: false, ui: false },
  externalModules: { autoInstall: false, palette: { allowInstall: false, allowUpload: false }, modules: { allowInstall: false } },
  editorTheme: {
    tours: false,
    projects: { enabled: false },
    palette: { catalogues: [] },
    multiplayer: { enabled: false },
  },
  logging: { console: { level: ${JSON.stringify(logLevel)}, metrics: false, audit: false } },
  exportGlobalContextKeys: false,
  functionExternalModules: false,
};
`;
  fs.writeFileSync(path.join(userDir, 'settings.js'), settings);
}

// Node-RED checks adminAuth passwords with bcrypt; bcryptjs ships with Node-RED.
function hashPassword(password: string): string {
  const bcryptPath = require.resolve('bcryptjs', { paths: [path.dirname(nodeRedScript()), path.join(REPO_ROOT, 'node_modules', '@node-red', 'editor-api')] });
  const bcrypt = require(bcryptPath) as { hashSync(s: string, rounds: number): string };
  return bcrypt.hashSync(password, 8);
}

export function prepareUserDir(userDir: string, options: NodeRedProcessOptions, port: number, secret: string): void {
  fs.mkdirSync(path.join(userDir, 'node_modules'), { recursive: true });
  const link = path.join(userDir, 'node_modules', PACKAGE_NAME);
  if (!fs.existsSync(link)) fs.symlinkSync(REPO_ROOT, link, 'dir');
  fs.writeFileSync(
    path.join(userDir, 'package.json'),
    JSON.stringify(
      { name: 'node-red-project', description: 'test user dir', version: '0.0.1', private: true, dependencies: { [PACKAGE_NAME]: `file:${REPO_ROOT}` } },
      null,
      2,
    ),
  );
  fs.writeFileSync(path.join(userDir, 'econetatmo-test-guard.js'), GUARD_SOURCE);
  writeSettings(userDir, port, secret, options);
  if (options.flows) fs.writeFileSync(path.join(userDir, 'flows.json'), JSON.stringify(options.flows, null, 2));
  if (options.credentials) {
    fs.writeFileSync(path.join(userDir, 'flows_cred.json'), JSON.stringify(encryptCredentials(secret, options.credentials), null, 2));
  }
}
