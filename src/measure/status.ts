// The statuses of `econetatmo-measure`, as plain values the controller decides and the node
// shows: one function per situation, the texts in the runtime's language (`t`).
import type { ReadAdvice } from '../netatmo/device-schedule';
import { localDateText, systemTimeZone } from '../lib/local-calendar';
import type { ReadOptions, ReadProgress } from '../netatmo/types';
import type { Scale } from '../contract/measure-types';
import { errorText, localTime, shorten, type Translate } from '../lib/text';
import { isNetatmoError } from '../netatmo/errors';

// The controller takes its translator type from here, beside the statuses that use it.
export type { Translate };
/** A status as data, in Node-RED's shape (`node.status` takes it as it is). */
export interface StatusValue {
  fill: 'red' | 'green' | 'yellow' | 'blue' | 'grey';
  shape: 'dot' | 'ring';
  text: string;
}

/** A failure in the user's language (the node's catalogue over the client's English text). */
export type DescribeError = (err: unknown) => string;

/** The runtime's language: texts of `econetatmo-measure`, and failures told to a person. */
export interface Wording {
  t: Translate;
  describe: DescribeError;
}

/**
 * A bucket as the status names it: its local time for the scales under a day (with the date
 * when not today), its date for a day or a week, its month for a month. Every scale is told in
 * the home's zone (`timeZone`, the one its days are cut in; else Node-RED's own), so that a
 * status reads on one clock whatever the scale.
 */
export function bucketLabel(start: number, scale: Scale, now: number, timeZone: string | null = null): string {
  if (scale === '1day' || scale === '1week' || scale === '1month') {
    const date = localDateText(timeZone ?? systemTimeZone(), start);
    return scale === '1month' ? date.slice(0, 7) : date;
  }
  return localTime(start, now, timeZone);
}

export const readingStatus = (t: Translate): StatusValue => ({ fill: 'blue', shape: 'ring', text: t('status.reading') });

const pagesStatus = (t: Translate, p: ReadProgress): StatusValue => ({
  fill: 'blue',
  shape: 'ring',
  text: t('status.readingPages', { done: String(p.done), total: String(p.total) }),
});

export const waitingStatus = (t: Translate, ms: number, key = 'status.waiting'): StatusValue => ({
  fill: 'yellow',
  shape: 'ring',
  text: t(key, { seconds: String(Math.ceil(ms / 1000)) }),
});

/**
 * The statuses while a read runs: "reading", the pages once there are several, and a wait for the
 * rate budget (after which the pages, or "reading", again).
 */
export function readProgress(t: Translate, show: (status: StatusValue) => void): Required<Pick<ReadOptions, 'onWait' | 'onProgress'>> {
  let waiting = false;
  let progress: ReadProgress | null = null;
  return {
    onWait: (ms) => {
      waiting = ms > 0;
      if (waiting) show(waitingStatus(t, ms));
      else if (progress && progress.total > 1) show(pagesStatus(t, progress));
      else show(readingStatus(t));
    },
    onProgress: (p) => {
      progress = p;
      if (!waiting && p.total > 1) show(pagesStatus(t, p));
    },
  };
}

/**
 * After a read: its newest bucket, and whether it said anything. A read with nothing new to
 * send says so ("no new bucket since …"), so that an input that sends nothing (the window
 * went out on an earlier read) is not taken for a broken node.
 */
export function readStatus(t: Translate, scale: Scale, newestStart: number | null, sent: boolean, now: number, timeZone: string | null = null): StatusValue {
  const time = localTime(now, now, timeZone);
  if (newestStart === null) return { fill: 'green', shape: 'ring', text: t('status.noData', { time }) };
  const bucket = bucketLabel(newestStart, scale, now, timeZone);
  return sent
    ? { fill: 'green', shape: 'dot', text: t('status.done', { bucket, time }) }
    : { fill: 'green', shape: 'dot', text: t('status.noNew', { bucket, time }) };
}

/** `auto`: the read's status, and when the next one is planned. */
export function plannedStatus(t: Translate, last: StatusValue, advice: ReadAdvice, now: number, timeZone: string | null = null): StatusValue {
  const text =
    advice.mode === 'learning'
      ? t('status.autoLearning', { text: String(last.text) })
      : t('status.auto', { text: String(last.text), time: localTime(advice.at, now, timeZone) });
  return { ...last, text };
}

/** A message or setting the node cannot use: red, before any request. */
export function problemStatus(text: string, shape: 'dot' | 'ring' = 'dot'): StatusValue {
  return { fill: 'red', shape, text: shorten(text) };
}

/**
 * The red status of a failure, in the user's language (`describe`, see src/nodes/shared/error-texts.ts); a dead
 * refresh token gets its own, actionable text.
 */
export function errorStatus(err: unknown, reauthText: string, describe: (err: unknown) => string = errorText): StatusValue {
  if (isNetatmoError(err, 'reauth')) return { fill: 'red', shape: 'dot', text: reauthText };
  return { fill: 'red', shape: 'dot', text: shorten(describe(err)) };
}

/** The red status of a failed read or backfill, in the node's wording. */
export function failedStatus(wording: Wording, err: unknown): StatusValue {
  return errorStatus(err, wording.t('status.reauth'), wording.describe);
}
