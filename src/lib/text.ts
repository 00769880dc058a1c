// Plain text helpers: times as people read them, texts cut to fit a status line.

/** A text in the user's language: the key in a catalogue, with its parameters. */
export type Translate = (key: string, params?: Record<string, string>) => string;

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
