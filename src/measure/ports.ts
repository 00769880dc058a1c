// What the measure layer needs from outside it, named here so that it depends on its own ports
// rather than on the account's classes: the measures and the shared services of the account
// (src/account/services.ts fits them), and the node's face (where statuses, messages and
// failures go), which src/nodes/measure fills from Node-RED.
import type { Line } from '../contract/line';
import type { BackgroundShare } from '../netatmo/backfill-pacer';
import type { BackfillPersistence } from '../netatmo/backfill-store';
import type { BackfillState } from '../netatmo/backfill';
import type { DeviceSchedule } from '../netatmo/device-schedule';
import type { Bucket, MeasureQuery, ReadOptions } from '../netatmo/types';
import type { StatusValue } from './status';
import type { Prices } from '../account/prices';

export type Message = Record<string, unknown>;
export type SendFn = (msg: Message) => void;

/** Where the buckets come from: the account's client. */
export interface MeasureSource {
  readMeasures(query: MeasureQuery, options?: ReadOptions): Promise<Bucket[]>;
  /** The cloud's time at board time `boardNow` (absent: the board's clock is taken as right). */
  cloudTime?(boardNow: number): number;
}

/**
 * The cloud's time at board time `boardNow`, when the account knows it: what "now" means for the
 * data (a range's end, a date "in the future"), whatever the board's clock says.
 */
export function cloudNow(account: MeasureSource, boardNow: number): number {
  return account.cloudTime?.(boardNow) ?? boardNow;
}

/** The account's line directory: never fails, a line it does not know is null. */
export interface LineDirectoryPort {
  line(moduleId: string, signal?: AbortSignal): Promise<Pick<Line, 'timezone' | 'deviceId' | 'model'> | null>;
  /** The line's name for `msg.topic`, else its id. */
  nameOf(moduleId: string, signal?: AbortSignal): Promise<string>;
}

/** The upload schedule of each ecocounter and gateway of the account, for `interval: auto`. */
export interface UploadSchedules {
  /** `saved`: a node's remembered uploads, used when the account has learnt none yet. */
  of(deviceId: string, saved?: unknown): DeviceSchedule;
}

/** What the account's nodes share (one per account config node). */
export interface MeasureServices {
  lines: LineDirectoryPort;
  /** The account's share of the hour for background pages. */
  share: BackgroundShare;
  schedules: UploadSchedules;
  /** The prices of a line's home (never fails: null when none is known). Absent: no costs. */
  pricesOf?(moduleId: string, signal?: AbortSignal): Promise<Prices | null>;
}

/** Where a node's unfinished backfills wait for a redeploy or a restart. */
export interface BackfillStore extends BackfillPersistence {
  list(nodeId: string): BackfillState[];
  removeNode(nodeId: string): void;
}

/** The line's name for `msg.topic`; never fails (falls back to the id). */
export type NameOf = (moduleId: string, signal?: AbortSignal) => Promise<string>;
/** The line's home time zone; never fails (null: none known, days follow Node-RED's own zone). */
export type ZoneOf = (moduleId: string, signal?: AbortSignal) => Promise<string | null>;

/** What a read needs to know of a line beyond its id. */
export interface LineFacts {
  nameOf: NameOf;
  zoneOf: ZoneOf;
}

export function lineFacts(lines: LineDirectoryPort): LineFacts {
  return {
    nameOf: (id, signal) => lines.nameOf(id, signal),
    zoneOf: async (id, signal) => (await lines.line(id, signal))?.timezone ?? null,
  };
}

/** The node's face: Node-RED's `node.status`, `node.send` and `node.error`. */
export interface MeasureOutput {
  status(status: StatusValue): void;
  /** Send without a message to answer (the timer's reads, resumed backfills). */
  send(msg: Message): void;
  /**
   * A failure no message asked for, as its text in the user's language (Catch nodes see it; a
   * text, not an Error, see failureText in src/nodes/shared/status-text.ts).
   */
  error(text: string): void;
}
