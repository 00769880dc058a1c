// Home Assistant's side of the export: statistic ids, the `recorder/import_statistics` command
// and the `recorder/statistics_during_period` read that gives back a lost sum. The schemas are
// those of Home Assistant's recorder (homeassistant/components/recorder/websocket_api.py and
// statistics.py): metadata with `mean_type` and `unit_class`, rows at the top of an hour with a
// time zone, an external `statistic_id` of the form `<source>:<object id>`.
import { ExportProblem, HOUR } from './types';
import { ENERGY_PER_UNIT, type HourRow } from './hour-ledger';

/** The recorder's rule for an external statistic id (VALID_STATISTIC_ID in statistics.py). */
export const VALID_STATISTIC_ID = /^(?!.+__)(?!_)[\da-z_]+(?<!_):(?!_)[\da-z_]+(?<!_)$/;
/** Its two halves on their own: what a `source` or an object id may be. */
const VALID_PART = /^(?!.*__)(?!_)[\da-z_]+(?<!_)$/;

export const DEFAULT_SOURCE = 'econetatmo';
/** Rows per command: a year of backfill becomes a few dozen messages of bounded size. */
export const ROWS_PER_MESSAGE = 500;
/** How far back the baseline read looks for the last row before the first hour sent. */
export const BASELINE_LOOKBACK_MS = 400 * 24 * HOUR;

export interface StatisticMetadata {
  source: string;
  statistic_id: string;
  name: string;
  /** `kWh`, or a currency (ISO 4217) for a cost statistic. */
  unit_of_measurement: string;
  unit_class: 'energy' | null;
  has_sum: true;
  mean_type: 0;
}

export interface StatisticRow {
  start: string;
  state: number;
  sum: number;
}

export interface ImportStatisticsCommand {
  type: 'recorder/import_statistics';
  metadata: StatisticMetadata;
  stats: StatisticRow[];
}

export interface StatisticsDuringPeriodCommand {
  type: 'recorder/statistics_during_period';
  start_time: string;
  statistic_ids: string[];
  period: 'hour';
  types: Array<'state' | 'sum'>;
}

export function checkSource(source: string): string {
  if (!VALID_PART.test(source)) throw new ExportProblem('badSource', { source });
  return source;
}

/**
 * `<source>:<object id>`. By default the object id comes from the module id alone, so that
 * renaming a line keeps its statistic: an ecocounter line's is the ecocounter's id and the line's
 * index (`70ee50a1b2c3_4`), any other module's its own id (`123456000000a14cda`, and `_N` for a
 * `#N` sub-module). `override` replaces it.
 */
export function statisticIdFor(source: string, moduleId: string, override: string): string {
  checkSource(source);
  let objectId: string;
  if (override.trim() !== '') {
    objectId = override.trim();
    if (!VALID_PART.test(objectId)) throw new ExportProblem('badStatisticId', { id: objectId });
  } else {
    const [device, index] = moduleId.split('#');
    objectId = `${device.replace(/:/g, '').toLowerCase()}${index !== undefined ? `_${index}` : ''}`;
  }
  const id = `${source}:${objectId}`;
  if (!VALID_STATISTIC_ID.test(id)) throw new ExportProblem('badStatisticId', { id });
  return id;
}

export function metadataFor(source: string, statisticId: string, name: string): StatisticMetadata {
  return { source, statistic_id: statisticId, name, unit_of_measurement: 'kWh', unit_class: 'energy', has_sum: true, mean_type: 0 };
}

/** The cost statistic beside an energy one: `<statistic_id>_cost`, in a currency, no unit class. */
export function costStatisticId(statisticId: string): string {
  return `${statisticId}_cost`;
}

export function costMetadataFor(source: string, statisticId: string, name: string, currency: string): StatisticMetadata {
  return { source, statistic_id: statisticId, name, unit_of_measurement: currency, unit_class: null, has_sum: true, mean_type: 0 };
}

const DAY = 24 * HOUR;
/** `HH:00:00+00:00` for each hour of a day. */
const HOUR_TAILS = Array.from({ length: 24 }, (_, h) => `${String(h).padStart(2, '0')}:00:00+00:00`);
/** The `YYYY-MM-DDT` of the last day asked: a year of rows formats 365 dates, not 8 760. */
let lastDay = Number.NaN;
let lastDayPrefix = '';

