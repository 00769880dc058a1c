// The simulator's local calendar over real HTTP: day, week and month buckets of the home's zone
// around both clock changes of Paris and a month end, stamped at their middle (or start with
// real_time), each the sum of its 30-minute buckets; off-peak hours on the home's clock; another
// zone for another home.
import should from 'should';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/simulator';

const H = 3_600_000;
const HALF_HOUR = H / 2;
const NOW = Date.UTC(2026, 10, 20, 10, 7); // 20 November 2026: history covers both 2026 changes
const NO_LIMITS = [{ windowMs: 10_000, max: 1_000_000 }];
const TYPES = ['sum_energy_elec$1', 'sum_energy_elec$2'];
const utc = (y: number, m: number, d: number, h = 0, min = 0): number => Date.UTC(y, m - 1, d, h, min);

type Rows = Array<{ stamp: number; values: Array<number | null> }>;

describe("simulator: the home's local calendar", function () {
  this.timeout(30_000);
  const running: Simulator[] = [];

  async function start(opts: SimulatorOptions = {}): Promise<{ sim: Simulator; token: string; moduleId: string }> {
    const sim = await startSimulator({ now: () => NOW, rateLimits: NO_LIMITS, revisionRate: 0, ...opts });
    running.push(sim);
    return { sim, token: sim.issueTokens().accessToken, moduleId: sim.lines()[5].moduleId };
  }

  after(async () => {
    await Promise.all(running.map((s) => s.close()));
  });

  async function get(sim: Simulator, token: string, params: Record<string, string | number>): Promise<unknown> {
    const qs = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString();
    const res = await fetch(`${sim.url}/api/getmeasure?${qs}`, { headers: { authorization: `Bearer ${token}` } });
    should(res.status).equal(200);
    return ((await res.json()) as { body: unknown }).body;
  }

  /** Rows of an answer, by stamp (ms), from either shape. */
  async function rows(
    sim: Simulator,
    token: string,
    moduleId: string,
    scale: string,
    from: number,
    to: number,
    extra: Record<string, string> = {},
  ): Promise<Rows> {
    const deviceId = moduleId.split('#')[0];
    const body = await get(sim, token, {
      device_id: deviceId,
      module_id: moduleId,
      scale,
      type: TYPES.join(','),
      date_begin: from / 1000,
      date_end: to / 1000,
      ...extra,
    });
    if (Array.isArray(body)) {
      return (body as Array<{ beg_time: number; step_time: number; value: Array<Array<number | null>> }>).flatMap((s) =>
        s.value.map((values, i) => ({ stamp: (s.beg_time + i * s.step_time) * 1000, values })),
      );
    }
    return Object.entries(body as Record<string, Array<number | null>>).map(([k, values]) => ({ stamp: Number(k) * 1000, values }));
  }

  function sumOf(halfHours: Rows, start: number, end: number): number[] {
    const sums = [0, 0];
    for (const r of halfHours) {
      const s = r.stamp - HALF_HOUR / 2;
      if (s >= start && s < end) r.values.forEach((v, i) => (sums[i] += v ?? 0));
    }
    return sums;
  }

  it('serves Paris days of 24, 23 and 25 hours, stamped at their middle, each the sum of its half-hours', async () => {
    const { sim, token, moduleId } = await start();
    const cases = [
      { from: utc(2026, 3, 27, 23), bounds: [utc(2026, 3, 27, 23), utc(2026, 3, 28, 23), utc(2026, 3, 29, 22), utc(2026, 3, 30, 22)] },
      { from: utc(2026, 10, 23, 22), bounds: [utc(2026, 10, 23, 22), utc(2026, 10, 24, 22), utc(2026, 10, 25, 23), utc(2026, 10, 26, 23)] },
      // A month end: 31 March to 1 April, summer time.
      { from: utc(2026, 3, 30, 22), bounds: [utc(2026, 3, 30, 22), utc(2026, 3, 31, 22), utc(2026, 4, 1, 22)] },
    ];
    for (const c of cases) {
      const to = c.bounds[c.bounds.length - 1];
      const days = await rows(sim, token, moduleId, '1day', c.from, to - 1);
      const halfHours = await rows(sim, token, moduleId, '30min', c.from, to);
      should(days.map((d) => d.stamp)).eql(c.bounds.slice(0, -1).map((b, i) => (b + c.bounds[i + 1]) / 2));
      days.forEach((d, i) => should(d.values).eql(sumOf(halfHours, c.bounds[i], c.bounds[i + 1])));
      const realTime = await rows(sim, token, moduleId, '1day', c.from, to - 1, { optimize: 'false', real_time: 'true' });
      should(realTime.map((d) => d.stamp)).eql(c.bounds.slice(0, -1));
    }
  });

  it('aligns a date_begin in the middle of a local day down to its local midnight', async () => {
    const { sim, token, moduleId } = await start();
    const days = await rows(sim, token, moduleId, '1day', utc(2026, 10, 25, 12), utc(2026, 10, 25, 13), { real_time: 'true' });
    should(days.map((d) => d.stamp)).eql([utc(2026, 10, 24, 22)]);
  });

  it('serves weeks from Monday 00:00 local (167 h and 169 h) and calendar months', async () => {
    const { sim, token, moduleId } = await start();
    const weeks = await rows(sim, token, moduleId, '1week', utc(2026, 3, 20), utc(2026, 4, 1), { real_time: 'true', optimize: 'false' });
    should(weeks.map((w) => w.stamp)).eql([utc(2026, 3, 15, 23), utc(2026, 3, 22, 23), utc(2026, 3, 29, 22)]);
    const autumn = await rows(sim, token, moduleId, '1week', utc(2026, 10, 20), utc(2026, 10, 27), { optimize: 'false' });
    should(autumn.map((w) => w.stamp)).eql([(utc(2026, 10, 18, 22) + utc(2026, 10, 25, 23)) / 2, (utc(2026, 10, 25, 23) + utc(2026, 11, 1, 23)) / 2]);
    const halfHours = await rows(sim, token, moduleId, '30min', utc(2026, 10, 18, 22), utc(2026, 10, 25, 23));
    should(autumn[0].values).eql(sumOf(halfHours, utc(2026, 10, 18, 22), utc(2026, 10, 25, 23)));
    const months = await rows(sim, token, moduleId, '1month', utc(2026, 2, 15), utc(2026, 11, 2), { real_time: 'true' });
    should(months.map((m) => m.stamp).slice(0, 4)).eql([utc(2026, 1, 31, 23), utc(2026, 2, 28, 23), utc(2026, 3, 31, 22), utc(2026, 4, 30, 22)]);
    should(months.map((m) => m.stamp).slice(-2)).eql([utc(2026, 9, 30, 22), utc(2026, 10, 31, 23)]);
    // 1490 half-hours: two requests of at most 1024 rows.
    const october = [
      ...(await rows(sim, token, moduleId, '30min', utc(2026, 9, 30, 22), utc(2026, 10, 16, 22))),
      ...(await rows(sim, token, moduleId, '30min', utc(2026, 10, 16, 22), utc(2026, 10, 31, 23))),
    ];
    should(months[months.length - 2].values).eql(sumOf(october, utc(2026, 9, 30, 22), utc(2026, 10, 31, 23)));
  });

  it("counts off-peak hours (22:00 to 06:00) on the home's clock, summer and winter", async () => {
    const { sim, token, moduleId } = await start();
    for (const [day, offset] of [
      [utc(2026, 7, 14), 2],
      [utc(2026, 1, 14), 1],
    ] as const) {
      const halfHours = await rows(sim, token, moduleId, '30min', day, day + 24 * H);
      should(halfHours).length(48);
      for (const r of halfHours) {
        const localHour = (new Date(r.stamp - HALF_HOUR / 2).getUTCHours() + offset) % 24;
        const offPeak = localHour >= 22 || localHour < 6;
        should(r.values[offPeak ? 1 : 0]).be.a.Number();
        should(r.values[offPeak ? 0 : 1]).equal(null);
      }
    }
  });

  it("puts the second home in another zone, and takes the first one's zone as an option", async () => {
    const { sim } = await start();
    should(sim.lines().every((l) => l.timezone === 'Europe/Paris')).be.true();
    const ny = await start({ timeZone: 'America/New_York' });
    should(ny.sim.lines()[0].timezone).equal('America/New_York');
    // 8 March 2026: New York's 23-hour day, from 05:00 UTC to 04:00 UTC.
    const days = await rows(ny.sim, ny.token, ny.moduleId, '1day', utc(2026, 3, 8, 12), utc(2026, 3, 8, 13), { real_time: 'true', optimize: 'false' });
    should(days.map((d) => d.stamp)).eql([utc(2026, 3, 8, 5)]);
    const truth = ny.sim.buckets({ moduleId: ny.moduleId, types: TYPES, scale: '1day', from: utc(2026, 3, 8, 12), to: utc(2026, 3, 9, 4) });
    should(truth.map((b) => [b.start, b.end])).eql([[utc(2026, 3, 8, 5), utc(2026, 3, 9, 4)]]);
  });

  it('refuses a time zone it does not know, at start', async () => {
    await should(startSimulator({ timeZone: 'Mars/Olympus_Mons' })).be.rejected();
  });
});
