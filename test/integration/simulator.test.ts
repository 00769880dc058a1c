// The stand-in Netatmo cloud, driven over real HTTP on 127.0.0.1 like a client would.
// Over 300 lines: the simulator's specification over the wire, one describe per endpoint (OAuth,
// bearer, homesdata, getmeasure, limits) over one HTTP helper.
import should from 'should';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/simulator';
import { HOSTILE_LINE_NAMES } from '../support/hostile-lines';
import { apiGet, bodyOf, call, decodeSeries, errorCode, type Answer, type SeriesJson } from '../support/sim-http';

const TYPES4 = ['sum_energy_elec', 'sum_energy_elec$0', 'sum_energy_elec$1', 'sum_energy_elec$2'];
const HALF_HOUR = 1_800_000;
const DAY = 86_400_000;
const NO_LIMITS = [{ windowMs: 10_000, max: 1_000_000 }];
/** A fixed "now" (2025-03-12T10:07:00Z) so that tests see the same household every run. */
const T0 = Date.UTC(2025, 2, 12, 10, 7);

function form(fields: Record<string, string>): RequestInit {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  };
}

const api = apiGet;

/** A POST to the token endpoint as the simulator's client; `fields` add to (or replace) its credentials. */
function tokenGrant(sim: Simulator, grantType: string, fields: Record<string, string>): Promise<Answer> {
  return call(sim, '/oauth2/token', form({ grant_type: grantType, client_id: sim.clientId, client_secret: sim.clientSecret, ...fields }));
}

function refreshGrant(sim: Simulator, refreshToken: string): Promise<Answer> {
  return tokenGrant(sim, 'refresh_token', { refresh_token: refreshToken });
}

/** The consent page's answer, as its form posts it for the simulator's client. */
function decision(sim: Simulator, fields: Record<string, string>): Promise<Answer> {
  return call(sim, '/oauth2/authorize/decision', form({ client_id: sim.clientId, ...fields }));
}

