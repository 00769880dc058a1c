// The Netatmo client against the simulator over real HTTP on 127.0.0.1.
import should from 'should';
import path from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/simulator';
import { NetatmoAccount } from '../../src/netatmo/account';
import type { AccountOptions } from '../../src/netatmo/account-api';
import { recentWindow } from '../../src/netatmo/measure-plan';
import { TokenStore } from '../../src/netatmo/token-store';
import type { Clock } from '../../src/lib/clock';
import type { MeasureQuery } from '../../src/netatmo/types';
import type { Scale } from '../../src/contract/measure-types';
import { tempDir } from '../support/temp-dir';

const TYPES4 = ['sum_energy_elec', 'sum_energy_elec$0', 'sum_energy_elec$1', 'sum_energy_elec$2'];
const H = 3_600_000;
const D = 24 * H;
/** A fixed "now" shared by the simulator and the client, so ground truth and reads agree. */
const NOW = Date.UTC(2025, 2, 12, 10, 7);
const clock: Clock = { now: () => NOW, setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) };
const WIDE_LIMITS = [{ windowMs: 10_000, max: 1_000_000 }];
const SEED_REFRESH = 'seed-refresh|0001';

describe('Netatmo client against the simulator', function () {
  this.timeout(60_000);
  let sim: Simulator;
  let tmp: ReturnType<typeof tempDir>;
  const accounts: NetatmoAccount[] = [];

  async function simulator(extra: Partial<SimulatorOptions> = {}): Promise<Simulator> {
    sim = await startSimulator({ port: 0, now: () => NOW, refreshToken: SEED_REFRESH, rateLimits: WIDE_LIMITS, ...extra });
    return sim;
  }

  function account(extra: Partial<AccountOptions> = {}): NetatmoAccount {
    const a = new NetatmoAccount({
      apiUrl: sim.url,
      clientId: sim.clientId,
      clientSecret: sim.clientSecret,
      tokenDir: path.join(tmp.dir, 'tokens'),
      accountId: 'acc-1',
      initialTokens: { refreshToken: SEED_REFRESH },
      clock,
      rateLimits: WIDE_LIMITS,
      backoffBaseMs: 5,
      timeoutMs: 5000,
      ...extra,
    });
    accounts.push(a);
    return a;
  }

  function query(moduleId: string, scale: Scale, dateBegin: number, dateEnd?: number): MeasureQuery {
    // The home's zone, as the measure node gives it: days and months are Paris ones.
    const timeZone = sim.lines().find((l) => l.moduleId === moduleId)?.timezone;
    return { deviceId: moduleId.split('#')[0], moduleId, types: TYPES4, scale, dateBegin, dateEnd, timeZone };
  }

  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(async () => {
    await Promise.all(accounts.splice(0).map((a) => a.close()));
    await sim?.close();
    tmp.cleanup();
  });

  it('discovers exactly the nine lines of the ecocounter', async () => {
    await simulator();
    const a = account();
    await a.start();
    const lines = await a.getLines();
    const truth = sim.lines();
    should(truth).length(9);
    should(
      lines.map(({ homeId, homeName, timezone, deviceId, moduleId, index, name }) => ({ homeId, homeName, timezone, deviceId, moduleId, index, name })),
    ).eql(truth);
    should(lines.map((l) => l.timezone)).eql(Array(9).fill('Europe/Paris'));
    should(lines.map((l) => l.role)).eql(['circuit', 'circuit', 'circuit', 'circuit', 'circuit', 'total', 'gas', 'hot_water', 'cold_water']);
  });

  it('makes exactly one token request for 100 concurrent reads with an expired token', async () => {
    await simulator();
    const a = account({ initialTokens: { refreshToken: SEED_REFRESH, accessToken: 'long-dead', expiresAt: NOW - H } });
    const states: string[] = [];
    a.on('state', (s) => states.push(s.status));
    await a.start();
    const line = sim.lines()[5].moduleId;
    const { dateBegin } = recentWindow('30min', NOW);
    const reads = await Promise.all(Array.from({ length: 100 }, () => a.readMeasures(query(line, '30min', dateBegin))));
    should(sim.stats().refreshGrants).equal(1);
    should(reads.every((r) => JSON.stringify(r) === JSON.stringify(reads[0]))).be.true();
    should(a.state()).eql({ status: 'connected', validUntil: NOW + 10_800_000 });

    // The cloud kills the token early: 100 refused calls, still one refresh.
    sim.expireAccessTokens();
    await Promise.all(Array.from({ length: 100 }, () => a.readMeasures(query(line, '30min', dateBegin))));
    should(sim.stats().refreshGrants).equal(2);
    should(sim.stats().invalidGrant).equal(0);
  });

  it('after a rotation refuses the old refresh token, and an account rebuilt from the disk carries on', async () => {
    await simulator();
    const first = account({ initialTokens: { refreshToken: SEED_REFRESH } });
    const rotated: string[] = [];
    first.on('tokens', (pair) => rotated.push(pair.refreshToken));
    await first.getLines(); // no access token: refreshes at once
    should(rotated).length(1);
    const file = path.join(tmp.dir, 'tokens', 'acc-1.json');
    should(existsSync(file)).be.true();
    should(JSON.parse(readFileSync(file, 'utf8')).refreshToken).equal(rotated[0]);
    await first.close();

    // Another account that only knows the old refresh token: Netatmo says invalid_grant.
    const stale = account({ tokenDir: path.join(tmp.dir, 'elsewhere') });
    await should(stale.getLines()).be.rejectedWith({ kind: 'reauth', message: 'Netatmo refused the refresh token: authorise again' });
    should(stale.state().status).equal('reauth');
    should(sim.stats().invalidGrant).equal(1);

    // The node restarts with the same (old) credentials: the newer pair on disk wins.
    const rebuilt = account({ initialTokens: { refreshToken: SEED_REFRESH } });
    await rebuilt.start();
    should(rebuilt.state().status).equal('connected');
    should(await rebuilt.getLines()).length(9);
    should(sim.stats().invalidGrant).equal(1);
  });

  it('never lets a rotated-away refresh token win over the disk, however new it claims to be', async () => {
    await simulator();
    const first = account({ initialTokens: { refreshToken: SEED_REFRESH } });
    await first.getLines(); // rotates SEED_REFRESH away
    await first.close();
    const file = path.join(tmp.dir, 'tokens', 'acc-1.json');
    const onDisk = (JSON.parse(readFileSync(file, 'utf8')) as { refreshToken: string }).refreshToken;
    // The node restarts with its old credentials marked as entered just now (the hint that tells
    // an old token from a pasted one was lost): the token file itself knows it was rotated away.
    const rebuilt = account({ initialTokens: { refreshToken: SEED_REFRESH } });
    await rebuilt.start();
    should(await rebuilt.getLines()).length(9);
    should(sim.stats().invalidGrant).equal(0);
    should((JSON.parse(readFileSync(file, 'utf8')) as { refreshToken: string }).refreshToken).equal(onDisk);
    should(readFileSync(file, 'utf8')).not.containEql(SEED_REFRESH); // remembered as a hash only
  });

  it('lets a refresh token entered since win over the disk only once Netatmo accepts it, and pasted tokens end a reauth', async () => {
    await simulator();
    const first = account();
    await first.getLines(); // rotates: the disk now holds a pair issued at NOW
    await first.close();
    const entered = sim.issueTokens();
    const next = account({ initialTokens: { accessToken: entered.accessToken, refreshToken: entered.refreshToken } });
    const announced: string[] = [];
    next.on('tokens', (pair) => announced.push(pair.refreshToken));
    await next.start();
    should(sim.stats().refreshGrants).equal(2); // the entered refresh token was proven by a refresh
    should(announced).length(1);
    should(await next.getLines()).length(9);
    should(JSON.parse(readFileSync(path.join(tmp.dir, 'tokens', 'acc-1.json'), 'utf8')).refreshToken).equal(announced[0]);

    const lost = account({ tokenDir: path.join(tmp.dir, 'lost'), initialTokens: { refreshToken: 'never-issued' } });
    await lost.start();
    should(lost.state().status).equal('reauth'); // refused at start: never called connected
    await should(lost.getLines()).be.rejectedWith({ kind: 'reauth' });
    const pasted = sim.issueTokens();
    await lost.setTokens({ refreshToken: pasted.refreshToken });
    should(lost.state().status).equal('connected');
    should(await lost.getLines()).length(9);
  });

  it('never throws a working pair away for tokens Netatmo refuses (pasted or in the credentials)', async () => {
    await simulator();
    const first = account();
    await first.getLines();
    const file = path.join(tmp.dir, 'tokens', 'acc-1.json');
    const working = (JSON.parse(readFileSync(file, 'utf8')) as { refreshToken: string }).refreshToken;
    // "Use these tokens now" with garbage: refused, nothing replaced, still connected.
    await should(first.setTokens({ accessToken: 'garbage-access', refreshToken: 'garbage-refresh' })).be.rejectedWith({ kind: 'reauth' });
    should(first.state().status).equal('connected');
    should((JSON.parse(readFileSync(file, 'utf8')) as { refreshToken: string }).refreshToken).equal(working);
    should(await first.getLines()).length(9);
    await first.close();

    // Garbage deployed in the credentials: refused once, the disk's pair kept, not asked again.
    const refusals: string[] = [];
    const next = account({ initialTokens: { refreshToken: 'garbage-deployed' } });
    next.on('enteredRefused', (err) => refusals.push(err.kind));
    await next.start();
    should(refusals).eql(['reauth']);
    should(next.state().status).equal('connected');
    should(await next.getLines()).length(9);
    await next.close();
    const invalid = sim.stats().invalidGrant;
    const again = account({ initialTokens: { refreshToken: 'garbage-deployed' } });
    await again.start();
    should(sim.stats().invalidGrant).equal(invalid);
    should(again.state().status).equal('connected');
    should(readFileSync(file, 'utf8')).not.containEql('garbage');
  });

  it('reads every bucket through a faulty cloud (20% errors: 5xx, code 11, malformed, HTML)', async () => {
    await simulator({ faults: { error5xxRate: 0.05, code11Rate: 0.05, malformedJsonRate: 0.05, htmlRate: 0.05 } });
    const a = account({ maxRetries: 12 });
    const lines = sim.lines().filter((l) => l.index <= 5);
    const cases: Array<[string, Scale, number]> = [
      [lines[0].moduleId, '30min', NOW - 45 * D], // 3 pages
      [lines[5].moduleId, '1hour', NOW - 50 * D], // 2 pages
      [lines[2].moduleId, '1day', NOW - 200 * D], // across the autumn clock change: a 25-hour day
      [lines[3].moduleId, '1month', NOW - 300 * D],
    ];
    const progress: string[] = [];
    for (const [moduleId, scale, from] of cases) {
      const buckets = await a.readMeasures(query(moduleId, scale, from), { onProgress: (p) => progress.push(`${scale}:${p.done}/${p.total}`) });
      const truth = sim.buckets({ moduleId, types: TYPES4, scale, from, to: NOW });
      should(truth.length).be.above(3);
      should(buckets.map(({ start, end, values }) => ({ start, end, values }))).eql(truth);
      for (const b of buckets) {
        const tariffs = [b.values['sum_energy_elec$0'], b.values['sum_energy_elec$1'], b.values['sum_energy_elec$2']].filter((v): v is number => v !== null);
        const expected = b.values.sum_energy_elec ?? (tariffs.length ? tariffs.reduce((x, y) => x + y, 0) : null);
        should(b.total).equal(expected);
      }
    }
    should(progress).containEql('30min:3/3');
    should(progress).containEql('1hour:2/2');
    should(sim.stats().faultsInjected).be.above(0);
  });

  it('refuses a bad query before any request', async () => {
    await simulator();
    const a = account();
    await a.start();
    sim.resetStats();
    await should(a.readMeasures({ ...query(sim.lines()[0].moduleId, '30min', NOW - H), types: ['nope'] })).be.rejectedWith({ kind: 'bad_input' });
    should(sim.stats().requests).eql({});
  });

  it('aborts a read in flight when the account closes', async () => {
    await simulator({ faults: { timeoutRate: 1 } });
    await new TokenStore(path.join(tmp.dir, 'tokens')).save('acc-1', { refreshToken: SEED_REFRESH, accessToken: 'x', expiresAt: NOW + H, issuedAt: NOW });
    const a = account({ initialTokens: undefined });
    await a.start();
    const read = a.readMeasures(query(sim.lines()[0].moduleId, '30min', NOW - H));
    setTimeout(() => void a.close(), 100);
    await should(read).be.rejectedWith({ kind: 'aborted' });
  });
});
