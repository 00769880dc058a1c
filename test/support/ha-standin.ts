// A stand-in Home Assistant for the tests: its websocket handshake, the two recorder commands
// the export node relies on, and enough of the rest for node-red-contrib-home-assistant-websocket's
// server node to connect. The recorder's rules are applied as Home Assistant's source states
// them (homeassistant/components/recorder/websocket_api.py `ws_import_statistics` and
// `ws_get_statistics_during_period`, statistics.py `async_add_external_statistics`,
// `async_import_statistics`, `_async_import_statistics` and `VALID_STATISTIC_ID`, core.py
// `VALID_ENTITY_ID`): a schema without extra keys, `start` with a time zone at the top of the
// hour, `statistic_id` = `<source>:<object id>`, rows upserted by start. Stricter than today's
// Home Assistant in one point, on purpose: `mean_type` and `unit_class` are required (missing
// ones are deprecated, refused from Home Assistant 2026.11).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export const HA_VERSION = '2025.11.2';
const VALID_STATISTIC_ID = /^(?!.+__)(?!_)[\da-z_]+(?<!_):(?!_)[\da-z_]+(?<!_)$/;
const VALID_ENTITY_ID = /^(?!.+__)(?!_)[\da-z_]+(?<!_)\.(?!_)[\da-z_]+(?<!_)$/;
const HOUR = 3_600_000;

export interface StoredRow {
  start: number;
  state: number | null;
  sum: number | null;
}

export interface HaStandIn {
  url: string;
  token: string;
  /** Rows of a statistic, by start. */
  rows(statisticId: string): StoredRow[];
  metadata(statisticId: string): Record<string, unknown> | undefined;
  /** Every command type received, in order. */
  received: string[];
  /** Every error sent back: code and message. */
  errors: Array<{ type: string; code: string; message: string }>;
  /** Imports accepted, and rows in them. */
  imports: { commands: number; rows: number };
  close(): Promise<void>;
}

class Invalid extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** voluptuous: only the listed keys, required ones present. */
function keys(obj: Record<string, unknown>, required: string[], optional: string[], where: string): void {
  for (const k of required) if (!(k in obj)) throw new Invalid('invalid_format', `required key not provided @ data['${where}${k}']`);
  for (const k of Object.keys(obj)) {
    if (!required.includes(k) && !optional.includes(k)) throw new Invalid('invalid_format', `extra keys not allowed @ data['${where}${k}']`);
  }
}

function isNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/** Python's datetime.fromisoformat + dt_util.parse_datetime, as far as the tests need it. */
function parseDatetime(v: unknown): { utc: number; tzAware: boolean; minute: number; second: number; ms: number } | null {
  if (typeof v !== 'string') return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(v);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac, tz] = m;
  const local = Date.UTC(+y, +mo - 1, +d, +h, +mi, s ? +s : 0, frac ? Math.floor(+frac.padEnd(6, '0') / 1000) : 0);
  let offsetMin = 0;
  if (tz && tz !== 'Z') {
    const sign = tz[0] === '-' ? -1 : 1;
    const digits = tz.slice(1).replace(':', '');
    offsetMin = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
  }
  return { utc: local - offsetMin * 60_000, tzAware: tz !== undefined, minute: +mi, second: s ? +s : 0, ms: frac ? +frac : 0 };
}

