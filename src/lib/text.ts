// Plain text helpers: times as people read them, texts cut to fit a status line.
import { offsetMs } from './local-calendar';

/** A text in the user's language: the key in a catalogue, with its parameters. */
export type Translate = (key: string, params?: Record<string, string>) => string;

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/**
 * Local `HH:MM`; with the local date `YYYY-MM-DD` in front when `at` is not on the same day as
 * `now`. Local to `zone` (the home's, so that every time of a status reads on one clock), else
 * to Node-RED's own zone.
 */
export function localTime(at: number, now: number = at, zone: string | null = null): string {
  const [y, mo, day, h, m] = wallFields(at, zone);
  const [ty, tmo, tday] = wallFields(now, zone);
  const hhmm = `${pad(h)}:${pad(m)}`;
  if (y === ty && mo === tmo && day === tday) return hhmm;
  return `${y}-${pad(mo + 1)}-${pad(day)} ${hhmm}`;
}

/** Year, month (0-11), day, hours, minutes of an instant on the wall clock of `zone` (null: Node-RED's). */
function wallFields(ms: number, zone: string | null): [number, number, number, number, number] {
  if (zone === null) {
    const d = new Date(ms);
    return [d.getFullYear(), d.getMonth(), d.getDate(), d.getHours(), d.getMinutes()];
  }
  // The zone's wall clock as if it were UTC, read with the UTC getters.
  const d = new Date(ms + offsetMs(zone, ms));
  return [d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes()];
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
