// One `/api/homestatus` answer for the diagnostics: what each module reports live (power,
// last_seen, reachability…), so that a module the package does not know yet can be supported
// from a report. Ids are hashed by the caller's anonymiser; only fields known to carry no id,
// address or name are kept (real answers also hold cameras' VPN URLs and people's ids).
import { isRecord } from '../netatmo/errors';

const KEPT_FIELDS = ['type', 'power', 'last_seen', 'reachable', 'on', 'offload', 'brightness', 'fan_speed', 'contactor_mode', 'firmware_revision'];

export function statusSample(answer: Record<string, unknown>, hashId: (id: string) => string): Record<string, unknown> {
  const body = answer.body;
  const home = isRecord(body) && isRecord(body.home) ? body.home : null;
  const raw = home !== null && Array.isArray(home.modules) ? (home.modules as unknown[]) : [];
  const modules = raw.filter(isRecord).map((m) => {
    const out: Record<string, unknown> = { id: typeof m.id === 'string' ? hashId(m.id) : null };
    if (typeof m.bridge === 'string') out.bridge = hashId(m.bridge);
    for (const field of KEPT_FIELDS) if (field in m) out[field] = m[field];
    return out;
  });
  return { status: answer.status, timeServer: answer.time_server, modules };
}
