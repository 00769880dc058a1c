// The editor, for real: a Node-RED process, the simulator and headless Chromium. A user finds the
// nodes, adds an account and connects it through the consent popup, picks a line (one of them
// named like an XSS probe) and deploys; the debug sidebar shows the measures.
// Screenshots of each step go to test-artifacts/browser/.
// Over 300 lines: one user's journey, in order, through one real Node-RED and Chromium (each costs
// seconds to start), with its page helpers.
import fs from 'fs';
import path from 'path';
import should from 'should';
import type { Dialog, Page } from 'playwright-core';
import { startSimulator, type Simulator, type SimLine } from '../../src/simulator';
import { startNodeRed, type NodeRedProcess } from '../support/node-red-process';
import { browserAvailability, launchBrowser, screenshot, type Browser } from './support/browser';
import { HOSTILE_LINE_NAMES } from '../support/hostile-lines';
import { debugNode, injectNode, measureOnDemand } from '../support/editor-nodes';

const INJECT_ID = 'e2ebrinject001';
const MEASURE_ID = 'e2ebrmeasure01';
const DEBUG_ID = 'e2ebrdebug0001';
const BAD_INJECT_ID = 'e2ebrinjectbad';
const POWER_ID = 'e2ebrpower0001';
const HOSTILE_NAME = '<img src=x onerror=alert(1)>';
const ACCOUNT_NAME = 'Simulated home';

interface DebugEvent {
  id?: string;
  topic?: string;
  msg?: string;
  format?: string;
}
interface Point {
  start: number;
  end: number;
  values: Record<string, number | null>;
  total: number | null;
}
/** The editor's global `RED`, as far as these tests drive it. */
interface EditorRED {
  workspaces: { active(): string };
  view: { importNodes(nodes: Array<Record<string, unknown>>, options: Record<string, unknown>): void; select(selection: { nodes: unknown[] }): void };
  nodes: { node(id: string): Record<string, unknown> };
  comms: { subscribe(topic: string, listener: (topic: string, msg: unknown) => void): void };
  sidebar: { show(name: string): void };
}

/** Opens a node's edit tray the way a user does: a double click on it in the workspace. */
async function openEditor(page: Page, nodeId: string): Promise<void> {
  await page.locator(`g[id="${nodeId}"] rect.red-ui-flow-node`).first().dblclick();
  await page.locator('.red-ui-tray .red-ui-tray-header').first().waitFor({ state: 'visible' });
}

async function deploy(page: Page): Promise<void> {
  await page.evaluate(() => {
    (window as unknown as { __econetatmoDeployed: number }).__econetatmoDeployed = 0;
    const RED = (window as unknown as { RED: { events: { on(e: string, f: () => void): void } } }).RED;
    RED.events.on('deploy', () => {
      (window as unknown as { __econetatmoDeployed: number }).__econetatmoDeployed++;
    });
  });
  await page.locator('#red-ui-header-button-deploy').click();
  // The editor asks to confirm a deploy with nodes it finds incomplete (a measure without a line yet).
  const confirm = page.locator('#red-ui-deploy-dialog-confirm-deploy-deploy');
  const done = page.waitForFunction(() => (window as unknown as { __econetatmoDeployed: number }).__econetatmoDeployed > 0, undefined, { timeout: 20000 });
  const confirmed = confirm
    .waitFor({ state: 'visible', timeout: 20000 })
    .then(() => confirm.click())
    .catch(() => undefined);
  await done;
  void confirmed;
  await page.waitForFunction(() => !(window as unknown as { RED: { nodes: { dirty(): boolean } } }).RED.nodes.dirty());
}

