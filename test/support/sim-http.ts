// Talking to the simulator over real HTTP like a client: GET or form POST with a bearer, and the answer's
// JSON decoded for the assertions.
import should from 'should';
import type { Simulator } from '../../src/simulator';

export interface Answer {
  status: number;
  json: unknown;
  text: string;
  headers: Headers;
}

export async function call(sim: Simulator, path: string, init: RequestInit = {}): Promise<Answer> {
  const res = await fetch(sim.url + path, { redirect: 'manual', ...init });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text, headers: res.headers };
}

export type Params = Record<string, string | number>;

/** GET with the parameters in the query. */
export function apiGet(sim: Simulator, token: string, path: string, params: Params = {}): Promise<Answer> {
  const qs = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString();
  return call(sim, `${path}${qs ? `?${qs}` : ''}`, { headers: { authorization: `Bearer ${token}` } });
}

/** POST with the parameters form-encoded. */
export function apiPost(sim: Simulator, token: string, path: string, params: Params = {}): Promise<Answer> {
  return call(sim, path, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString(),
  });
}

export function errorCode(a: Answer): unknown {
  return (a.json as { error?: { code?: unknown } } | undefined)?.error?.code;
}

export function bodyOf(a: Answer): unknown {
  should(a.status).equal(200, a.text);
  return (a.json as { body: unknown }).body;
}

export interface SeriesJson {
  beg_time: number;
  step_time: number;
  value: (number | null)[][];
}

/** An optimize=true body as rows keyed by bucket start (ms), stamps at bucket middles. */
export function decodeSeries(body: unknown): Map<number, (number | null)[]> {
  const out = new Map<number, (number | null)[]>();
  for (const s of body as SeriesJson[]) {
    s.value.forEach((row, i) => out.set((s.beg_time + i * s.step_time - s.step_time / 2) * 1000, row));
  }
  return out;
}
