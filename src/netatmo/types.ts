// The Netatmo client's own vocabulary: buckets, queries, tokens, the connection state.
// Nothing in here knows about Node-RED; nothing here talks to the network.
import type { Scale } from '../contract/measure-types';
import type { ConsumptionFamily } from '../contract/meter-models';

/** One bucket of consumption. Times are epoch milliseconds; energy in Wh. */
export interface Bucket {
  start: number;
  end: number;
  /** One entry per requested type, in request order; null where the cloud has no value. */
  values: Record<string, number | null>;
  /**
   * The plain value of the line's consumption family (`sum_energy_elec`, `sum_energy_buy_from_grid`)
   * when not null, else the sum of that family's non-null `$0..$2`, else null. Production and
   * prices never count.
   */
  total: number | null;
}

/** What a read asks for. Times are epoch milliseconds. */
export interface MeasureQuery {
  deviceId: string;
  moduleId: string;
  types: readonly string[];
  scale: Scale;
  dateBegin: number;
  /** Omitted: up to now. */
  dateEnd?: number;
  /**
   * The home's IANA time zone (the line's `timezone`): `1day`, `1week` and `1month` buckets run
   * from its local midnights, Mondays and 1sts. Omitted: Node-RED's own zone. Ignored below a day.
   */
  timeZone?: string;
  /**
   * The family whose values make `total` (the module's model's). Omitted: `sum_energy_elec` when
   * a type of it is asked, else `sum_energy_buy_from_grid`.
   */
  consumption?: ConsumptionFamily;
}

/** A token pair as we keep it. Times are epoch milliseconds. */
export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  /** When the access token stops being valid. */
  expiresAt: number;
  /** When the pair was issued (or entered by the user): the newest pair wins. */
  issuedAt: number;
}

/** The connection state the editor and the nodes show. Never carries a token. */
export type ConnectionState =
  | { status: 'not_connected' }
  /** `unsaved`: the pair in use is not on disk yet (the disk refused it; `detail` says why, e.g. ` (ENOSPC)`), retried until it is. */
  | { status: 'connected'; validUntil: number; unsaved?: { detail: string } }
  | { status: 'reauth'; reason: string };

/** Progress of a multi-request read. */
export interface ReadProgress {
  done: number;
  total: number;
}

/**
 * What one getmeasure answer held before it was cut to the range asked: paging by cursor needs
 * to know whether the answer was full (the cloud may hold more) and where it stopped.
 */
export interface AnswerExtent {
  /** Rows in the answer (at most 1024), empty ones included. */
  rows: number;
  /** Start of its latest bucket (epoch ms), or null when it held none. */
  lastStart: number | null;
}

/** Hooks a caller gives to a read, so a node can show what is happening. */
export interface ReadOptions {
  signal?: AbortSignal;
  /** Called when a request has to wait for the rate budget (ms to wait), and with 0 when it goes. */
  onWait?: (ms: number) => void;
  /** Called after each page of a multi-page read. */
  onProgress?: (progress: ReadProgress) => void;
  /**
   * Place in the account's rate budget: `normal` requests go before `background` ones (long
   * backfills), so a backfill never starves the regular reads. Default: background for reads of
   * more than a few pages, else normal.
   */
  priority?: 'normal' | 'background' | 'live';
  /**
   * One request from `dateBegin` to `dateEnd` however long the range: the cloud answers its first
   * 1024 buckets from `dateBegin` on, so a read that starts before the cloud's history finds where
   * that history begins in one request instead of paging through empty months. A backfill asks
   * each of its requests this way, from just after the last bucket received.
   */
  seek?: boolean;
  /** Called with what each answer held, before its buckets are cut to the range. */
  onAnswer?: (extent: AnswerExtent) => void;
}