describe('editor (real Node-RED + Chromium)', function () {
  this.timeout(60000);
  let sim: Simulator;
  let nr: NodeRedProcess | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let hostile: SimLine;
  const dialogs: string[] = [];
  const pageErrors: string[] = [];
  let failed = false;

  before(async function () {
    this.timeout(60000);
    if (browserAvailability() === 'skip') this.skip();
    sim = await startSimulator({ seed: 3, lineNames: HOSTILE_LINE_NAMES });
    const found = sim.lines().find((l) => l.name === HOSTILE_NAME);
    if (!found) throw new Error(`the simulator has no line named ${HOSTILE_NAME}`);
    hostile = found;
    nr = await startNodeRed({ flows: [] });
    browser = await launchBrowser();
    const onDialog = (d: Dialog): void => {
      dialogs.push(`${d.type()}: ${d.message()}`);
      void d.dismiss().catch(() => undefined);
    };
    browser.context.on('page', (p) => {
      p.on('dialog', onDialog);
      p.on('pageerror', (e) => pageErrors.push(e.message));
    });
    page = browser.page;
    page.on('dialog', onDialog);
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.setDefaultTimeout(20000);
  });

  beforeEach(function () {
    if (failed) this.skip(); // the steps build on each other
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      failed = true;
      if (page) await screenshot(page, `failed-${(this.currentTest.title || 'step').replace(/\W+/g, '-').slice(0, 40)}`).catch(() => undefined);
      // What the measure dialog said about its lines, if it is open (the screenshot cuts it).
      const hint = page
        ? await page
            .locator('#econetatmo-measure-line-hint')
            .textContent({ timeout: 1000 })
            .catch(() => null)
        : null;
      if (hint) process.stdout.write(`--- line list hint: ${hint}\n`);
      if (pageErrors.length > 0) process.stdout.write(`--- page errors: ${pageErrors.join(' | ')}\n`);
    }
  });

  after(async function () {
    if (browser) await browser.close();
    if (nr) {
      if (failed) process.stdout.write(`--- Node-RED log ---\n${nr.logs().split('\n').slice(-60).join('\n')}\n`);
      await nr.stop();
    }
    if (sim) await sim.close();
  });

  it('shows the nodes in the palette under "energy"', async function () {
    await page.goto(`${nr!.url}/`);
    await page.waitForFunction(
      () => {
        const RED = (window as unknown as { RED?: { nodes?: { getType?(t: string): unknown } } }).RED;
        return !!RED?.nodes?.getType?.('econetatmo-measure') && document.querySelector('#red-ui-palette-container-energy') !== null;
      },
      undefined,
      { timeout: 30000 },
    );
    const category = page.locator('#red-ui-palette-container-energy');
    await category.waitFor({ state: 'visible' });
    for (const type of ['econetatmo-sync', 'econetatmo-measure', 'econetatmo-export', 'econetatmo-power']) {
      should(await category.locator(`.red-ui-palette-node[data-palette-type="${type}"]`).count()).equal(1, `${type} not in the energy category`);
    }
    should(await category.locator('.red-ui-palette-node[data-palette-type="econetatmo-measure"] .red-ui-palette-label').innerText()).match(/measure/i);
    await screenshot(page, 'palette');
    // A newcomer searches for what is written on the box or in the app: the brand, the range or
    // the cloud. Node-RED's palette filter matches only the type and the label.
    const types = ['econetatmo-sync', 'econetatmo-measure', 'econetatmo-export', 'econetatmo-power'];
    for (const word of ['drivia', 'netatmo', 'legrand']) {
      // typed key by key: the search box filters on key events, which fill() does not send
      await page.locator('#red-ui-palette-search input').fill('');
      await page.locator('#red-ui-palette-search input').pressSequentially(word);
      for (const type of types) await page.locator(`.red-ui-palette-node[data-palette-type="${type}"]`).waitFor({ state: 'visible' });
      // and only ours: the core inject node is filtered out
      await page.locator('.red-ui-palette-node[data-palette-type="inject"]').waitFor({ state: 'hidden' });
    }
    const labels = await Promise.all(
      types.map(async (type) =>
        (await page.locator(`.red-ui-palette-node[data-palette-type="${type}"] .red-ui-palette-label`).innerText()).replace(/\s+/g, ' '),
      ),
    );
    should(labels).eql(['Legrand Drivia lines', 'Legrand Drivia measure', 'Legrand Drivia export', 'Legrand Drivia power']);
    await screenshot(page, 'palette-search');
    await page.locator('#red-ui-palette-search input').fill('');
  });

  it('adds an account from the measure node and connects it through the consent popup', async function () {
    // inject -> measure -> debug, imported through the editor as a user's paste would be.
    const pasted = [
      injectNode({ id: INJECT_ID, name: 'read', props: [{ p: 'payload' }], payloadType: 'date', x: 140, y: 120, wires: [[MEASURE_ID]] }),
      measureOnDemand({ id: MEASURE_ID, x: 360, y: 120, wires: [[DEBUG_ID]] }),
      injectNode({
        id: BAD_INJECT_ID,
        name: 'bad scale',
        props: [{ p: 'payload' }, { p: 'scale', v: 'fortnight', vt: 'str' }],
        payloadType: 'date',
        x: 140,
        y: 200,
        wires: [[MEASURE_ID]],
      }),
      debugNode({ id: DEBUG_ID, name: 'measures', complete: 'payload', to: 'sidebar', x: 580, y: 120 }),
    ];
    await page.evaluate((nodes) => {
      const RED = (window as unknown as { RED: EditorRED }).RED;
      const z = RED.workspaces.active();
      RED.view.importNodes(
        nodes.map((n) => ({ ...n, z })),
        { touchImport: true, generateIds: false, addFlow: false, notify: false },
      );
      RED.view.select({ nodes: [] });
    }, pasted);
    await page.locator(`g[id="${MEASURE_ID}"]`).waitFor({ state: 'visible' });
    await screenshot(page, 'flow-imported');

    await openEditor(page, MEASURE_ID);
    // Node-RED 4.1+ has an "add" button beside the config select; older editors a pencil on "_ADD_".
    const addButton = page.locator('#node-input-btn-account-add');
    if ((await addButton.count()) > 0) {
      await addButton.click();
    } else {
      await page.locator('#node-input-account').selectOption('_ADD_');
      await page.locator('#node-input-lookup-account').click();
    }
    await page.locator('#node-config-input-clientId').waitFor({ state: 'visible' });
    // The dialog is named after the node, not its type.
    should(await page.locator('.red-ui-tray-titlebar').allInnerTexts()).matchAny(/Netatmo account/);

    // Connect with empty fields: no window opens (not even a blank one), the dialog says what is missing.
    let popups = 0;
    const countPopups = (): void => {
      popups++;
    };
    browser!.context.on('page', countPopups);
    await page.locator('#econetatmo-account-connect').click();
    await page.waitForFunction(() => /client ID is missing/.test(document.querySelector('#econetatmo-account-state')?.textContent ?? ''));
    await new Promise((r) => setTimeout(r, 500));
    should(popups).equal(0);

    // A redirect URI that cannot be ours is flagged at once (behind a proxy the user types one).
    await page.locator('#node-config-input-redirectUri').fill('https://ha.example/hassio/ingress/abc/wrong/path');
    await page.locator('#econetatmo-account-redirect-problem').waitFor({ state: 'visible' });
    // Home Assistant's ingress address holds a session token: it cannot be registered, so it is
    // flagged too, with the one text of the rule (the runtime's refusal says the same).
    await page.locator('#node-config-input-redirectUri').fill('https://ha.example/api/hassio_ingress/abc/econetatmo/oauth/callback');
    await page.locator('#econetatmo-account-redirect-problem').waitFor({ state: 'visible' });
    should(await page.locator('#econetatmo-account-redirect-problem').innerText()).equal(
      'The redirect URI must be an http(s) address ending with /econetatmo/oauth/callback, without ? or #, and not a Home Assistant ingress address.',
    );
    await page.locator('#node-config-input-redirectUri').fill('https://example.org/nodered/econetatmo/oauth/callback');
    await page.locator('#econetatmo-account-redirect-problem').waitFor({ state: 'hidden' });
    await page.locator('#node-config-input-redirectUri').fill('');
    should(await page.locator('#node-config-input-redirectUri').getAttribute('placeholder')).equal(`${nr!.url}/econetatmo/oauth/callback`);

    await page.locator('#node-config-input-name').fill(ACCOUNT_NAME);
    await page.locator('#node-config-input-clientId').fill(sim.clientId);
    await page.locator('#node-config-input-clientSecret').fill(sim.clientSecret);
    if (!(await page.locator('#node-config-input-apiUrl').isVisible())) await page.locator('#econetatmo-account-advanced-toggle').click();
    await page.locator('#node-config-input-apiUrl').fill(sim.url);
    await screenshot(page, 'account-form');

    // A wrong client secret: Netatmo's window stays open with the reason, and the dialog says it too.
    await page.locator('#node-config-input-clientSecret').fill('not-the-client-secret');
    const wrongOpened = browser!.context.waitForEvent('page');
    await page.locator('#econetatmo-account-connect').click();
    const wrongPopup = await wrongOpened;
    await wrongPopup.locator('#approve').click();
    await wrongPopup.waitForURL(/econetatmo\/oauth\/callback/, { waitUntil: 'load' });
    await page.waitForFunction(
      () =>
        /the connection failed: Could not get the tokens: Netatmo refused the client id or client secret/.test(
          document.querySelector('#econetatmo-account-state')?.textContent ?? '',
        ),
      undefined,
      { timeout: 20000 },
    );
    await new Promise((r) => setTimeout(r, 800));
    should(wrongPopup.isClosed()).be.false('the failure page closed itself before it could be read');
    should(await wrongPopup.locator('body').innerText()).match(/client id or client secret/);
    await screenshot(page, 'account-wrong-secret');
    await wrongPopup.close();
    browser!.context.off('page', countPopups);
    should(popups).equal(1);
    await page.locator('#node-config-input-clientSecret').fill(sim.clientSecret);

    const popupOpened = browser!.context.waitForEvent('page');
    await page.locator('#econetatmo-account-connect').click();
    const popup = await popupOpened;
    await popup.locator('#approve').waitFor({ state: 'visible', timeout: 20000 });
    should(popup.url().startsWith(`${sim.url}/oauth2/authorize`)).be.true(`the popup is at ${popup.url()}`);
    should(await popup.locator('#scopes').innerText()).match(/read_magellan/);
    await screenshot(popup, 'consent-page');
    // The callback page may close the popup itself once it has told the editor.
    const closedOrLoaded = Promise.race([
      popup.waitForEvent('close').then(() => 'closed'),
      popup.waitForURL(/econetatmo\/oauth\/callback/, { waitUntil: 'load' }).then(() => 'loaded'),
    ]);
    await popup.locator('#approve').click();
    if ((await closedOrLoaded) === 'loaded' && !popup.isClosed()) {
      await screenshot(popup, 'callback-page').catch(() => undefined);
      // The page may close itself between the check above and this read (seen under load).
      const html = await popup.content().catch((err: unknown) => (popup.isClosed() ? null : Promise.reject(err)));
      if (html !== null) should(html).not.match(/access_token|refresh_token/);
    }

    const state = page.locator('#econetatmo-account-state');
    await page.waitForFunction(
      () =>
        /connected/.test(document.querySelector('#econetatmo-account-state')?.textContent ?? '') &&
        !/not connected/.test(document.querySelector('#econetatmo-account-state')?.textContent ?? ''),
      undefined,
      { timeout: 20000 },
    );
    should(await state.innerText()).match(/^connected, token valid until/);
    should(sim.stats().codeGrants).equal(1);
    await screenshot(page, 'account-connected');
    // The editor never holds a token: the password fields stay empty.
    should(await page.locator('#node-config-input-refreshToken').inputValue()).equal('');
    should(await page.locator('#node-config-input-accessToken').inputValue()).equal('');

    // The next Connect opens the same named window: if the success page has not closed itself yet
    // (it closes after telling the editor), the browser reuses it and no new page opens.
    if (!popup.isClosed()) await Promise.race([popup.waitForEvent('close'), new Promise((r) => setTimeout(r, 5000))]);
    if (!popup.isClosed()) await popup.close();

    // A refusal on Netatmo's page changes nothing: the dialog says so, and that the account is
    // still connected (not "not connected" until a deploy).
    const denyOpened = browser!.context.waitForEvent('page');
    await page.locator('#econetatmo-account-connect').click();
    const denyPopup = await denyOpened;
    await denyPopup.locator('#deny').click();
    await page.waitForFunction(() =>
      /^access refused on the Netatmo page — connected, token valid until/.test(document.querySelector('#econetatmo-account-state')?.textContent ?? ''),
    );
    should(await denyPopup.locator('body').innerText()).match(/nothing was changed/);
    await denyPopup.close();
    await screenshot(page, 'account-denied-still-connected');

    // The dots of saved tokens ("__PWRD__") are not tokens to use: the dialog says to paste new ones.
    await page.locator('#node-config-input-accessToken').fill('__PWRD__');
    await page.locator('#node-config-input-refreshToken').fill('__PWRD__');
    await page.locator('#econetatmo-account-apply').click();
    await page.waitForFunction(() =>
      /^Paste a new refresh token first: the dots stand for the saved tokens, already in use\. — connected/.test(
        document.querySelector('#econetatmo-account-state')?.textContent ?? '',
      ),
    );

    // Garbage pasted with "Use these tokens now": refused with the reason, the working pair kept,
    // and the dialog says so at once, with the state the runtime is in.
    await page.locator('#node-config-input-accessToken').fill('garbage-access-token');
    await page.locator('#node-config-input-refreshToken').fill('garbage-refresh-token');
    await page.locator('#econetatmo-account-apply').click();
    await page.waitForFunction(() =>
      /^Could not use these tokens: Netatmo refused the refresh token.* — connected, token valid until/.test(
        document.querySelector('#econetatmo-account-state')?.textContent ?? '',
      ),
    );
    await screenshot(page, 'account-garbage-tokens');
    await page.locator('#node-config-input-accessToken').fill('');
    await page.locator('#node-config-input-refreshToken').fill('');

    // Diagnostics a user can attach to a bug report: anonymised, downloaded by the browser.
    const download = page.waitForEvent('download');
    await page.locator('#econetatmo-account-diagnostics').click();
    const file = await download;
    should(file.suggestedFilename()).equal('econetatmo-diagnostics.json');
    const saved = await file.path();
    const text = fs.readFileSync(saved, 'utf8');
    const diagnostics = JSON.parse(text) as { homes: unknown[]; sample: { answers: unknown[] } };
    should(diagnostics.homes).not.be.empty();
    should(diagnostics.sample.answers).have.length(12);
    should(text.includes(sim.clientSecret)).be.false();
    for (const line of sim.lines()) {
      should(text.includes(line.moduleId)).be.false();
      should(text.includes(JSON.stringify(line.name))).be.false();
    }
    await page
      .locator('#econetatmo-account-diagnostics-status')
      .filter({ hasText: /Downloaded/ })
      .waitFor();

    await page.locator('#node-config-dialog-ok').click();
    await page.locator('#node-config-input-clientId').waitFor({ state: 'detached' });
    should(await page.locator('#node-input-account option:checked').innerText()).equal(ACCOUNT_NAME);
    // The garbage above replaced nothing: the account is still connected.
    const accountId = await page.locator('#node-input-account').inputValue();
    const stateAfter = await page.evaluate(
      async (id) =>
        (await (window as unknown as { $: { getJSON(u: string): Promise<unknown> } }).$.getJSON(`econetatmo/accounts/${id}/state`)) as { status: string },
      accountId,
    );
    should(stateAfter.status).equal('connected');
    await page.locator('#node-dialog-ok').click();
    await page.locator('.red-ui-tray').first().waitFor({ state: 'detached' });
    await deploy(page);
    await screenshot(page, 'account-deployed');
  });

  it('lists the lines in the measure node, the hostile name as plain text', async function () {
    const linesRequests: string[] = [];
    const countLines = (r: { url(): string }): void => {
      if (/\/econetatmo\/accounts\/[^/]+\/lines/.test(r.url())) linesRequests.push(r.url());
    };
    page.on('request', countLines);
    await openEditor(page, MEASURE_ID);
    // The line picker: the select of the tray whose options are the account's lines.
    const expected = sim.lines().map((l) => l.name);
    const handle = await page.waitForFunction(
      (names) => {
        for (const select of Array.from(document.querySelectorAll('.red-ui-tray select'))) {
          const texts = Array.from((select as HTMLSelectElement).options).map((o) => o.text);
          if (names.every((n) => texts.includes(n))) return select.id || true;
        }
        return false;
      },
      expected,
      { timeout: 20000 },
    );
    const selectId = await handle.jsonValue();
    should(selectId).be.a.String().and.not.be.empty();
    const select = page.locator(`[id="${selectId as string}"]`);
    const texts = await select.locator('option').allTextContents();
    should(texts.filter((t) => t === HOSTILE_NAME)).have.length(1);
    for (const name of expected) should(texts).containEql(name);
    await select.selectOption({ label: HOSTILE_NAME });
    await screenshot(page, 'measure-lines');
    should(await page.locator('.red-ui-tray select option:checked').allTextContents()).containEql(HOSTILE_NAME);
    should(await page.evaluate(() => document.querySelectorAll('img[src="x"]').length)).equal(0);
    should(dialogs).be.empty();
    // The dialog asked for the list once, not once per "change" the editor fires.
    page.off('request', countLines);
    should(linesRequests).have.length(1);
    // The Send hint says what an input message gets with the choice shown (the default sends a
    // bucket once: a second click right after shows nothing).
    const emitHint = page.locator('#econetatmo-measure-emit-hint');
    should(await emitHint.innerText()).match(/^On every input message the node sends the whole window/);
    await page.locator('#node-input-emit').selectOption('changes');
    should(await emitHint.innerText()).match(/a read soon after another sends nothing/);
    await page.locator('#node-input-emit').selectOption('all');
    // Layout: the labels hold on one line, the Send option's text fits its dropdown.
    const layout = await page.evaluate(() => {
      const label = document.querySelector('label[for="node-input-deviceId"]') as HTMLElement;
      const select = document.querySelector('#node-input-emit') as HTMLSelectElement;
      const probe = document.createElement('span');
      probe.style.font = getComputedStyle(select).font;
      probe.style.whiteSpace = 'nowrap';
      document.body.appendChild(probe);
      let widest = 0;
      for (const option of Array.from(select.options)) {
        probe.textContent = option.text;
        widest = Math.max(widest, probe.getBoundingClientRect().width);
      }
      probe.remove();
      return { labelHeight: label.getBoundingClientRect().height, optionWidth: widest, selectWidth: select.getBoundingClientRect().width };
    });
    should(layout.labelHeight).be.below(30, 'the "Ecocounter id" label wraps');
    should(layout.optionWidth + 30).be.belowOrEqual(layout.selectWidth, "the Send option's text is cut");
    await page.locator('#node-dialog-ok').click();
    await page.locator('.red-ui-tray').first().waitFor({ state: 'detached' });
    const moduleId = await page.evaluate((id) => (window as unknown as { RED: EditorRED }).RED.nodes.node(id).moduleId as string, MEASURE_ID);
    should(moduleId).equal(hostile.moduleId);
    // The canvas shows the picked line's name (as text), not its id.
    should(await page.locator(`g[id="${MEASURE_ID}"] .red-ui-flow-node-label`).first().textContent()).equal(HOSTILE_NAME);
  });

  it('deploys, reads on the inject button and shows the measures in the debug sidebar', async function () {
    await deploy(page);
    await page.evaluate(() => {
      const w = window as unknown as { RED: EditorRED; __econetatmoDebug: unknown[] };
      w.__econetatmoDebug = [];
      w.RED.comms.subscribe('debug', (_topic: string, msg: unknown) => w.__econetatmoDebug.push(msg));
      w.RED.sidebar.show('debug');
    });
    const readsBefore = sim.stats().requests['/api/getmeasure']?.['200'] ?? 0;
    await page.locator(`g[id="${INJECT_ID}"] .red-ui-flow-node-button-button`).click();
    await page.waitForFunction(
      (id) => (window as unknown as { __econetatmoDebug: Array<{ id?: string }> }).__econetatmoDebug.some((m) => m.id === id),
      DEBUG_ID,
      { timeout: 30000 },
    );
    const events = await page.evaluate(() => (window as unknown as { __econetatmoDebug: unknown[] }).__econetatmoDebug);
    const event = (events as DebugEvent[]).find((m) => m.id === DEBUG_ID);
    should.exist(event);
    should(event?.format).match(/^Object/);
    const payload = JSON.parse(event?.msg ?? 'null') as { moduleId?: string; name?: string; unit?: string; points?: Point[] };
    should(payload.moduleId).equal(hostile.moduleId);
    should(payload.name).equal(HOSTILE_NAME);
    should(payload.unit).equal('Wh');
    should(payload.points).be.an.Array().and.not.be.empty();
    for (const p of payload.points ?? []) {
      should(p.end).be.above(p.start);
      should(p.values).be.an.Object();
    }
    should(sim.stats().requests['/api/getmeasure']?.['200'] ?? 0).be.above(readsBefore);

    // The sidebar shows it too, the topic (the hostile line name) as text.
    const message = page.locator('.red-ui-debug-content .red-ui-debug-msg').last();
    await message.waitFor({ state: 'visible' });
    // The topic (the hostile line name) is shown as text: Node-RED sanitises it into the header.
    should(await message.locator('.red-ui-debug-msg-topic').innerText()).startWith(`${HOSTILE_NAME} : msg.payload`);
    await message.locator('.red-ui-debug-msg-object-handle').first().click();
    const pointsKey = message.locator('.red-ui-debug-msg-object-key', { hasText: /^points$/ }).first();
    await pointsKey.waitFor({ state: 'visible' });
    should(await pointsKey.locator('xpath=..').innerText()).match(/array\[[1-9]\d*\]/);
    await screenshot(page, 'debug-sidebar');

    // A bad input: the error reaches the sidebar as its whole text, not a collapsed object.
    await page.evaluate(() => {
      (window as unknown as { __econetatmoDebug: unknown[] }).__econetatmoDebug = [];
    });
    await page.locator(`g[id="${BAD_INJECT_ID}"] .red-ui-flow-node-button-button`).click();
    await page.waitForFunction(
      (id) => (window as unknown as { __econetatmoDebug: Array<{ id?: string }> }).__econetatmoDebug.some((m) => m.id === id),
      MEASURE_ID,
      { timeout: 20000 },
    );
    const errorEvent = ((await page.evaluate(() => (window as unknown as { __econetatmoDebug: unknown[] }).__econetatmoDebug)) as DebugEvent[]).find(
      (m) => m.id === MEASURE_ID,
    );
    should(errorEvent?.format).not.equal('error');
    should(errorEvent?.msg).match(/^Unknown scale "?fortnight"? \(known: 30min, /);
    const shown = page.locator('.red-ui-debug-content .red-ui-debug-msg').last();
    await shown.waitFor({ state: 'visible' });
    // Shown whole, as a string (the sidebar quotes strings), not as a collapsed object.
    should(await shown.locator('.red-ui-debug-msg-payload').innerText()).equal(`"${errorEvent?.msg ?? ''}"`);
    await screenshot(page, 'debug-error');

    should(await page.evaluate(() => document.querySelectorAll('img[src="x"]').length)).equal(0);
    should(dialogs).be.empty();
    should(pageErrors).be.empty();
    should(browser!.blocked).be.empty();
    should(sim.stats().invalidGrant).equal(1); // the garbage pasted on purpose, refused once
    const logs = nr!.logs();
    should(logs).not.match(/econetatmo-test-guard\] blocked/);
    should(logs.includes(sim.clientSecret)).be.false('the client secret appeared in the Node-RED log');
    process.stdout.write(`      (screenshots in ${path.relative(process.cwd(), path.join('test-artifacts', 'browser'))}/)\n`);
  });

  it("picks the power node's modules from the account's modules that report power, saved as a list", async function () {
    const accountId = await page.evaluate((id) => (window as unknown as { RED: EditorRED }).RED.nodes.node(id).account as string, MEASURE_ID);
    await page.evaluate(
      ({ powerId, account }) => {
        const RED = (window as unknown as { RED: EditorRED }).RED;
        const z = RED.workspaces.active();
        RED.view.importNodes(
          [{ id: powerId, type: 'econetatmo-power', z, name: '', account, modules: [], interval: 60, output: 'each', x: 140, y: 320, wires: [[]] }],
          {
            touchImport: true,
            generateIds: false,
            addFlow: false,
            notify: false,
          },
        );
        RED.view.select({ nodes: [] });
      },
      { powerId: POWER_ID, account: accountId },
    );
    await page.locator(`g[id="${POWER_ID}"]`).waitFor({ state: 'visible' });
    await openEditor(page, POWER_ID);
    const boxes = page.locator('#econetatmo-power-modules input[type=checkbox]');
    await boxes.first().waitFor({ state: 'visible', timeout: 20000 });
    const listed = await boxes.evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
    // Every module of the range reports power; the ecocounter's lines do not and are not listed.
    should([...listed].sort()).eql(
      sim
        .modules()
        .map((m) => m.moduleId)
        .sort(),
    );
    const meter = sim.modules().find((m) => m.model === 'NLPC')!;
    await page.locator(`#econetatmo-power-modules input[value="${meter.moduleId}"]`).check();
    await page.locator('#econetatmo-power-typed').fill('aa:bb:cc:dd:ee:ff:00:11');
    await screenshot(page, 'power-modules');
    await page.locator('#node-dialog-ok').click();
    await page.locator('.red-ui-tray').first().waitFor({ state: 'detached' });
    const saved = await page.evaluate((id) => (window as unknown as { RED: EditorRED }).RED.nodes.node(id).modules as unknown, POWER_ID);
    should(saved).eql([meter.moduleId, 'aa:bb:cc:dd:ee:ff:00:11']);
    should(pageErrors).be.empty();
  });
});