describe('simulator (stand-in Netatmo cloud)', function () {
  this.timeout(20_000);
  const running: Simulator[] = [];
  let clock = T0;

  async function start(opts: SimulatorOptions = {}): Promise<Simulator> {
    const sim = await startSimulator({ now: () => clock, rateLimits: NO_LIMITS, lineNames: HOSTILE_LINE_NAMES, ...opts });
    running.push(sim);
    return sim;
  }

  beforeEach(() => {
    clock = T0;
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((s) => s.close()));
  });

  function measure(sim: Simulator, token: string, moduleId: string, params: Record<string, string | number>): Promise<Answer> {
    const line = sim.lines().find((l) => l.moduleId === moduleId);
    if (!line) throw new Error(`no line ${moduleId}`);
    return api(sim, token, '/api/getmeasure', { device_id: line.deviceId, module_id: moduleId, ...params });
  }

  /** The rows of a getmeasure answer (which must be a 200), keyed by bucket start. */
  async function series(sim: Simulator, token: string, moduleId: string, params: Record<string, string | number>): Promise<Map<number, (number | null)[]>> {
    return decodeSeries(bodyOf(await measure(sim, token, moduleId, params)));
  }

  describe('OAuth', () => {
    it('rotates tokens on refresh and rejects a reused refresh token with invalid_grant', async () => {
      const sim = await start({ refreshToken: 'seeded|refresh' });
      const refresh = (token: string): Promise<Answer> => refreshGrant(sim, token);
      const first = await refresh('seeded|refresh');
      should(first.status).equal(200);
      const a = first.json as Record<string, unknown>;
      should(a.access_token).match(/^[0-9a-f]{24}\|[0-9a-f]{32}$/);
      should(a.refresh_token).match(/^[0-9a-f]{24}\|[0-9a-f]{32}$/);
      should(a.expires_in).equal(10800);
      should(a.expire_in).equal(10800);
      should(a.scope).eql(['read_magellan']);
      should((await api(sim, a.access_token as string, '/api/homesdata')).status).equal(200);

      const second = await refresh(a.refresh_token as string);
      should(second.status).equal(200);
      const b = second.json as Record<string, unknown>;
      should(b.refresh_token).not.equal(a.refresh_token);
      should(b.access_token).not.equal(a.access_token);
      // The old pair is dead: access token invalid, refresh token reused.
      should(errorCode(await api(sim, a.access_token as string, '/api/homesdata'))).equal(2);
      const reused = await refresh(a.refresh_token as string);
      should(reused.status).equal(400);
      should(reused.json).eql({ error: 'invalid_grant' });
      should((await refresh('seeded|refresh')).json).eql({ error: 'invalid_grant' });
      should((await api(sim, b.access_token as string, '/api/homesdata')).status).equal(200);

      const wrongClient = await tokenGrant(sim, 'refresh_token', { client_secret: 'nope', refresh_token: b.refresh_token as string });
      should(wrongClient.status).equal(400);
      should(wrongClient.json).eql({ error: 'invalid_client' });
      const badGrant = await call(sim, '/oauth2/token', form({ grant_type: 'password', client_id: sim.clientId }));
      should(badGrant.json).eql({ error: 'unsupported_grant_type' });
      const s = sim.stats();
      should(s.refreshGrants).equal(2);
      should(s.invalidGrant).equal(2);
      should(s.requests['/oauth2/token']['400']).equal(4);
    });

    it('shows an escaped consent page whose approve and deny redirect with code or error and state', async () => {
      const sim = await start();
      const redirect = 'http://127.0.0.1:1880/econetatmo/callback';
      const state = '<script>alert("x")</script>';
      const q = new URLSearchParams({ client_id: sim.clientId, redirect_uri: redirect, scope: 'read_magellan', state });
      const page = await call(sim, `/oauth2/authorize?${q}`);
      should(page.status).equal(200);
      should(page.headers.get('content-type')).match(/text\/html/);
      should(page.text).containEql('read_magellan');
      should(page.text).containEql('id="approve"');
      should(page.text).containEql('id="deny"');
      should(page.text).not.containEql('<script>alert');
      should(page.text).containEql('&#60;script&#62;');
      should((await call(sim, `/oauth2/authorize?client_id=other&redirect_uri=${encodeURIComponent(redirect)}`)).status).equal(400);
      should((await call(sim, `/oauth2/authorize?client_id=${sim.clientId}`)).status).equal(400);

      const decide = (choice: string): Promise<Answer> => decision(sim, { redirect_uri: redirect, scope: 'read_magellan', state, decision: choice });
      const denied = await decide('deny');
      should(denied.status).equal(302);
      const deniedAt = new URL(denied.headers.get('location') as string);
      should(deniedAt.origin + deniedAt.pathname).equal(redirect);
      should(deniedAt.searchParams.get('error')).equal('access_denied');
      should(deniedAt.searchParams.get('state')).equal(state);

      const approved = await decide('approve');
      should(approved.status).equal(302);
      const back = new URL(approved.headers.get('location') as string);
      should(back.searchParams.get('state')).equal(state);
      const code = back.searchParams.get('code') as string;
      should(code).be.a.String().and.not.be.empty();

      const exchange = (redirectUri: string): Promise<Answer> =>
        tokenGrant(sim, 'authorization_code', { code, redirect_uri: redirectUri, scope: 'read_magellan' });
      const ok = await exchange(redirect);
      should(ok.status).equal(200, ok.text);
      const token = (ok.json as { access_token: string }).access_token;
      should((await api(sim, token, '/api/homesdata')).status).equal(200);
      should((await exchange(redirect)).json).eql({ error: 'invalid_grant' }); // single use
      should(sim.stats().codeGrants).equal(1);
    });

    it('binds a code to its redirect_uri and lets it expire after 10 minutes', async () => {
      const sim = await start();
      const getCode = async (): Promise<string> => {
        const a = await decision(sim, { redirect_uri: 'http://localhost/cb', state: 's', decision: 'approve' });
        return new URL(a.headers.get('location') as string).searchParams.get('code') as string;
      };
      const exchange = (code: string, redirectUri: string): Promise<Answer> => tokenGrant(sim, 'authorization_code', { code, redirect_uri: redirectUri });
      should((await exchange(await getCode(), 'http://localhost/other')).json).eql({ error: 'invalid_grant' });
      const late = await getCode();
      clock += 11 * 60_000;
      should((await exchange(late, 'http://localhost/cb')).json).eql({ error: 'invalid_grant' });
    });
  });

  describe('bearer checks', () => {
    it('answers 403 with code 1 (missing), 2 (unknown) and 3 (expired)', async () => {
      const sim = await start({ accessTokenRealLifetimeSec: 600 });
      const missing = await call(sim, '/api/homesdata');
      should(missing.status).equal(403);
      should(errorCode(missing)).equal(1);
      const unknown = await api(sim, 'ffffffffffffffffffffffff|00000000000000000000000000000000', '/api/homesdata');
      should(unknown.status).equal(403);
      should(errorCode(unknown)).equal(2);

      const t = sim.issueTokens();
      should(t.expiresIn).equal(10800);
      should((await call(sim, `/api/homesdata?access_token=${encodeURIComponent(t.accessToken)}`)).status).equal(200);
      should((await call(sim, '/api/homesdata', form({ access_token: t.accessToken }))).status).equal(200);
      clock += 601_000; // dies early, though expires_in announced 3 h
      const expired = await api(sim, t.accessToken, '/api/homesdata');
      should(expired.status).equal(403);
      should(errorCode(expired)).equal(3);

      const u = sim.issueTokens();
      should((await api(sim, u.accessToken, '/api/homesdata')).status).equal(200);
      sim.expireAccessTokens();
      should(errorCode(await api(sim, u.accessToken, '/api/homesdata'))).equal(3);
    });
  });

  describe('homesdata', () => {
    it('serves exactly nine NLE lines with a bridge, and a double switch that is not NLE', async () => {
      const sim = await start();
      const body = bodyOf(await api(sim, sim.issueTokens().accessToken, '/api/homesdata')) as {
        homes: Array<{
          id: string;
          name: string;
          timezone: string;
          rooms: Array<{ type: string; module_ids: string[] }>;
          modules: Array<{ id: string; type: string; name: string; bridge?: string; modules_bridged?: string[] }>;
        }>;
      };
      should(body.homes.length).equal(2);
      const modules = body.homes.flatMap((h) => h.modules);
      const lines = modules.filter((m) => m.type === 'NLE' && m.bridge !== undefined);
      should(lines.length).equal(9);
      const eco = modules.find((m) => m.type === 'NLE' && m.bridge === undefined);
      should.exist(eco);
      should(eco?.modules_bridged).eql(lines.map((l) => l.id));
      lines.forEach((l, i) => {
        should(l.id).equal(`${eco?.id}#${i}`);
        should(l.bridge).equal(eco?.id);
      });
      should(lines[4].name).equal('<img src=x onerror=alert(1)>');
      should(lines.map((l) => l.id)).eql(sim.lines().map((l) => l.moduleId));
      const switches = body.homes[0].modules.filter((m) => /#[12]$/.test(m.id) && m.type === 'NLIS');
      should(switches.length).equal(2);
      switches.forEach((m) => should(m.bridge).be.a.String());
      const cabinet = body.homes[0].rooms.find((r) => r.type === 'electrical_cabinet');
      should(cabinet?.module_ids).containEql(lines[0].id);
      should(body.homes[0].timezone).equal('Europe/Paris');
      should(body.homes[1].timezone).equal('Asia/Tokyo');

      const one = bodyOf(await api(sim, sim.issueTokens().accessToken, '/api/homesdata', { home_id: body.homes[1].id })) as {
        homes: unknown[];
      };
      should(one.homes.length).equal(1);
    });
  });

  describe('getmeasure', () => {
    it('gives at most 1024 rows with one column per type, and validates its arguments', async () => {
      const sim = await start();
      const token = sim.issueTokens().accessToken;
      const line = sim.lines()[5];
      const begin = Math.floor((T0 - 60 * DAY) / HALF_HOUR) * (HALF_HOUR / 1000);
      const rows = await series(sim, token, line.moduleId, { scale: '30min', type: TYPES4.join(','), date_begin: begin, date_end: 'last' });
      should(rows.size).be.above(900).and.not.above(1024);
      const starts = [...rows.keys()];
      should(Math.min(...starts)).equal(begin * 1000);
      for (const row of rows.values()) {
        should(row.length).equal(4);
        should(row[0]).be.null();
        should(row[1]).be.null();
        should((row[2] === null) !== (row[3] === null)).be.true(); // a 30-min bucket is all peak or all off-peak
        const wh = (row[2] ?? row[3]) as number;
        should(wh).be.within(10 * 5, 1500 * 5);
      }
      should(rows.size <= 1024).be.true();
      const limited = await series(sim, token, line.moduleId, { scale: '30min', type: 'sum_energy_elec$1', date_begin: begin, date_end: 'last', limit: 10 });
      should(limited.size).equal(10);

      const err = async (params: Record<string, string | number>, status: number, code: number): Promise<void> => {
        const a = await measure(sim, token, line.moduleId, params);
        should(a.status).equal(status, a.text);
        should(errorCode(a)).equal(code);
      };
      await err({ scale: '2hours', type: 'sum_energy_elec', date_begin: begin }, 400, 21);
      await err({ scale: '30min', type: 'sum_energy_elec,bogus', date_begin: begin }, 400, 21);
      await err({ type: 'sum_energy_elec', date_begin: begin }, 400, 10);
      await err({ scale: '1day', type: 'sum_energy_elec', date_begin: begin, date_end: begin - 10 }, 400, 25);
      const wrong = await api(sim, token, '/api/getmeasure', {
        device_id: '00:00:00:00:00:00',
        module_id: line.moduleId,
        scale: '1day',
        type: 'sum_energy_elec',
      });
      should(errorCode(wrong)).equal(9);
      const gas = bodyOf(await measure(sim, token, sim.lines()[6].moduleId, { scale: '1day', type: TYPES4.join(','), date_begin: begin }));
      should(gas).eql([]);
    });

    it('answers the same buckets with optimize=false, keyed by the middle (or start with real_time)', async () => {
      const sim = await start();
      const token = sim.issueTokens().accessToken;
      const line = sim.lines()[2];
      const begin = (T0 - 30 * DAY - ((T0 - 30 * DAY) % HALF_HOUR)) / 1000;
      for (const scale of ['30min', '3hours', '1day']) {
        const params = { scale, type: [...TYPES4, 'sum_energy_price$1', 'sum_energy_price$2'].join(','), date_begin: begin, date_end: 'last' };
        const rows = await series(sim, token, line.moduleId, params);
        const keyed = bodyOf(await measure(sim, token, line.moduleId, { ...params, optimize: 'false' })) as Record<string, (number | null)[]>;
        const step = { '30min': 1800, '3hours': 10800, '1day': 86400 }[scale] as number;
        const fromKeyed = new Map(Object.entries(keyed).map(([k, v]) => [(Number(k) - step / 2) * 1000, v]));
        should(fromKeyed.size).be.above(0);
        should([...fromKeyed.entries()]).eql([...rows.entries()]);
        const realTime = bodyOf(await measure(sim, token, line.moduleId, { ...params, optimize: 'false', real_time: 'true' })) as Record<string, unknown>;
        should(Object.keys(realTime).map((k) => Number(k) * 1000)).eql([...rows.keys()]);
      }
    });

    it('makes the total line the sum of the five circuits, and coarse buckets the sum of their 30-min parts', async () => {
      const sim = await start();
      const token = sim.issueTokens().accessToken;
      const lines = sim.lines();
      const begin = Math.floor((T0 - 10 * DAY) / DAY) * 86400;
      const types = ['sum_energy_elec$1', 'sum_energy_elec$2', 'sum_energy_price$1', 'sum_energy_price$2'];
      const read = async (index: number, scale: string): Promise<Map<number, (number | null)[]>> =>
        series(sim, token, lines[index].moduleId, { scale, type: types.join(','), date_begin: begin, date_end: 'last' });
      const total = await read(5, '30min');
      const circuits = await Promise.all([0, 1, 2, 3, 4].map((i) => read(i, '30min')));
      should(total.size).be.above(400);
      for (const [start, row] of total) {
        for (const col of [0, 1]) {
          const parts = circuits.map((c) => (c.get(start) as (number | null)[])[col]);
          const sum = parts.every((v) => v === null) ? null : parts.reduce<number>((s, v) => s + (v ?? 0), 0);
          should(row[col]).equal(sum);
        }
      }
      const days = await read(5, '1day');
      for (const [dayStart, row] of days) {
        // Days are Paris days (from 23:00 UTC in winter): the first one began before the 30-min read.
        if (dayStart < begin * 1000) continue;
        const sums = [0, 1, 2, 3].map((col) => {
          const parts: (number | null)[] = [];
          for (let t = dayStart; t < dayStart + DAY; t += HALF_HOUR) if (total.has(t)) parts.push((total.get(t) as (number | null)[])[col]);
          return parts.every((v) => v === null) ? null : parts.reduce<number>((s, v) => s + (v ?? 0), 0);
        });
        should(row[0]).equal(sums[0]);
        should(row[1]).equal(sums[1]);
        should(row[2] as number).be.approximately(sums[2] as number, 1e-6);
        should(row[3] as number).be.approximately(sums[3] as number, 1e-6);
        should(row[2] as number).be.approximately((row[0] as number) * 0.00027, 0.01);
      }
      const months = bodyOf(await measure(sim, token, lines[5].moduleId, { scale: '1month', type: types.join(','), date_begin: 0 })) as SeriesJson[];
      should(months.length).be.within(13, 15);
      months.forEach((m) => should(m.value.length).equal(1));
    });

    it('hides recent buckets until their upload, then shows them', async () => {
      const sim = await start({ uploadEveryMin: 180, uploadJitterMin: 25, revisionRate: 0 });
      const line = sim.lines()[0];
      const bucketStart = Math.floor(T0 / HALF_HOUR) * HALF_HOUR - HALF_HOUR; // the last complete bucket at T0
      const at = sim.availableAt(line.moduleId, bucketStart);
      should(at).be.aboveOrEqual(bucketStart + HALF_HOUR);
      should(at).be.below(bucketStart + HALF_HOUR + (180 + 25) * 60_000);
      const ask = (): Promise<Map<number, (number | null)[]>> =>
        series(sim, sim.issueTokens().accessToken, line.moduleId, {
          scale: '30min',
          type: 'sum_energy_elec$1,sum_energy_elec$2',
          date_begin: bucketStart / 1000,
          date_end: bucketStart / 1000 + 1800,
        });
      clock = at - 1;
      should((await ask()).has(bucketStart)).be.false();
      should(sim.buckets({ moduleId: line.moduleId, types: ['sum_energy_elec$1'], scale: '30min', from: bucketStart, to: bucketStart + HALF_HOUR })).be.empty();
      clock = at;
      const shown = await ask();
      should(shown.has(bucketStart)).be.true();
      const truth = sim.buckets(
        { moduleId: line.moduleId, types: ['sum_energy_elec$1', 'sum_energy_elec$2'], scale: '30min', from: bucketStart, to: bucketStart + HALF_HOUR },
        { final: true },
      );
      should([truth[0].values['sum_energy_elec$1'], truth[0].values['sum_energy_elec$2']]).eql(shown.get(bucketStart));
    });

    it('first serves some buckets with a preliminary value and corrects them at the next upload', async () => {
      const sim = await start({ revisionRate: 0.3 });
      const line = sim.lines()[5];
      const types = ['sum_energy_elec$1', 'sum_energy_elec$2'];
      // Find a bucket of the last day whose value at its first appearance differs from its final one.
      let found: { start: number; at: number } | undefined;
      for (let s = Math.floor(T0 / HALF_HOUR) * HALF_HOUR - DAY; s < T0 - HALF_HOUR && !found; s += HALF_HOUR) {
        const at = sim.availableAt(line.moduleId, s);
        clock = at;
        const first = sim.buckets({ moduleId: line.moduleId, types, scale: '30min', from: s, to: s + HALF_HOUR });
        const final = sim.buckets({ moduleId: line.moduleId, types, scale: '30min', from: s, to: s + HALF_HOUR }, { final: true });
        if (first.length === 1 && JSON.stringify(first[0].values) !== JSON.stringify(final[0].values)) found = { start: s, at };
      }
      if (!found) throw new Error('no revised bucket in a day at revisionRate 0.3');
      const { start: bucketStart, at } = found;
      clock = at;
      const ask = async (): Promise<(number | null)[] | undefined> =>
        (
          await series(sim, sim.issueTokens().accessToken, line.moduleId, {
            scale: '30min',
            type: types.join(','),
            date_begin: bucketStart / 1000,
            date_end: bucketStart / 1000 + 1800,
          })
        ).get(bucketStart);
      const preliminary = await ask();
      const final = sim.buckets({ moduleId: line.moduleId, types, scale: '30min', from: bucketStart, to: bucketStart + HALF_HOUR }, { final: true })[0];
      const finalRow = types.map((t) => final.values[t]);
      should(preliminary).not.eql(finalRow);
      const preliminaryWh = (preliminary?.[0] ?? preliminary?.[1]) as number;
      should(preliminaryWh).be.below((finalRow[0] ?? finalRow[1]) as number);
      clock = at + 6 * 3_600_000; // a later upload has happened
      should(await ask()).eql(finalRow);
    });

    it('keeps less history at the scales configured so, and none before historyDays', async () => {
      const sim = await start({ historyDays: 30, maxHistoryDaysByScale: { '30min': 5 } });
      const token = sim.issueTokens().accessToken;
      const line = sim.lines()[1];
      const ask = async (scale: string): Promise<number> =>
        Math.min(
          ...(
            await series(sim, token, line.moduleId, {
              scale,
              type: 'sum_energy_elec$1,sum_energy_elec$2',
              date_begin: Math.floor((T0 - 60 * DAY) / DAY) * 86400,
            })
          ).keys(),
        );
      should(await ask('30min')).be.aboveOrEqual(T0 - 5 * DAY);
      const firstDay = await ask('1day');
      should(firstDay).be.below(T0 - 28 * DAY);
      should(firstDay).be.aboveOrEqual(T0 - 31 * DAY);
    });
  });

  describe('limits and faults', () => {
    it('answers 429 with code 26 past 50 requests in 10 s', async () => {
      const sim = await start({
        rateLimits: [
          { windowMs: 10_000, max: 50 },
          { windowMs: 3_600_000, max: 500 },
        ],
      });
      const token = sim.issueTokens().accessToken;
      const answers = await Promise.all(Array.from({ length: 60 }, () => api(sim, token, '/api/homesdata')));
      const limited = answers.filter((a) => a.status === 429);
      should(answers.filter((a) => a.status === 200).length).equal(50);
      should(limited.length).equal(10);
      limited.forEach((a) => should(errorCode(a)).equal(26));
      should(limited[0].headers.get('retry-after')).be.null();
      should(sim.stats().rateLimited).equal(10);
      clock += 10_001; // the window slides
      should((await api(sim, token, '/api/homesdata')).status).equal(200);
      const stats = (await call(sim, '/__sim/stats')).json as { requests: Record<string, Record<string, number>>; rateLimited: number };
      should(stats.requests['/api/homesdata']).eql({ 200: 51, 429: 10 });
      should(stats.rateLimited).equal(10);
    });

    it('can send Retry-After with code 26, counting from the oldest request of the full window', async () => {
      const sim = await start({ retryAfterHeader: true, rateLimits: [{ windowMs: 10_000, max: 3 }] });
      const token = sim.issueTokens().accessToken;
      for (let i = 0; i < 3; i++) should((await api(sim, token, '/api/homesdata')).status).equal(200);
      clock += 4_000;
      const refused = await api(sim, token, '/api/homesdata');
      should(refused.status).equal(429);
      should(refused.headers.get('retry-after')).equal('6');
      clock += 6_000;
      should((await api(sim, token, '/api/homesdata')).status).equal(200);
    });

    it('injects faults at the configured rate, deterministically, and can switch them off live', async () => {
      const run = async (): Promise<number[]> => {
        const sim = await start({ faults: { error5xxRate: 0.1, code11Rate: 0.05, htmlRate: 0.03, malformedJsonRate: 0.02 } });
        const token = sim.issueTokens().accessToken;
        const statuses: number[] = [];
        let malformed = 0;
        for (let i = 0; i < 200; i++) {
          const a = await api(sim, token, '/api/homesdata');
          statuses.push(a.status);
          if (a.status === 200 && a.json === undefined) malformed++;
          if (a.status === 502) should(a.text).match(/<html>/);
        }
        const bad = statuses.filter((s) => s !== 200).length + malformed;
        should(bad).be.within(20, 60); // 20 % of 200
        should(sim.stats().faultsInjected).equal(bad);
        should(sim.stats().code11).equal(statuses.filter((s) => s === 429).length);
        sim.setFaults({ error5xxRate: 0, code11Rate: 0, htmlRate: 0, malformedJsonRate: 0 });
        for (let i = 0; i < 20; i++) should((await api(sim, token, '/api/homesdata')).status).equal(200);
        return statuses;
      };
      should(await run()).eql(await run());
    });

    it('holds a request on a timeout fault and delays on a slow one, and leaves the token endpoint alone unless asked', async () => {
      const sim = await start({ refreshToken: 'r|1', faults: { timeoutRate: 1 } });
      const token = sim.issueTokens().accessToken;
      const held = fetch(`${sim.url}/api/homesdata`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(300) });
      await should(held).be.rejected();
      const refreshed = await refreshGrant(sim, 'r|1');
      should(refreshed.status).equal(200);
      sim.setFaults({ timeoutRate: 0, slowRate: 1, slowMs: 50 });
      should((await api(sim, token, '/api/homesdata')).status).equal(200);
      sim.setFaults({ slowRate: 0, error5xxRate: 1, faultsOnToken: true });
      const failed = await refreshGrant(sim, (refreshed.json as { refresh_token: string }).refresh_token);
      should(failed.status).be.within(500, 599);
      sim.setFaults({ error5xxRate: 0 });
      // The fault struck before rotation: the refresh token is still good.
      const again = await refreshGrant(sim, (refreshed.json as { refresh_token: string }).refresh_token);
      should(again.status).equal(200);
      should(sim.stats().requests['/api/homesdata'].timeout).equal(1);
    });
  });
});
