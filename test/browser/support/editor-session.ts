// One real Node-RED and Chromium on its editor for a browser suite: started in the suite's
// `before` (skipped when the browser is absent and ECONETATMO_SKIP_BROWSER=1), stopped in its `after`.
import type { Page } from 'playwright-core';
import { startNodeRed, type NodeRedProcess, type NodeRedProcessOptions } from '../../support/node-red-process';
import { browserAvailability, launchBrowser, type Browser } from './browser';

export interface EditorSession {
  readonly nr: NodeRedProcess;
  readonly page: Page;
}

/**
 * Registers the hooks; the session's fields are there once `before` has run. `ready` runs in the
 * page until it holds (e.g. the editor knows our node types).
 */
export function useEditorSession(options: NodeRedProcessOptions, ready: () => boolean): EditorSession {
  let nr: NodeRedProcess | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  before(async function () {
    if (browserAvailability() === 'skip') this.skip();
    nr = await startNodeRed(options);
    browser = await launchBrowser();
    page = browser.page;
    page.setDefaultTimeout(20000);
    await page.goto(`${nr.url}/`);
    await page.waitForFunction(ready);
  });
  after(async function () {
    if (browser) await browser.close();
    if (nr) await nr.stop();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the editor session has not started (used outside its suite?)');
    return value;
  };
  return {
    get nr() {
      return started(nr);
    },
    get page() {
      return started(page);
    },
  };
}
