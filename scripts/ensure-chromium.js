// The browser tests drive Debian's Chromium through playwright-core (which downloads no browser
// of its own). `npm test` runs this first so that a fresh machine needs nothing installed by
// hand: when /usr/bin/chromium (or $ECONETATMO_CHROMIUM) is missing, install Debian's package
// with apt-get, as root or through password-less sudo. Where that is impossible it says so and
// the browser tests fail with the same advice (or are skipped with ECONETATMO_SKIP_BROWSER=1).
'use strict';
const fs = require('fs');
const { execFileSync, spawnSync } = require('child_process');

const browser = process.env.ECONETATMO_CHROMIUM || '/usr/bin/chromium';
if (process.env.ECONETATMO_SKIP_BROWSER === '1' || fs.existsSync(browser)) process.exit(0);

function can(cmd, args) {
  return spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const prefix = isRoot ? [] : can('sudo', ['-n', 'true']) ? ['sudo', '-n'] : null;
if (prefix === null || !can('apt-get', ['--version'])) {
  console.warn(`[ensure-chromium] ${browser} is missing and cannot be installed here (needs apt-get as root or sudo).`);
  console.warn("[ensure-chromium] Install Debian's chromium, or set ECONETATMO_SKIP_BROWSER=1 to skip the browser tests.");
  process.exit(0);
}

function run(args) {
  const [cmd, ...rest] = [...prefix, ...args];
  execFileSync(cmd, rest, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

console.log("[ensure-chromium] installing Debian's chromium for the browser tests…");
try {
  run(['apt-get', 'update', '-qq']);
  run(['apt-get', 'install', '-y', '-qq', 'chromium']);
  console.log(`[ensure-chromium] ${fs.existsSync(browser) ? 'installed' : 'installed, but ' + browser + ' is still missing'}`);
} catch (err) {
  console.warn(`[ensure-chromium] could not install chromium: ${err instanceof Error ? err.message : String(err)}`);
}
