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

/**
 * Status texts are short: Node-RED shows them under the node. A long one is cut at the last word
 * boundary that fits (a word cut in half reads as a typo), with an ellipsis.
 */
export function shorten(text: string, max = 80): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  if (oneLine.length <= max) return oneLine;
  const room = oneLine.slice(0, max - 1);
  const space = room.lastIndexOf(' ');
  // A single very long word (an id) has no boundary worth keeping: cut it where it must be.
  const cut = space >= max / 2 ? room.slice(0, space) : room;
  return `${cut.replace(/[\s,;:.·–—-]+$/, '')}…`;
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
 * The text that done(err) and node.error get, in the user's language (`describe`).
 *
 * Why a string and not an Error: Node-RED shows an Error in the debug sidebar as a collapsed
 * `{ name, message, stack }` object whose preview is cut, and hands Catch nodes
 * `err.toString()`, that is "Error: …" in front of our text. A string is shown whole in the
 * sidebar and reaches a Catch node's `msg.error.message` exactly as written.
 */
export function failureText(err: unknown, describe: (err: unknown) => string = errorText): string {
  return describe(err);
}

/** Node-RED's typings say done takes an Error; its runtime takes any value and reports a string as it is. */
type DoneWithText = (err?: Error | string) => void;

/** `done(err)` with the readable text of `err` (see failureText). */
export function fail(done: (err?: Error) => void, err: unknown, describe: (err: unknown) => string = errorText): void {
  (done as DoneWithText)(failureText(err, describe));
}
