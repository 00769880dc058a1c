// The stand-in cloud's Legrand range beside the ecocounter (NLPC, NLPS, NLY and its phases, plugs and
// switches): homesdata, homestatus and getmeasure over real HTTP on 127.0.0.1, and the truth helpers.
import should from 'should';
import { startSimulator, type SimMeter, type Simulator, type SimulatorOptions } from '../../src/simulator';
import { apiGet, apiPost, bodyOf, decodeSeries, errorCode, type Answer, type Params } from '../support/sim-http';

const MINUTE = 60_000;
const HALF_HOUR = 1_800_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const NO_LIMITS = [{ windowMs: 10_000, max: 1_000_000 }];
/** 2025-03-12T10:07:00Z, a Wednesday: 11:07 in Paris, 19:07 in Tokyo. */
const T0 = Date.UTC(2025, 2, 12, 10, 7);
const BUY = ['sum_energy_buy_from_grid', 'sum_energy_buy_from_grid$0', 'sum_energy_buy_from_grid$1', 'sum_energy_buy_from_grid$2'];

interface HomeJson {
  id: string;
  name: string;
  timezone: string;
  rooms: Array<{ id: string; type: string; module_ids: string[] }>;
  modules: Array<{ id: string; type: string; name: string; bridge?: string; room_id?: string; modules_bridged?: string[] }>;
  schedules?: Array<{
    type: string;
    selected: boolean;
    tariff_option: string;
    zones: Array<{ id: number; price: number; price_type: string }>;
    timetable: Array<{ zone_id: number; m_offset: number }>;
  }>;
}

interface StatusModule {
  id: string;
  type: string;
  bridge?: string;
  power?: unknown;
  last_seen?: unknown;
  reachable?: unknown;
  on?: unknown;
}

interface StatusJson {
  body: { home: { id: string; modules: StatusModule[] } };
  time_server: number;
}