/** ISO 8601 with an explicit offset, at the top of the (UTC) hour: `2025-03-12T10:00:00+00:00`. */
export function hourIso(start: number): string {
  if (start % HOUR !== 0) return new Date(start).toISOString().replace(/\.\d{3}Z$/, '+00:00');
  const day = Math.floor(start / DAY);
  if (day !== lastDay) {
    // Checked before it is kept: toISOString throws for a time out of range.
    lastDayPrefix = new Date(day * DAY).toISOString().slice(0, -13);
    lastDay = day;
  }
  return lastDayPrefix + HOUR_TAILS[(start - day * DAY) / HOUR];
}

/**
 * A ledger's value as sent: Wh -> kWh (`perUnit` 1000), millionths of a currency -> the currency
 * (1e6); rounded to the ledger's whole unit so that sums carry no binary noise.
 */
export function sentValue(value: number, perUnit = ENERGY_PER_UNIT): number {
  return Math.round(value) / perUnit;
}

/** The rows as one or more commands, each of at most `perMessage` rows, oldest first. */
export function importCommands(
  metadata: StatisticMetadata,
  rows: HourRow[],
  perMessage = ROWS_PER_MESSAGE,
  perUnit = ENERGY_PER_UNIT,
): ImportStatisticsCommand[] {
  const out: ImportStatisticsCommand[] = [];
  for (let i = 0; i < rows.length; i += perMessage) {
    const stats: StatisticRow[] = [];
    for (let j = i; j < Math.min(rows.length, i + perMessage); j++) {
      const r = rows[j];
      stats.push({ start: hourIso(r.start), state: sentValue(r.state, perUnit), sum: sentValue(r.sum, perUnit) });
    }
    out.push({ type: 'recorder/import_statistics', metadata, stats });
  }
  return out;
}

/** The read that tells what Home Assistant holds from `from` back to the lookback. */
export function baselineRequest(statisticId: string, from: number): StatisticsDuringPeriodCommand {
  return {
    type: 'recorder/statistics_during_period',
    start_time: hourIso(from - BASELINE_LOOKBACK_MS),
    statistic_ids: [statisticId],
    period: 'hour',
    types: ['state', 'sum'],
  };
}

/** One hourly row of Home Assistant's answer, in the ledger's units (Wh for energy). */
export interface HaRow {
  start: number;
  state: number | null;
  sum: number;
}

/**
 * The answer of `recorder/statistics_during_period` (`{ <statistic_id>: [{ start, end, state,
 * sum }] }`, times in epoch ms; `{}` when the statistic has no rows) as rows in the ledger's units
 * (`perUnit` of what Home Assistant holds: Wh, or millionths of a currency), oldest first.
 */
export function parseBaselineAnswer(answer: unknown, statisticId: string, perUnit = ENERGY_PER_UNIT): HaRow[] {
  if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) throw new ExportProblem('badAnswer', {});
  const rows = (answer as Record<string, unknown>)[statisticId];
  if (rows === undefined) return [];
  if (!Array.isArray(rows)) throw new ExportProblem('badAnswer', {});
  const out: HaRow[] = [];
  for (const r of rows) {
    if (typeof r !== 'object' || r === null) throw new ExportProblem('badAnswer', {});
    const { start, state, sum } = r as Record<string, unknown>;
    const startMs = typeof start === 'number' ? start : typeof start === 'string' ? Date.parse(start) : NaN;
    if (!Number.isFinite(startMs) || typeof sum !== 'number' || !Number.isFinite(sum)) continue;
    out.push({
      start: startMs,
      state: typeof state === 'number' && Number.isFinite(state) ? Math.round(state * perUnit) : null,
      sum: Math.round(sum * perUnit),
    });
  }
  return out.sort((a, b) => a.start - b.start);
}

/**
 * Home Assistant's sum (Wh) at the end of the hour before `from`: its last row before `from`;
 * else its first row from `from` on, less that row's own state; else 0 (a new statistic).
 */
export function sumBefore(rows: HaRow[], from: number): { sum: number; fromHa: boolean } {
  let before: HaRow | undefined;
  for (const r of rows) if (r.start < from) before = r;
  if (before) return { sum: before.sum, fromHa: true };
  const after = rows.find((r) => r.start >= from);
  if (after) return { sum: after.sum - (after.state ?? 0), fromHa: true };
  return { sum: 0, fromHa: false };
}
