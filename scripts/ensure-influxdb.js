// The InfluxDB tests write into a real InfluxDB 1.x: Debian's `influxdb` package (binary
// `influxd`). `npm test` runs this first so that a fresh machine needs nothing installed by hand:
// when influxd (or $ECONETATMO_INFLUXD) is missing, install the package with apt-get, as root or
// through password-less sudo. The package's own service is not used: the tests start influxd
// themselves on 127.0.0.1, on a free port, in a temporary directory. Where installing is
// impossible it says so and the InfluxDB tests are skipped with that reason.
'use strict';
const fs = require('fs');
const { execFileSync, spawnSync } = require('child_process');

const influxd = process.env.ECONETATMO_INFLUXD || '/usr/bin/influxd';
if (process.env.ECONETATMO_SKIP_INFLUXDB === '1' || fs.existsSync(influxd)) process.exit(0);

function can(cmd, args) {
  return spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const prefix = isRoot ? [] : can('sudo', ['-n', 'true']) ? ['sudo', '-n'] : null;
if (prefix === null || !can('apt-get', ['--version'])) {
  console.warn(`[ensure-influxdb] ${influxd} is missing and cannot be installed here (needs apt-get as root or sudo).`);
  console.warn("[ensure-influxdb] Install Debian's influxdb, or set ECONETATMO_SKIP_INFLUXDB=1 to skip the InfluxDB tests.");
  process.exit(0);
}

function run(args) {
  const [cmd, ...rest] = [...prefix, ...args];
  // policy-rc.d is not ours to change: the package may start its service; the tests never use it.
  execFileSync(cmd, rest, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

console.log("[ensure-influxdb] installing Debian's influxdb for the export tests…");
try {
  run(['apt-get', 'update', '-qq']);
  run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', 'influxdb']);
  console.log(`[ensure-influxdb] ${fs.existsSync(influxd) ? 'installed' : 'installed, but ' + influxd + ' is still missing'}`);
} catch (err) {
  console.warn(`[ensure-influxdb] could not install influxdb: ${err instanceof Error ? err.message : String(err)}`);
}
