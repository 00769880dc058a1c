// The account dialog, for real, when the disk refuses a rotated token pair: a Node-RED process
// whose state directory becomes a file (root ignores modes), the simulator and headless Chromium.
// The dialog's state line turns red and says the tokens are not saved, in English; once the disk
// is back and the pair lands, the line goes back to plain "connected" while the dialog is open.
import fs from 'fs';
import path from 'path';
import should from 'should';
import type { Page } from 'playwright-core';
import { startSimulator, type Simulator } from '../../src/simulator';
import { startNodeRed, type NodeRedProcess } from '../support/node-red-process';
import { ACCOUNT_ID, COUNT_DEBUG_NAME, INJECT_ID, measureFlow } from '../restart/support/flows';
import { browserAvailability, launchBrowser, screenshot, type Browser } from './support/browser';

interface StateAnswer {
  status?: string;
  unsaved?: string;
}

const UNSAVED_EN = /Tokens not saved to disk \([A-Z]+\): retrying, do not restart yet/;
const STATE_LINE = '#econetatmo-account-state';

/** Polls `read` every 50 ms until it gives a value (not undefined), for at most `ms`. */
async function eventually<T>(what: string, read: () => Promise<T | undefined>, ms = 20000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`never: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the account dialog when the disk refuses the tokens (real Node-RED + Chromium)', function () {
  this.timeout(60000);
  let sim: Simulator;
  let nr: NodeRedProcess | undefined;
  let browser: Browser | undefined;
  let page: Page;

  before(async function () {
    if (browserAvailability() === 'skip') this.skip();
    sim = await startSimulator({ seed: 5 });
    const pasted = sim.issueTokens();
    nr = await startNodeRed({
      lang: 'en-US',
      flows: measureFlow(sim, sim.lines()[0].moduleId),
      credentials: {
        [ACCOUNT_ID]: { clientId: sim.clientId, clientSecret: sim.clientSecret, accessToken: pasted.accessToken, refreshToken: pasted.refreshToken },
      },
    });
    browser = await launchBrowser();
    page = browser.page;
    page.setDefaultTimeout(20000);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page) {
      await screenshot(page, 'failed-account-unsaved').catch(() => undefined);
      if (nr) process.stdout.write(`--- Node-RED log ---\n${nr.logs().split('\n').slice(-40).join('\n')}\n`);
    }
  });

  after(async function () {
    if (browser) await browser.close();
    if (nr) await nr.stop();
    if (sim) await sim.close();
  });

  async function state(): Promise<StateAnswer> {
    const res = await nr!.admin('GET', `/econetatmo/accounts/${ACCOUNT_ID}/state`);
    should(res.status).equal(200, res.text);
    return res.body as StateAnswer;
  }

  /** A read through the inject node, the access token expired first: the account refreshes (and rotates). */
  async function readWithRefresh(): Promise<void> {
    const grants = sim.stats().refreshGrants;
    sim.expireAccessTokens();
    const from = nr!.logs().length;
    should((await nr!.admin('POST', `/inject/${INJECT_ID}`)).status).equal(200);
    await eventually('a refresh', () => Promise.resolve(sim.stats().refreshGrants > grants ? true : undefined));
    // The read has ended one way or the other (its points, or its error) before the test looks.
    await nr!.waitForLog(new RegExp(`\\[debug:${COUNT_DEBUG_NAME}\\]|\\[econetatmo-measure`), 20000, from).catch(() => undefined);
  }

  it('shows the red "tokens not saved" line in the account dialog, then clears it once the pair is on disk', async function () {
    // The pasted pair is proven (a refresh) and written: the state directory exists.
    await readWithRefresh();
    const stateDir = path.join(nr!.userDir, 'econetatmo');
    should(fs.statSync(stateDir).isDirectory()).be.true();

    // The disk refuses: a file where the directory was; the next rotated pair stays in memory.
    fs.renameSync(stateDir, `${stateDir}.away`);
    fs.writeFileSync(stateDir, '');
    await readWithRefresh();
    const refused = await eventually('the unsaved state', async () => {
      const now = await state();
      return now.unsaved !== undefined ? now : undefined;
    });
    should(refused).match({ status: 'connected', unsaved: UNSAVED_EN });

    // The user opens the account from the configuration nodes sidebar.
    await page.goto(`${nr!.url}/`);
    await page.waitForFunction(() => !!(window as unknown as { RED?: { nodes?: { node?(id: string): unknown } } }).RED?.nodes?.node?.('e2eacc00000001'));
    await page.evaluate(() => (window as unknown as { RED: { sidebar: { show(name: string): void } } }).RED.sidebar.show('config'));
    await page.locator('.red-ui-palette-node-config .red-ui-palette-label', { hasText: 'e2e account' }).first().dblclick();
    const line = page.locator(STATE_LINE);
    await line.waitFor({ state: 'visible' });
    await page.waitForFunction((sel) => /Tokens not saved to disk/.test(document.querySelector(sel)?.textContent ?? ''), STATE_LINE);
    should(await line.textContent())
      .match(/^connected, token valid until /)
      .and.match(UNSAVED_EN);
    should(await line.getAttribute('class')).match(/\beconetatmo-bad\b/);
    // Red as the user sees it: the editor's error colour, not the success green.
    const [r, g] = (await line.evaluate((el) => getComputedStyle(el).color)).match(/\d+/g)!.map(Number);
    should(r).be.above(g + 80);
    await screenshot(page, 'account-tokens-not-saved');
    // This flow's account was saved before prices existed (no `tariff`, as 0.2.0 saved it): the
    // dialog says what it does, the cloud's prices, rather than an empty choice marked invalid.
    const tariff = page.locator('#node-config-input-tariff');
    should(await tariff.inputValue()).equal('cloud');
    should(await tariff.getAttribute('class')).not.match(/input-error/);

    // The disk is back: the next rotated pair lands, and the open dialog follows the runtime.
    fs.rmSync(stateDir);
    fs.renameSync(`${stateDir}.away`, stateDir);
    await readWithRefresh();
    should(await state()).not.have.property('unsaved');
    await page.waitForFunction((sel) => {
      const el = document.querySelector(sel);
      return el !== null && /^connected, token valid until /.test(el.textContent ?? '') && !/not saved/.test(el.textContent ?? '');
    }, STATE_LINE);
    should(await line.getAttribute('class'))
      .match(/\beconetatmo-ok\b/)
      .and.not.match(/econetatmo-bad/);
    await screenshot(page, 'account-tokens-saved-again');
  });
});
