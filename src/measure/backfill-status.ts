// What a backfill of `econetatmo-measure` tells the user as it goes: its progress and waits in
// the status, how it ended (yellow when the cloud had less than asked for), its failures, and
// the warning its payload carries. Statuses are values (status.ts); the node shows them.
import { percentDone, type BackfillState, type HistoryVerdict } from '../netatmo/backfill';
import { localTime, shorten } from '../lib/text';
import type { BackfillReport } from './backfills';
import type { MeasureOutput } from './ports';
import { failedStatus, waitingStatus, type StatusValue, type Translate, type Wording } from './status';

function dateText(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}

/** A time for a warning's text, in UTC (`2026-12-01 10:30`). */
export const utcText = dateText;

const backfillProgressStatus = (t: Translate, s: BackfillState): StatusValue => ({
  fill: 'blue',
  shape: 'ring',
  text: t('status.backfill', { percent: String(percentDone(s)) }),
});

/** The text of `payload.warning`, when there is something to warn about. */
function historyWarning(t: Translate, verdict: HistoryVerdict, s: BackfillState): string | undefined {
  if (verdict.kind === 'limited') return t('warnings.historyLimited', { scale: s.range.scale, date: dateText(verdict.historyStart) });
  if (verdict.kind === 'empty' && s.next >= s.pages) return t('warnings.noData');
  return undefined;
}

/** The status once a backfill is done: yellow when the cloud had less than asked for. */
function finishedStatus(t: Translate, s: BackfillState, verdict: HistoryVerdict, time: string): StatusValue {
  if (verdict.kind === 'limited') {
    const text = t('status.backfillLimited', { date: dateText(verdict.historyStart), scale: s.range.scale });
    return { fill: 'yellow', shape: 'dot', text: shorten(text) };
  }
  if (verdict.kind === 'empty') return { fill: 'yellow', shape: 'ring', text: t('status.backfillEmpty', { time }) };
  return { fill: 'green', shape: 'dot', text: t('status.backfillDone', { count: String(s.buckets), time }) };
}

/** A backfill's report to the node: statuses and failures in the node's wording. */
export function backfillReport(wording: Wording, output: Pick<MeasureOutput, 'status' | 'error'>, now: () => number): BackfillReport {
  const t = wording.t;
  return {
    progress: (s) => output.status(backfillProgressStatus(t, s)),
    waiting: (ms) => output.status(waitingStatus(t, ms, 'status.backfillWaiting')),
    finished: (s, verdict) => output.status(finishedStatus(t, s, verdict, localTime(now(), now(), s.range.timeZone ?? null))),
    failed: (err) => output.status(failedStatus(wording, err)),
    error: (err) => output.error(wording.describe(err)),
    warning: (verdict, s) => historyWarning(t, verdict, s),
  };
}