export async function startHaStandIn(opts: { token?: string } = {}): Promise<HaStandIn> {
  const token = opts.token ?? 'standin-long-lived-token';
  const stats = new Map<string, Map<number, StoredRow>>();
  const metas = new Map<string, Record<string, unknown>>();
  const received: string[] = [];
  const errors: HaStandIn['errors'] = [];
  const imports = { commands: 0, rows: 0 };

  function importStatistics(msg: Record<string, unknown>): null {
    keys(msg, ['id', 'type', 'metadata', 'stats'], [], '');
    const metadata = msg.metadata;
    if (!isRecord(metadata)) throw new Invalid('invalid_format', "expected a dictionary for dictionary value @ data['metadata']");
    keys(metadata, ['has_sum', 'name', 'source', 'statistic_id', 'unit_of_measurement', 'mean_type', 'unit_class'], ['has_mean'], 'metadata.');
    if (typeof metadata.has_sum !== 'boolean') throw new Invalid('invalid_format', "expected bool @ data['metadata']['has_sum']");
    if (!(metadata.name === null || typeof metadata.name === 'string')) throw new Invalid('invalid_format', "@ data['metadata']['name']");
    if (typeof metadata.source !== 'string' || typeof metadata.statistic_id !== 'string')
      throw new Invalid('invalid_format', "@ data['metadata']['source'|'statistic_id']");
    if (!(metadata.unit_of_measurement === null || typeof metadata.unit_of_measurement === 'string'))
      throw new Invalid('invalid_format', "@ data['metadata']['unit_of_measurement']");
    if (![0, 1, 2].includes(metadata.mean_type as number))
      throw new Invalid('invalid_format', "value must be one of [0, 1, 2] @ data['metadata']['mean_type']");
    if (!(metadata.unit_class === null || typeof metadata.unit_class === 'string')) throw new Invalid('invalid_format', "@ data['metadata']['unit_class']");
    if (!Array.isArray(msg.stats)) throw new Invalid('invalid_format', "expected list @ data['stats']");
    const rows: StoredRow[] = [];
    for (const [i, row] of (msg.stats as unknown[]).entries()) {
      if (!isRecord(row)) throw new Invalid('invalid_format', `expected a dictionary @ data['stats'][${i}]`);
      keys(row, ['start'], ['mean', 'min', 'max', 'last_reset', 'state', 'sum'], `stats.${i}.`);
      for (const k of ['mean', 'min', 'max', 'state', 'sum']) {
        if (k in row && !isNumber(row[k])) throw new Invalid('invalid_format', `expected float @ data['stats'][${i}]['${k}']`);
      }
      const start = parseDatetime(row.start);
      if (!start) throw new Invalid('invalid_format', `Invalid datetime specified: ${String(row.start)} @ data['stats'][${i}]['start']`);
      // statistics.py _async_import_statistics: raised as HomeAssistantError.
      if (!start.tzAware) throw new Invalid('home_assistant_error', 'Naive timestamp: no or invalid timezone info provided');
      if (start.minute !== 0 || start.second !== 0 || start.ms !== 0) {
        throw new Invalid('home_assistant_error', 'Invalid timestamp: timestamps must be from the top of the hour (minutes and seconds = 0)');
      }
      rows.push({ start: start.utc, state: isNumber(row.state) ? row.state : null, sum: isNumber(row.sum) ? row.sum : null });
    }
    const id = metadata.statistic_id;
    if (VALID_ENTITY_ID.test(id)) {
      if (metadata.source !== 'recorder') throw new Invalid('home_assistant_error', 'Invalid source');
    } else {
      if (!VALID_STATISTIC_ID.test(id)) throw new Invalid('home_assistant_error', 'Invalid statistic_id');
      if (metadata.source === '' || metadata.source !== id.split(':', 1)[0]) throw new Invalid('home_assistant_error', 'Invalid source');
    }
    metas.set(id, { ...metadata });
    const table = stats.get(id) ?? new Map<number, StoredRow>();
    for (const r of rows) table.set(r.start, r);
    stats.set(id, table);
    imports.commands++;
    imports.rows += rows.length;
    return null;
  }

  function statisticsDuringPeriod(msg: Record<string, unknown>): Record<string, unknown> {
    keys(msg, ['id', 'type', 'start_time', 'statistic_ids', 'period'], ['end_time', 'units', 'types'], '');
    if (typeof msg.start_time !== 'string') throw new Invalid('invalid_format', "expected str @ data['start_time']");
    if (!Array.isArray(msg.statistic_ids) || msg.statistic_ids.length < 1 || !msg.statistic_ids.every((s) => typeof s === 'string')) {
      throw new Invalid('invalid_format', "@ data['statistic_ids']");
    }
    if (!['5minute', 'hour', 'day', 'week', 'month'].includes(msg.period as string)) throw new Invalid('invalid_format', "@ data['period']");
    if (msg.period !== 'hour') throw new Invalid('not_supported_by_standin', 'the stand-in serves hourly rows only');
    const all = ['change', 'last_reset', 'max', 'mean', 'min', 'state', 'sum'];
    const types = (msg.types ?? all) as unknown;
    if (!Array.isArray(types) || !types.every((t) => all.includes(t as string))) throw new Invalid('invalid_format', "@ data['types']");
    const start = parseDatetime(msg.start_time);
    if (!start) throw new Invalid('invalid_start_time', 'Invalid start_time');
    const end = msg.end_time === undefined ? null : parseDatetime(msg.end_time);
    if (msg.end_time !== undefined && !end) throw new Invalid('invalid_end_time', 'Invalid end_time');
    const result: Record<string, unknown> = {};
    for (const id of msg.statistic_ids as string[]) {
      const table = stats.get(id);
      if (!table) continue;
      const rows = [...table.values()]
        .filter((r) => r.start >= start.utc && (end === null || r.start < end.utc))
        .sort((a, b) => a.start - b.start)
        .map((r) => {
          const out: Record<string, unknown> = { start: r.start, end: r.start + HOUR };
          if (types.includes('state')) out.state = r.state;
          if (types.includes('sum')) out.sum = r.sum;
          return out;
        });
      if (rows.length > 0) result[id] = rows;
    }
    return result;
  }

  function answer(msg: Record<string, unknown>): unknown {
    switch (msg.type) {
      case 'recorder/import_statistics':
        return importStatistics(msg);
      case 'recorder/statistics_during_period':
        return statisticsDuringPeriod(msg);
      case 'supported_features':
      case 'subscribe_events':
      case 'unsubscribe_events':
      case 'subscribe_trigger':
        return null;
      case 'get_states':
      case 'config/entity_registry/list':
      case 'config/entity_registry/list_for_display':
      case 'config/device_registry/list':
      case 'config/area_registry/list':
      case 'config/floor_registry/list':
      case 'config/label_registry/list':
      case 'tag/list':
        return [];
      case 'get_services':
      case 'frontend/get_translations':
        return {};
      case 'auth/current_user':
        return { id: 'owner', name: 'Owner', is_owner: true, is_admin: true, credentials: [], mfa_modules: [] };
      case 'get_config':
        return { components: ['recorder', 'energy'], version: HA_VERSION, time_zone: 'UTC', unit_system: {}, location_name: 'Stand-in', state: 'RUNNING' };
      default:
        throw new Invalid('unknown_command', 'Unknown command.');
    }
  }

  const server = http.createServer((_req, res) => {
    res.writeHead(404).end();
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    if (req.url !== '/api/websocket') {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws));
  });
  wss.on('connection', (ws: WebSocket) => {
    let authed = false;
    const send = (m: unknown): void => ws.send(JSON.stringify(m));
    send({ type: 'auth_required', ha_version: HA_VERSION });
    ws.on('message', (data) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(data.toString());
      } catch {
        ws.close();
        return;
      }
      const list = Array.isArray(parsed) ? parsed : [parsed];
      for (const m of list) {
        if (!isRecord(m)) continue;
        if (!authed) {
          if (m.type === 'auth' && m.access_token === token) {
            authed = true;
            send({ type: 'auth_ok', ha_version: HA_VERSION });
          } else {
            send({ type: 'auth_invalid', message: 'Invalid access token or password' });
            ws.close();
          }
          continue;
        }
        received.push(String(m.type));
        if (m.type === 'ping') {
          send({ id: m.id, type: 'pong' });
          continue;
        }
        if (m.type === 'subscribe_entities') {
          // Home Assistant answers, then sends the current entities as a first event: none here.
          send({ id: m.id, type: 'result', success: true, result: null });
          send({ id: m.id, type: 'event', event: { a: {} } });
          continue;
        }
        try {
          send({ id: m.id, type: 'result', success: true, result: answer(m) });
        } catch (err) {
          const e = err instanceof Invalid ? err : new Invalid('unknown_error', String(err));
          errors.push({ type: String(m.type), code: e.code, message: e.message });
          send({ id: m.id, type: 'result', success: false, error: { code: e.code, message: e.message } });
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    rows: (id) => [...(stats.get(id)?.values() ?? [])].sort((a, b) => a.start - b.start),
    metadata: (id) => metas.get(id),
    received,
    errors,
    imports,
    close: async () => {
      for (const c of wss.clients) c.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
