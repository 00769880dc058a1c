// Headless Chromium (Debian's) driven by playwright-core for the editor tests: a fresh profile,
// and every request that is not for 127.0.0.1 refused, so a test can never reach the internet.
import fs from 'fs';
import path from 'path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { REPO_ROOT } from '../../support/node-red-process';
import { tempDir } from '../../support/temp-dir';

export const CHROMIUM_PATH = process.env.ECONETATMO_CHROMIUM ?? '/usr/bin/chromium';
export const ARTIFACTS_DIR = path.join(REPO_ROOT, 'test-artifacts', 'browser');

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** 'skip' when the browser is absent and ECONETATMO_SKIP_BROWSER=1; throws a clear error when absent otherwise. */
export function browserAvailability(): 'ok' | 'skip' {
  if (fs.existsSync(CHROMIUM_PATH)) return 'ok';
  if (process.env.ECONETATMO_SKIP_BROWSER === '1') return 'skip';
  throw new Error(
    `Chromium is not installed at ${CHROMIUM_PATH}: the browser tests need it ` +
      '(Debian: `apt-get install -y chromium`; .ci/run does it). Set ECONETATMO_SKIP_BROWSER=1 to skip them.',
  );
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Requests the route refused (anything not on 127.0.0.1). */
  blocked: string[];
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
  const profile = tempDir('econetatmo-chromium-').dir;
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ARGS,
    viewport: { width: 1400, height: 900 },
    locale: 'en-US',
    timeout: 30000,
  });
  const blocked: string[] = [];
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.protocol === 'data:' || url.protocol === 'blob:' || url.hostname === '127.0.0.1') return route.continue();
    blocked.push(url.toString());
    return route.abort('blockedbyclient');
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    blocked,
    close: async () => {
      await context.close().catch(() => undefined);
    },
  };
}

let shotCounter = 0;
/** Saves a screenshot as test-artifacts/browser/NN-name.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  shotCounter += 1;
  const file = path.join(ARTIFACTS_DIR, `${String(shotCounter).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  return file;
}
