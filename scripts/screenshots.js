#!/usr/bin/env node
// Takes the README screenshots (docs/screenshots/*.png) of the running demo in headless Chromium:
// the dashboard flow in the editor, the measure node's and the account's edit dialogs, and the dashboard
// (desktop and phone).
// Starts `scripts/demo.js` unless --url points at a demo that already runs; stops what it started.
//
//   node scripts/screenshots.js [--url http://127.0.0.1:1880] [--chromium /usr/bin/chromium]
// Needs Debian's chromium (`apt-get install -y chromium`) and playwright-core (a devDependency).
'use strict';
const fs = require('fs');
const fsp = require('fs/promises');
const path = require('path');
const { httpStatus } = require('./demo/http-status');
const { spawn } = require('child_process');
const { chromium } = require('playwright-core');

const ROOT = path.join(__dirname, '..');
const OUT = path.join(ROOT, 'docs', 'screenshots');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i === -1 ? fallback : process.argv[i + 1];
};
const GIVEN_URL = arg('--url', null);
const CHROMIUM = arg('--chromium', '/usr/bin/chromium');
const PORT = 1880;
const VIEWPORT = { width: 1280, height: 760 };
// Chromium without these flags tries Google's services, which this machine's closed network refuses.
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--disable-extensions',
];

const log = (text) => console.log(`[screenshots] ${text}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function startDemo() {
  const child = spawn(process.execPath, [path.join(ROOT, 'scripts', 'demo.js'), '--port', String(PORT)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
    process.stdout.write(d);
  });
  const until = Date.now() + 180000;
  while (!out.includes('Stop with Ctrl+C')) {
    if (child.exitCode !== null) throw new Error('the demo exited before it was ready');
    if (Date.now() > until) throw new Error('the demo did not start in time');
    await sleep(300);
  }
  return child;
}

function stopDemo(child) {
  if (!child || child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
}

async function shoot(page, name, options = {}) {
  const file = path.join(OUT, `${name}.png`);
  await page.screenshot({ path: file, animations: 'disabled', ...options });
  log(`${path.relative(ROOT, file)} (${Math.round(fs.statSync(file).size / 1024)} KiB)`);
}

/** Every request a page makes beyond 127.0.0.1: the demo promises there are none. */
const outside = new Set();
function watch(page) {
  page.on('request', (req) => {
    const url = new URL(req.url());
    if (/^(https?|wss?):$/.test(url.protocol) && url.hostname !== '127.0.0.1') outside.add(url.origin);
  });
  return page;
}

async function editorShots(browser, base) {
  const page = watch(await browser.newPage({ viewport: VIEWPORT }));
  await page.goto(`${base}/`, { waitUntil: 'load' });
  await page.waitForFunction(() => window.RED && RED.nodes && RED.nodes.workspace('econetatmo.dash.tab') && RED.nodes.node('econetatmo.dash.measure.0'), null, {
    timeout: 60000,
  });
  await sleep(1500);
  // More room for the flow: no palette, and the sidebar only where it shows something.
  await page.evaluate(() => RED.actions.invoke('core:toggle-palette', false));
  await page.evaluate(() => {
    RED.actions.invoke('core:toggle-sidebar', false);
    RED.workspaces.show('econetatmo.dash.tab');
  });
  await sleep(1000);
  // The whole dashboard flow in one picture: a taller window for this shot only.
  await page.setViewportSize({ width: VIEWPORT.width, height: 900 });
  await sleep(500);
  await shoot(page, 'editor-dashboard-flow');
  await page.setViewportSize(VIEWPORT);

  // Example 01 with its answer: press "List lines" and show the debug sidebar.
  await page.evaluate(() => {
    RED.actions.invoke('core:toggle-sidebar', true);
    RED.sidebar.show('debug');
    RED.workspaces.show('econetatmo.ex01.tab');
  });
  await sleep(500);
  await page.evaluate(() => $.post('inject/econetatmo.ex01.inject.all'));
  await page.waitForSelector('.red-ui-debug-msg', { timeout: 20000 });
  // Open the array, then its first line, so the picture shows what a line holds.
  for (let i = 0; i < 2; i++) {
    const handles = await page.$$('.red-ui-debug-msg .red-ui-debug-msg-expandable');
    if (handles[i]) await handles[i].click();
    await sleep(300);
  }
  await sleep(500);
  await shoot(page, 'editor-discover-lines');

  await page.evaluate(() => {
    RED.workspaces.show('econetatmo.dash.tab');
    RED.sidebar.help.show('econetatmo-measure');
    RED.editor.edit(RED.nodes.node('econetatmo.dash.measure.0'));
  });
  await page.waitForSelector('.red-ui-tray', { state: 'visible' });
  await sleep(2500); // the line list is fetched from the account through the admin API
  await shoot(page, 'editor-measure-dialog');
  await page.close();

  // The account's dialog, connected: its state line, redirect URI and diagnostics button.
  const account = watch(await browser.newPage({ viewport: { width: 1280, height: 900 } }));
  await account.goto(`${base}/`, { waitUntil: 'load' });
  await account.waitForFunction(() => window.RED && RED.nodes && RED.nodes.node('econetatmo.dash.measure.0'), null, { timeout: 60000 });
  await sleep(1000);
  await account.evaluate(() => {
    RED.sidebar.help.show('econetatmo-account');
    RED.editor.editConfig('', 'econetatmo-account', RED.nodes.node('econetatmo.dash.measure.0').account);
  });
  await account.waitForFunction(() => /connected/.test((document.querySelector('#econetatmo-account-state') || {}).textContent || ''), null, {
    timeout: 20000,
  });
  await sleep(800);
  await shoot(account, 'editor-account-connected');
  await account.close();
}

async function dashboardShot(browser, base) {
  // The desktop, and a phone (390 × 844 CSS pixels at twice the density, as a phone draws them).
  for (const [name, options] of [
    ['dashboard', { viewport: { width: 1280, height: 900 } }],
    ['dashboard-export-phone', { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 }],
  ]) {
    const page = watch(await browser.newPage(options));
    await page.goto(`${base}/dashboard`, { waitUntil: 'load' });
    await page.waitForSelector('canvas', { timeout: 60000 });
    // The charts are drawn on canvas: give the data (sent at connection) time to arrive and draw.
    await sleep(6000);
    await shoot(page, name, { fullPage: true });
    await page.close();
  }
}

async function main() {
  await fsp.mkdir(OUT, { recursive: true });
  let demo = null;
  let base = GIVEN_URL;
  if (!base) {
    base = `http://127.0.0.1:${PORT}`;
    if ((await httpStatus(`${base}/`)) !== 0) throw new Error(`something already answers on ${base}: pass --url to use it`);
    demo = await startDemo();
  }
  let browser = null;
  try {
    // Playwright gives Chromium a fresh, empty profile of its own (it refuses --user-data-dir).
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    await editorShots(browser, base);
    await dashboardShot(browser, base);
    if (outside.size > 0) log(`WARNING: the pages asked for ${[...outside].join(', ')}`);
    else log('no request left 127.0.0.1');
  } finally {
    if (browser) await browser.close();
    await stopDemo(demo);
  }
}

main().catch((err) => {
  console.error(`[screenshots] ${err && err.stack ? err.stack : err}`);
  process.exit(1);
});