describe('simulator: the Legrand range beside the ecocounter', function () {
  this.timeout(30_000);
  const running: Simulator[] = [];
  let clock = T0;

  async function start(opts: SimulatorOptions = {}): Promise<{ sim: Simulator; token: string }> {
    const sim = await startSimulator({ now: () => clock, rateLimits: NO_LIMITS, tokenLifetimeSec: 30 * 86_400, ...opts });
    running.push(sim);
    return { sim, token: sim.issueTokens().accessToken };
  }

  beforeEach(() => {
    clock = T0;
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((s) => s.close()));
  });

  function byModel(sim: Simulator, model: string, homeIndex = 0): SimMeter {
    const homeId = [...new Set(sim.modules().map((m) => m.homeId))][homeIndex];
    const m = sim.modules().find((x) => x.model === model && x.homeId === homeId && x.role !== 'phase');
    if (!m) throw new Error(`no ${model} in home ${homeIndex}`);
    return m;
  }

  async function homes(sim: Simulator, token: string): Promise<HomeJson[]> {
    return (bodyOf(await apiGet(sim, token, '/api/homesdata')) as { homes: HomeJson[] }).homes;
  }

  async function status(sim: Simulator, token: string, homeId: string): Promise<Map<string, StatusModule>> {
    const a = await apiGet(sim, token, '/api/homestatus', { home_id: homeId });
    should(a.status).equal(200, a.text);
    const json = a.json as StatusJson;
    should(json.body.home.id).equal(homeId);
    return new Map(json.body.home.modules.map((m) => [m.id, m]));
  }

  function measure(sim: Simulator, token: string, m: SimMeter, params: Params): Promise<Answer> {
    return apiGet(sim, token, '/api/getmeasure', { device_id: m.deviceId, module_id: m.moduleId, ...params });
  }

  /** Wh per 30-min bucket start as served now: the sum of the tariff columns. */
  async function halfHours(sim: Simulator, token: string, m: SimMeter, from: number, to: number): Promise<Map<number, number>> {
    const rows = decodeSeries(bodyOf(await measure(sim, token, m, { scale: '30min', type: BUY.join(','), date_begin: from / 1000, date_end: to / 1000 })));
    return new Map([...rows].map(([start, row]) => [start, row.slice(1).reduce<number>((s, v) => s + (v ?? 0), 0)]));
  }

  describe('homesdata', () => {
    it('lists a gateway with an NLPC, an NLY and its phases, plugs and switches in every home, and keeps the ecocounter as it was', async () => {
      const { sim, token } = await start();
      const all = await homes(sim, token);
      should(all.length).equal(2);
      for (const home of all) {
        const ids = new Set(home.modules.map((m) => m.id));
        const gateway = home.modules.find((m) => m.type === 'NLG');
        should.exist(gateway);
        const g = gateway?.id as string;
        const types = new Set(home.modules.filter((m) => m.bridge === g).map((m) => m.type));
        for (const t of ['NLPC', 'NLY', 'NLP', 'NLIS', 'NLL', 'NLT', 'NLV']) should(types.has(t)).be.true(`${home.name} has no ${t}`);
        const nly = home.modules.find((m) => m.type === 'NLY' && !m.id.includes('#'));
        should(home.modules.filter((m) => m.type === 'NLY' && m.id.startsWith(`${nly?.id}#`)).map((m) => m.id)).eql([1, 2, 3].map((n) => `${nly?.id}#${n}`));
        // Every module the gateway bridges says so, and every room lists modules of the home.
        for (const id of gateway?.modules_bridged ?? []) should(home.modules.find((m) => m.id === id)?.bridge).equal(g);
        for (const room of home.rooms) for (const id of room.module_ids) should(ids.has(id)).be.true(id);
        // The range in the simulator's truth is what homesdata lists, with the same bridges and names.
        const mine = sim.modules().filter((m) => m.homeId === home.id);
        should(mine.length).be.above(8);
        for (const m of mine) {
          const listed = home.modules.find((x) => x.id === m.moduleId);
          should(listed?.type).equal(m.model);
          should(listed?.bridge).equal(m.deviceId);
          should(listed?.name).equal(m.name);
          should(m.index).equal(/#\d$/.test(m.moduleId) ? Number(m.moduleId.slice(-1)) : null);
        }
        // Modules that measure nothing are no part of the range.
        for (const m of home.modules.filter((x) => ['NLG', 'NLT', 'NLV', 'NLE', 'Z3V'].includes(x.type)))
          should(mine.some((x) => x.moduleId === m.id)).be.false();
      }
      // One module hangs off a bridge that is not a module of its home, as in real answers.
      const foreign = sim.modules().filter((m) => !all.find((h) => h.id === m.homeId)?.modules.some((x) => x.id === m.deviceId));
      should(foreign.map((m) => m.model)).eql(['NLPO']);
      // The ecocounter's nine lines come first in their home's range of NLE modules, as before.
      const first = all[0].modules;
      const lines = first.filter((m) => m.type === 'NLE' && m.bridge !== undefined);
      should(lines.map((m) => m.id)).eql(sim.lines().map((l) => l.moduleId));
      should(first.findIndex((m) => m.type === 'NLPC')).be.above(first.findIndex((m) => m.id === lines[8].id));
      should(sim.modules().map((m) => m.role)).containEql('phase');
    });

    it('gives each home an electricity schedule: peak and off-peak with a weekly timetable, or basic', async () => {
      const { sim, token } = await start();
      const [paris, tokyo] = await homes(sim, token);
      const peak = paris.schedules?.find((s) => s.type === 'electricity');
      should(peak?.selected).be.true();
      should(peak?.tariff_option).equal('peak_and_off_peak');
      should(peak?.zones.map((z) => z.price_type).sort()).eql(['off_peak', 'peak']);
      const offPeakZone = peak?.zones.find((z) => z.price_type === 'off_peak')?.id;
      // Off-peak 22:00–06:00 every day: where the ecocounter's $2 column already is.
      const timetable = peak?.timetable ?? [];
      for (let day = 0; day < 7; day++) {
        const zoneAt = (minute: number): number | undefined => [...timetable].reverse().find((e) => e.m_offset <= minute)?.zone_id;
        should(zoneAt(day * 1440 + 3 * 60)).equal(offPeakZone);
        should(zoneAt(day * 1440 + 12 * 60)).not.equal(offPeakZone);
        should(zoneAt(day * 1440 + 23 * 60)).equal(offPeakZone);
      }
      const basic = tokyo.schedules?.find((s) => s.type === 'electricity');
      should(basic?.tariff_option).equal('basic');
      should(basic?.zones.map((z) => z.price_type)).eql(['basic']);
      should(basic?.timetable).eql([{ zone_id: 0, m_offset: 0 }]);
      should(
        sim
          .modules()
          .filter((m) => m.homeId === paris.id)
          .every((m) => m.tariff === 'peak_and_off_peak'),
      ).be.true();
      should(
        sim
          .modules()
          .filter((m) => m.homeId === tokyo.id)
          .every((m) => m.tariff === 'basic'),
      ).be.true();
    });
  });

  describe('homestatus', () => {
    it('reports power, last_seen, reachable and on like the real answers, and no power for the ecocounter or the gateway', async () => {
      const { sim, token } = await start();
      clock = T0 + 37_000;
      for (const home of await homes(sim, token)) {
        const get = await status(sim, token, home.id);
        const post = new Map(((await apiPost(sim, token, '/api/homestatus', { home_id: home.id })).json as StatusJson).body.home.modules.map((m) => [m.id, m]));
        should([...post.keys()]).eql([...get.keys()]);
        should([...get.keys()]).eql(home.modules.map((m) => m.id));
        for (const m of sim.modules().filter((x) => x.homeId === home.id)) {
          const s = get.get(m.moduleId) as StatusModule;
          should(s.type).equal(m.model);
          should(s.bridge).equal(m.deviceId);
          should(Number.isInteger(s.power)).be.true(`${m.model} power ${String(s.power)}`);
          const reachable = sim.reachableAt(m.moduleId, clock);
          should(reachable || m.flaky).be.true();
          should(s.power).equal(sim.powerAt(m.moduleId, clock) ?? 0);
          if (m.lastSeen) {
            should(s.reachable).equal(reachable);
            should(s.last_seen)
              .be.a.Number()
              .and.not.above(clock / 1000);
            if (reachable) should(s.last_seen).be.above(clock / 1000 - 60);
          } else {
            should(s).not.have.property('last_seen');
            should(s).not.have.property('reachable');
          }
          if (m.role === 'appliance') should(s.on).be.a.Boolean();
          else should(s).not.have.property('on');
        }
        for (const m of home.modules.filter((x) => ['NLE', 'NLG', 'NLT', 'NLV', 'Z3V'].includes(x.type))) should(get.get(m.id)).not.have.property('power');
        const lamp = sim.modules().find((m) => m.homeId === home.id && m.model === 'NLL') as SimMeter;
        should(get.get(lamp.moduleId)?.on).equal((get.get(lamp.moduleId)?.power as number) > 0);
      }
    });

    it('is behind the bearer, the rate limit and the faults like every endpoint, and wants a home of the account', async () => {
      const { sim, token } = await start({ rateLimits: [{ windowMs: 10_000, max: 3 }] });
      const homeId = (await homes(sim, token))[0].id;
      should(errorCode(await apiGet(sim, 'nope', '/api/homestatus', { home_id: homeId }))).equal(2);
      const missing = await apiGet(sim, token, '/api/homestatus');
      should([missing.status, errorCode(missing)]).eql([400, 10]);
      const unknown = await apiGet(sim, token, '/api/homestatus', { home_id: '0123456789abcdef01234567' });
      should([unknown.status, errorCode(unknown)]).eql([404, 9]);
      const limited = await apiGet(sim, token, '/api/homestatus', { home_id: homeId });
      should([limited.status, errorCode(limited)]).eql([429, 26]);
      clock += 11_000;
      sim.setFaults({ error5xxRate: 1 });
      should((await apiGet(sim, token, '/api/homestatus', { home_id: homeId })).status).be.oneOf(500, 503);
      sim.setFaults({ error5xxRate: 0 });
      should((await apiGet(sim, token, '/api/homestatus', { home_id: homeId })).status).equal(200);
      should(sim.stats().requests['/api/homestatus']['200']).equal(1);
    });
  });

  /**
   * Reads homestatus of every home once a minute (at m*60 + 30 s) for `minutes` minutes from `from`, and
   * integrates each module's power (W × 1 min, in Wh). `each` runs before each read.
   */
  async function integrate(sim: Simulator, token: string, from: number, minutes: number, each: (m: number) => void = () => {}): Promise<Map<string, number>> {
    const wh = new Map<string, number>();
    const homeIds = [...new Set(sim.modules().map((m) => m.homeId))];
    for (let k = 0; k < minutes; k++) {
      clock = from + k * MINUTE + 30_000;
      each(k);
      for (const homeId of homeIds) {
        for (const [id, s] of await status(sim, token, homeId)) {
          if (typeof s.power === 'number' && s.reachable !== false) wh.set(id, (wh.get(id) ?? 0) + s.power / 60);
        }
      }
    }
    return wh;
  }

  describe('getmeasure', () => {
    /** 2025-03-12 18:00Z: 19:00 in Paris (dinner, lights on), 03:00 in Tokyo (off-peak water heating). */
    const EVENING = Date.UTC(2025, 2, 12, 18, 0);

    it('serves for each 30-min bucket the integral of the power homestatus showed over it, within the Wh rounding', async () => {
      const { sim, token } = await start();
      const wh = await integrate(sim, token, EVENING, 30);
      clock = EVENING + HALF_HOUR + 26 * MINUTE; // after the gateways' upload of that bucket
      let drawn = 0;
      for (const m of sim.modules()) {
        const served = await halfHours(sim, token, m, EVENING, EVENING + HALF_HOUR);
        const integral = wh.get(m.moduleId) ?? 0;
        if (integral === 0) {
          should(served.get(EVENING) ?? 0).equal(0, m.name);
          continue;
        }
        drawn++;
        should(Math.abs((served.get(EVENING) as number) - integral)).not.above(
          1,
          `${m.model} ${m.name}: ${served.get(EVENING)} Wh served, ${integral} Wh integrated`,
        );
        should(sim.energyTruth(m.moduleId, '30min', EVENING, EVENING + HALF_HOUR)).eql([{ start: EVENING, end: EVENING + HALF_HOUR, wh: served.get(EVENING) }]);
      }
      should(drawn).be.above(12); // lights, meters, the NLY's phases: most of the range draws at dinner time
      // The NLY is about the sum of its phases.
      const nly = byModel(sim, 'NLY');
      const phases = sim.modules().filter((m) => m.moduleId.startsWith(`${nly.moduleId}#`));
      const sum = phases.reduce((s, p) => s + (wh.get(p.moduleId) ?? 0), 0);
      should(Math.abs((wh.get(nly.moduleId) ?? 0) - sum)).be.below(1e-6);
    });

    it("puts the energy in the home contract's tariff columns, sums coarser buckets from 30-min ones, and sells nothing", async () => {
      const { sim, token } = await start();
      const day = Date.UTC(2025, 2, 10, 23); // Tuesday 11 March, a local day in Paris
      const paris = byModel(sim, 'NLPC', 0);
      const rows = decodeSeries(
        bodyOf(await measure(sim, token, paris, { scale: '30min', type: BUY.join(','), date_begin: day / 1000, date_end: (day + DAY) / 1000 })),
      );
      should(rows.size).equal(48);
      for (const [start, [plain, basic, peak, offPeak]] of rows) {
        const localHour = new Date(start).getUTCHours() + 1;
        const off = localHour >= 22 || localHour < 6;
        should([plain, basic]).eql([null, null]);
        should(off ? offPeak : peak)
          .be.a.Number()
          .and.above(0);
        should(off ? peak : offPeak).equal(null);
      }
      const tokyo = byModel(sim, 'NLPC', 1);
      const tokyoRows = decodeSeries(
        bodyOf(await measure(sim, token, tokyo, { scale: '1hour', type: BUY.join(','), date_begin: day / 1000, date_end: (day + DAY) / 1000 })),
      );
      should(tokyoRows.size).equal(24);
      for (const [plain, basic, peak, offPeak] of tokyoRows.values()) {
        should([plain, peak, offPeak]).eql([null, null, null]);
        should(basic).be.a.Number().and.above(0);
      }
      // 1hour and 1day buckets are the sums of their half-hours.
      const halves = await halfHours(sim, token, paris, day, day + DAY);
      const hours = decodeSeries(
        bodyOf(await measure(sim, token, paris, { scale: '1hour', type: BUY.join(','), date_begin: day / 1000, date_end: (day + DAY) / 1000 })),
      );
      for (const [start, row] of hours) {
        should(row.slice(1).reduce<number>((s, v) => s + (v ?? 0), 0)).equal((halves.get(start) as number) + (halves.get(start + HALF_HOUR) as number));
      }
      const days = decodeSeries(
        bodyOf(await measure(sim, token, paris, { scale: '1day', type: BUY.join(','), date_begin: day / 1000, date_end: (day + HOUR) / 1000 })),
      );
      const [dayRow] = [...days.values()];
      const total = [...halves.values()].reduce((s, v) => s + v, 0);
      should(dayRow.slice(1).reduce<number>((s, v) => s + (v ?? 0), 0)).equal(total);
      should(sim.energyTruth(paris.moduleId, '1day', day, day + HOUR)).eql([{ start: day, end: day + DAY, wh: total }]);
      // No solar here: self-consumption and resale are 0 (plain) and null (tariffs).
      const sold = ['sum_energy_self_consumption', 'sum_energy_resell_to_grid$1', 'sum_energy_resell_to_grid'];
      const soldRows = decodeSeries(
        bodyOf(await measure(sim, token, paris, { scale: '1hour', type: sold.join(','), date_begin: day / 1000, date_end: (day + 3 * HOUR) / 1000 })),
      );
      should([...soldRows.values()]).eql([
        [0, null, 0],
        [0, null, 0],
        [0, null, 0],
      ]);
    });

    it("serves a gateway's 30-min buckets 20 to 25 minutes after they end, and takes another rhythm as options", async () => {
      const { sim, token } = await start();
      const nlpc = byModel(sim, 'NLPC');
      const last = Math.floor(T0 / HALF_HOUR) * HALF_HOUR - HALF_HOUR;
      for (let start = last - 20 * HALF_HOUR; start <= last; start += HALF_HOUR) {
        const late = sim.availableAt(nlpc.moduleId, start) - (start + HALF_HOUR);
        should(late).be.within(20 * MINUTE, 25 * MINUTE);
      }
      const at = sim.availableAt(nlpc.moduleId, last);
      clock = at - 1000;
      should((await halfHours(sim, token, nlpc, last, last + HALF_HOUR)).has(last)).be.false();
      clock = at;
      should((await halfHours(sim, token, nlpc, last, last + HALF_HOUR)).has(last)).be.true();
      // The ecocounter keeps its own, slower rhythm.
      const line = sim.lines()[5];
      should(sim.availableAt(line.moduleId, last) - (last + HALF_HOUR)).not.equal(late(sim, nlpc.moduleId, last));

      const hourly = (await start({ meterUploadEveryMin: 60, meterUploadDelayMin: 5, meterUploadJitterMin: 0 })).sim;
      const lates = new Set<number>();
      for (let start = last - 10 * HALF_HOUR; start <= last; start += HALF_HOUR) lates.add(late(hourly, nlpc.moduleId, start) / MINUTE);
      should([...lates].sort((a, b) => a - b)).eql([5, 35]);
      const instant = (await start({ meterUploadEveryMin: 0 })).sim;
      should(late(instant, nlpc.moduleId, last)).equal(0);
    });

    it('first serves some buckets with a preliminary (lower) value when asked, and the final one at the next upload', async () => {
      const { sim, token } = await start({ meterRevisionRate: 1 });
      const nlpc = byModel(sim, 'NLPC');
      const last = Math.floor(T0 / HALF_HOUR) * HALF_HOUR - HALF_HOUR;
      const [truth] = sim.energyTruth(nlpc.moduleId, '30min', last, last + HALF_HOUR);
      clock = sim.availableAt(nlpc.moduleId, last);
      const first = (await halfHours(sim, token, nlpc, last, last + HALF_HOUR)).get(last) as number;
      should(first)
        .be.below(truth.wh)
        .and.not.below(truth.wh * 0.5 - 2);
      clock += HALF_HOUR + 1;
      should((await halfHours(sim, token, nlpc, last, last + HALF_HOUR)).get(last)).equal(truth.wh);
    });

    it('refuses a device that is not the bridge of the module, and a type of another model, like the cloud', async () => {
      const { sim, token } = await start();
      const nlpc = byModel(sim, 'NLPC');
      const line = sim.lines()[0];
      const otherGateway = byModel(sim, 'NLPC', 1).deviceId;
      const q = { scale: '30min', type: BUY.join(','), date_begin: (T0 - DAY) / 1000 };
      for (const device of [line.deviceId, otherGateway, nlpc.moduleId]) {
        const a = await apiGet(sim, token, '/api/getmeasure', { device_id: device, module_id: nlpc.moduleId, ...q });
        should([a.status, errorCode(a)]).eql([404, 9]);
      }
      const alone = await apiGet(sim, token, '/api/getmeasure', { device_id: nlpc.moduleId, ...q });
      should([alone.status, errorCode(alone)]).eql([404, 9]);
      const lineViaGateway = await apiGet(sim, token, '/api/getmeasure', { device_id: nlpc.deviceId, module_id: line.moduleId, ...q, type: 'sum_energy_elec' });
      should([lineViaGateway.status, errorCode(lineViaGateway)]).eql([404, 9]);
      // The module whose bridge is not a module of the home answers through that bridge.
      const foreign = sim.modules().find((m) => m.model === 'NLPO') as SimMeter;
      should(decodeSeries(bodyOf(await measure(sim, token, foreign, q))).size).be.above(40);
      // The gateway itself has no energy of its own.
      should(bodyOf(await apiGet(sim, token, '/api/getmeasure', { device_id: nlpc.deviceId, module_id: nlpc.deviceId, ...q }))).eql([]);

      for (const type of ['sum_energy_elec', 'sum_energy_price$1', 'sum_energy_buy_from_grid$3', 'sum_energy_bought']) {
        const a = await measure(sim, token, nlpc, { ...q, type });
        should([a.status, errorCode(a)]).eql([400, 21], type);
      }
      const nleBuy = await apiGet(sim, token, '/api/getmeasure', {
        device_id: line.deviceId,
        module_id: line.moduleId,
        ...q,
        type: 'sum_energy_buy_from_grid$1',
      });
      should([nleBuy.status, errorCode(nleBuy)]).eql([400, 21]);
      should(() => sim.buckets({ moduleId: nlpc.moduleId, types: ['sum_energy_elec'], scale: '30min', from: T0 - DAY, to: T0 })).throw();
    });
  });

  describe('unreachable modules', () => {
    const EVENING = Date.UTC(2025, 2, 12, 18, 0);

    it('shows no power and a frozen last_seen while unreachable, and loses those minutes from the energy', async () => {
      const { sim, token } = await start();
      const nlpc = byModel(sim, 'NLPC');
      const plug = byModel(sim, 'NLL'); // lit at that hour
      const nly = byModel(sim, 'NLY');
      const homeId = nlpc.homeId;
      const seen: Array<Map<string, StatusModule>> = [];
      // Unreachable from minute 6 to minute 66 (the next reports): the second half-hour entirely, the first and third in part.
      const wh = await integrate(sim, token, EVENING, 90, (k) => {
        if (k === 5 || k === 65) for (const m of [nlpc, plug, nly]) sim.setReachable(m.moduleId, k === 65);
      });
      clock = EVENING + 3 * HALF_HOUR + 26 * MINUTE;
      for (const m of [nlpc, plug, nly]) {
        const served = await halfHours(sim, token, m, EVENING, EVENING + 3 * HALF_HOUR);
        should([...served.keys()]).eql([EVENING, EVENING + 2 * HALF_HOUR]);
        for (const [start, value] of served) {
          const integral = await partial(sim, m.moduleId, start);
          should(Math.abs(value - integral)).not.above(1, `${m.name} at ${new Date(start).toISOString()}`);
        }
        should(wh.get(m.moduleId)).be.above(0);
      }
      // homestatus during the outage.
      clock = EVENING + 20 * MINUTE + 30_000;
      seen.push(await status(sim, token, homeId));
      const during = seen[0];
      should(during.get(nlpc.moduleId)).not.have.property('power');
      should(during.get(nlpc.moduleId)?.reachable).equal(false);
      should(during.get(nlpc.moduleId)?.last_seen).be.within((EVENING + 5 * MINUTE) / 1000, (EVENING + 6 * MINUTE) / 1000);
      should(during.get(plug.moduleId)?.power).equal(0);
      should(during.get(plug.moduleId)?.reachable).equal(false);
      for (const n of [1, 2, 3]) should(during.get(`${nly.moduleId}#${n}`)?.reachable).equal(false);
      should(sim.powerAt(nlpc.moduleId, clock)).equal(null);
      should(sim.reachableAt(nlpc.moduleId, clock)).be.false();
      clock = EVENING + 70 * MINUTE + 30_000;
      const after = await status(sim, token, homeId);
      should(after.get(nlpc.moduleId)?.reachable).equal(true);
      should(after.get(nlpc.moduleId)?.power).equal(sim.powerAt(nlpc.moduleId, clock)).and.be.above(0);

      /** The Wh of the reachable minutes of one half-hour, from powerAt. */
      async function partial(s: Simulator, id: string, start: number): Promise<number> {
        let sum = 0;
        for (let t = start + 30_000; t < start + HALF_HOUR; t += MINUTE) sum += (s.powerAt(id, t) ?? 0) / 60;
        return Promise.resolve(sum);
      }
    });

    it("says a double switch's sides are unreachable on the NLIS itself, their power 0", async () => {
      const { sim, token } = await start();
      const side = sim.modules().find((m) => m.model === 'NLIS' && m.index === 1) as SimMeter;
      const parent = side.moduleId.slice(0, -2);
      clock = EVENING + 30_000;
      const before = (await status(sim, token, side.homeId)).get(parent) as StatusModule;
      should(before.reachable).equal(true);
      sim.setReachable(side.moduleId, false);
      clock += 10 * MINUTE;
      const during = await status(sim, token, side.homeId);
      should(during.get(parent)?.reachable).equal(false);
      should(during.get(parent)?.last_seen).equal(before.last_seen);
      for (const n of [1, 2]) {
        should(during.get(`${parent}#${n}`)?.power).equal(0);
        should(sim.powerAt(`${parent}#${n}`, clock)).equal(null);
      }
      sim.setReachable(side.moduleId, true);
      clock += MINUTE;
      should((await status(sim, token, side.homeId)).get(parent)?.reachable).equal(true);
      should((await status(sim, token, side.homeId)).get(side.moduleId)?.power)
        .equal(sim.powerAt(side.moduleId, clock))
        .and.be.above(0);
    });

    it('has a flaky module in each home that goes unreachable on its own, and homestatus agrees', async () => {
      const { sim, token } = await start();
      const flaky = sim.modules().filter((m) => m.flaky);
      should(new Set(flaky.map((m) => m.homeId)).size).equal(2);
      for (const m of flaky) {
        let down: number | undefined;
        for (let t = T0 - DAY + 30_000; t < T0 && down === undefined; t += MINUTE) if (!sim.reachableAt(m.moduleId, t)) down = t;
        should.exist(down, `${m.name} never unreachable in a day`);
        clock = down as number;
        const s = (await status(sim, token, m.homeId)).get(m.moduleId) as StatusModule;
        should(s.reachable).equal(false);
        should(s.power).equal(m.unreachablePower === 'zero' ? 0 : undefined);
        should(s.last_seen).be.below(clock / 1000 - 30);
        should(sim.powerAt(m.moduleId, clock)).equal(null);
      }
      // Everything else stays reachable all day.
      for (const m of sim.modules().filter((x) => !x.flaky)) {
        for (let t = T0 - DAY; t < T0; t += 7 * MINUTE) should(sim.reachableAt(m.moduleId, t)).be.true(m.name);
      }
    });
  });

  describe('test knobs', () => {
    it('keeps every module reachable with flakyModules: false', async () => {
      const { sim } = await start({ flakyModules: false });
      should(sim.modules().some((m) => m.flaky)).be.false();
      for (const m of sim.modules()) for (let t = T0 - DAY; t < T0; t += 3 * MINUTE) should(sim.reachableAt(m.moduleId, t)).be.true(m.name);
    });

    it('serves a rewritten answer body until told to stop, without changing the world', async () => {
      const { sim, token } = await start();
      const nlpc = byModel(sim, 'NLPC');
      sim.rewriteAnswers('/api/homestatus', (body) => {
        const b = body as StatusJson['body'];
        const m = b.home.modules.find((x) => x.id === nlpc.moduleId) as StatusModule;
        m.power = 'lots';
        delete m.last_seen;
        return b;
      });
      sim.rewriteAnswers('/api/homesdata', () => ({ homes: [] }));
      const odd = (await status(sim, token, nlpc.homeId)).get(nlpc.moduleId);
      should(odd?.power).equal('lots');
      should(odd).not.have.property('last_seen');
      should(await homes(sim, token)).eql([]);
      sim.rewriteAnswers('/api/homestatus', null);
      sim.rewriteAnswers('/api/homesdata', null);
      const plain = (await status(sim, token, nlpc.homeId)).get(nlpc.moduleId);
      should(plain?.power).equal(sim.powerAt(nlpc.moduleId, clock));
      should((await homes(sim, token)).length).equal(2);
    });
  });
});

function late(sim: Simulator, moduleId: string, start: number): number {
  return sim.availableAt(moduleId, start) - (start + HALF_HOUR);
}
