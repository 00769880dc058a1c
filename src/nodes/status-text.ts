// Small formatting helpers shared by the sync and measure nodes' statuses.
import type { NodeStatus } from 'node-red';
import { isNetatmoError } from '../netatmo/errors';

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Local `HH:MM`; with the local date `YYYY-MM-DD` in front when `at` is not on the same day as `now`. */
export function localTime(at: number, now: number = at): string {
  const d = new Date(at);
  const hhmm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  const today = new Date(now);
  if (d.getFullYear() === today.getFullYear() && d.getMonth() === today.getMonth() && d.getDate() === today.getDate()) {
    return hhmm;
  }
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${hhmm}`;
}

/** Status texts are short: Node-RED shows them under the node. */
export function shorten(text: string, max = 80): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}

export function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  return typeof err === 'string' ? err : 'unknown error';
}

/**
 * The red status of a failure, in the user's language (`describe`, see error-texts.ts); a dead
 * refresh token gets its own, actionable text.
 */
export function errorStatus(err: unknown, reauthText: string, describe: (err: unknown) => string = errorText): NodeStatus {
  if (isNetatmoError(err, 'reauth')) return { fill: 'red', shape: 'dot', text: reauthText };
  return { fill: 'red', shape: 'dot', text: shorten(describe(err)) };
}

/**
 * Turn whatever was thrown into an Error for `done(err)` (Catch nodes read `err.message`), its
 * text in the user's language; a NetatmoError keeps its kind and code for a Catch node's flow.
 */
export function asError(err: unknown, describe: (err: unknown) => string = errorText): Error {
  const text = describe(err);
  if (err instanceof Error && err.message === text) return err;
  const out = new Error(text);
  if (isNetatmoError(err)) Object.assign(out, { kind: err.kind, code: err.code });
  return out;
}
