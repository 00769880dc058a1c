// Shared by the account and admin tests: the simulator, a throw-away user dir per test, the
// flow of one account node, and a browser-like walk through the simulator's consent page.
import fs from 'fs';
import path from 'path';
import helper from 'node-red-node-test-helper';
import accountNode = require('../../src/nodes/account/account');
import { startSimulator, type Simulator } from '../../src/simulator';
import type { AccountNode } from '../../src/nodes/account/account-node';
import { nodeRedSettings, resetNodeRedSettings } from '../support/node-red-settings';
import { tempDir, type TempDir } from '../support/temp-dir';

export { eventually } from '../support/poll';

export { accountNode, helper };

export const CLIENT_ID = 'test-client-id';
export const CLIENT_SECRET = 'test-client-secret-do-not-leak';
export const REDIRECT_URI = 'http://127.0.0.1:1880/admin/econetatmo/oauth/callback';

export function startSim(): Promise<Simulator> {
  return startSimulator({ port: 0, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
}

/**
 * The mocha hooks every account test file shares: one simulator for the file, a fresh user dir
 * (and the system clock) for each test, the flow unloaded after it. Read `sim`/`userDir` inside tests.
 */
export function useSimulatorAndUserDir(): { readonly sim: Simulator; readonly userDir: string } {
  const context = { sim: undefined as unknown as Simulator, userDir: '' };
  let made: TempDir | undefined;
  before(async function () {
    context.sim = await startSim();
  });
  after(async function () {
    await context.sim.close();
    resetNodeRedSettings(); // the next test file must not write into a removed dir
  });
  beforeEach(function () {
    made = tempDir('econetatmo-account-test-');
    context.userDir = made.dir;
    // A fresh user dir, and the system clock unless the test gives another.
    resetNodeRedSettings();
    nodeRedSettings({ userDir: context.userDir });
  });
  afterEach(async function () {
    await helper.unload();
    made?.cleanup();
  });
  return context;
}

export function tokenFile(userDir: string, id: string): string {
  return path.join(userDir, 'econetatmo', `${id}.json`);
}

export function readTokenFile(userDir: string, id: string): { accessToken: string; refreshToken: string; expiresAt: number; issuedAt: number } {
  return JSON.parse(fs.readFileSync(tokenFile(userDir, id), 'utf8')) as { accessToken: string; refreshToken: string; expiresAt: number; issuedAt: number };
}

export function accountFlow(id: string, apiUrl: string): Array<Record<string, unknown> & { id: string; type: string }> {
  return [{ id, type: 'econetatmo-account', name: 'Home', apiUrl }];
}

export function getAccount(id: string): AccountNode {
  return helper.getNode(id) as unknown as AccountNode;
}

function decodeEntities(text: string): string {
  return text
    .replace(/&#(\d+);/g, (_m, n: string) => String.fromCharCode(Number(n)))
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');
}

/**
 * What a user's browser does on the consent page: GET it, submit the form whose decision is
 * `decision`, and return the redirect (our callback with code/error and state).
 */
export async function consent(authorizeUrl: string, decision: 'approve' | 'deny'): Promise<URL> {
  const page = await fetch(authorizeUrl);
  if (page.status !== 200) throw new Error(`consent page answered ${page.status}`);
  const html = await page.text();
  const forms = [...html.matchAll(/<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/g)];
  const form = forms.find((f) => new RegExp(`name="decision" value="${decision}"`).test(f[2] ?? ''));
  if (form === undefined) throw new Error(`no ${decision} form on the consent page`);
  const fields = new URLSearchParams();
  for (const input of (form[2] ?? '').matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields.set(decodeEntities(input[1] ?? ''), decodeEntities(input[2] ?? ''));
  }
  const action = new URL(decodeEntities(form[1] ?? ''), authorizeUrl);
  const answer = await fetch(action, {
    method: 'POST',
    body: fields.toString(),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    redirect: 'manual',
  });
  if (answer.status !== 302) throw new Error(`decision answered ${answer.status}`);
  const location = answer.headers.get('location');
  if (location === null) throw new Error('decision without Location');
  return new URL(location);
}

/** The path + query of our callback as the admin app sees it (the admin root stripped). */
export function callbackPath(redirect: URL): string {
  return `/econetatmo/oauth/callback${redirect.search}`;
}
