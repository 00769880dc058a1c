// The simulator's public vocabulary. Deliberately its own: src/simulator imports nothing from the rest of
// src, so that the client and this stand-in cloud check each other instead of sharing a mistake.

export interface FaultOptions {
  /** HTTP 500/503 with a JSON error. */
  error5xxRate: number;
  /** HTTP 429 {"error":{"code":11,...}}: the cloud's own load shedding. */
  code11Rate: number;
  /** Answer late by slowMs (real time), then normally. */
  slowRate: number;
  slowMs: number;
  /** Hold the request until the client gives up or the socket closes. */
  timeoutRate: number;
  /** 200 with truncated JSON. */
  malformedJsonRate: number;
  /** 502 with an HTML proxy error page. */
  htmlRate: number;
  /** Also apply faults to /oauth2/token (always before any rotation happens). */
  faultsOnToken: boolean;
}

export interface RateWindow {
  windowMs: number;
  max: number;
}

export interface SimulatorOptions {
  /** Default 0 (ephemeral); always binds 127.0.0.1. */
  port?: number;
  /** Default 42; everything is deterministic from it. */
  seed?: number;
  clientId?: string;
  clientSecret?: string;
  /** Seeds one valid refresh token (as the Netatmo token generator would). */
  refreshToken?: string;
  /** Optional seeded valid access token. */
  accessToken?: string;
  /** expires_in announced, default 10800. */
  tokenLifetimeSec?: number;
  /** Early-expiry knob: tokens die after this though expires_in says more. */
  accessTokenRealLifetimeSec?: number;
  /** Epoch ms; default Date.now. */
  now?: () => number;
  /**
   * The time zone of the home with the ecocounter (default Europe/Paris): its household lives on local
   * hours and its day, week and month buckets follow its local calendar. The second home is in Asia/Tokyo.
   */
  timeZone?: string;
  /**
   * The nine line labels (default: plain French ones). Tests of escaping pass hostile ones here: the
   * demo home looks like a real home.
   */
  lineNames?: readonly string[];
  /** Default 400: data exists from now - historyDays (now at start). */
  historyDays?: number;
  /** The cloud keeps less history at fine scales (default none), e.g. { '30min': 60 }. */
  maxHistoryDaysByScale?: Partial<Record<string, number>>;
  /** Per user; default [{10000,50},{3600000,500}]. */
  rateLimits?: RateWindow[];
  /** Default 180; 0 = every bucket is uploaded the moment it ends. */
  uploadEveryMin?: number;
  /** Default 25. */
  uploadJitterMin?: number;
  /** Default 0.04: share of buckets first served with a preliminary (lower) value. */
  revisionRate?: number;
  /**
   * The Legrand range's gateways upload every `meterUploadEveryMin` (default 30; 0 = the moment a slot
   * ends), `meterUploadDelayMin` (default 20) to that plus `meterUploadJitterMin` (default 5) past each
   * multiple of it on the epoch: with the defaults, a 30-min bucket is served 20 to 25 min after it ends.
   */
  meterUploadEveryMin?: number;
  meterUploadDelayMin?: number;
  meterUploadJitterMin?: number;
  /** Default 0: share of the range's slots first served with a preliminary (lower) value. */
  meterRevisionRate?: number;
  /** Default true: one module of the range per home goes unreachable on its own now and then (`SimMeter.flaky`). */
  flakyModules?: boolean;
  faults?: Partial<FaultOptions>;
  /** Send Retry-After (seconds) with code 26 answers; default false (unconfirmed in the real API). */
  retryAfterHeader?: boolean;
}

export interface SimStats {
  /** path -> HTTP status (or "timeout" for held requests) -> count */
  requests: Record<string, Record<string, number>>;
  tokensIssued: number;
  refreshGrants: number;
  codeGrants: number;
  invalidGrant: number;
  rateLimited: number;
  code11: number;
  faultsInjected: number;
}

export interface SimLine {
  homeId: string;
  homeName: string;
  /** The home's IANA time zone: its days, weeks, months and off-peak hours. */
  timezone: string;
  deviceId: string;
  moduleId: string;
  index: number;
  name: string;
}

/** A module of the Legrand range that measures energy (not the ecocounter's lines: `lines()`). */
export interface SimMeter {
  homeId: string;
  homeName: string;
  timezone: string;
  /** Its `bridge`: the gateway getmeasure wants as `device_id` (not always a module of the home). */
  deviceId: string;
  moduleId: string;
  /** The Netatmo type: NLPC, NLPS, NLY, NLP, NLPT, NLPM, NLPO, NLIS, NLL. */
  model: string;
  /** `meter` (NLPC, NLPS, the NLY itself), `phase` (an NLY's `#N`), `appliance` (plugs, switches, lights). */
  role: 'meter' | 'phase' | 'appliance';
  /** N of a `#N` sub-module, else null. */
  index: number | null;
  name: string;
  /** The home's contract: energy in `$0` (basic) or in `$1`/`$2` (peak and off-peak). */
  tariff: 'basic' | 'peak_and_off_peak';
  /** homestatus gives `reachable` and `last_seen` (false for a double switch's `#N`, as in real answers). */
  lastSeen: boolean;
  /** While unreachable, homestatus leaves `power` out ('absent') or says 0 ('zero'). */
  unreachablePower: 'absent' | 'zero';
  /** Goes unreachable on its own now and then (10 to 60 min in about half of the 6-hour periods). */
  flaky: boolean;
}

/** The final energy of a bucket (Wh, the sum of its tariff columns), times in epoch ms. */
export interface SimEnergy {
  start: number;
  end: number;
  wh: number;
}

/** Times in epoch ms. */
export interface SimBucket {
  start: number;
  end: number;
  values: Record<string, number | null>;
}

export interface BucketQuery {
  moduleId: string;
  types: string[];
  scale: string;
  from: number;
  to: number;
}

export interface Simulator {
  url: string;
  port: number;
  clientId: string;
  clientSecret: string;
  stats(): SimStats;
  resetStats(): void;
  setFaults(f: Partial<FaultOptions>): void;
  issueTokens(): { accessToken: string; refreshToken: string; expiresIn: number };
  expireAccessTokens(): void;
  lines(): SimLine[];
  /** Every module of the Legrand range that measures energy, home then homesdata order. */
  modules(): SimMeter[];
  /** Any line or module: the buckets as served now (or finally). */
  buckets(q: BucketQuery, opts?: { final?: boolean }): SimBucket[];
  /** When the 30-min slot starting at `start` is first served (+Infinity if never). */
  availableAt(moduleId: string, start: number): number;
  /** The final Wh of each bucket of a line or module with data, from the bucket containing `from`, starting before `to`. */
  energyTruth(moduleId: string, scale: string, from: number, to: number): SimEnergy[];
  /**
   * The `power` homestatus shows at `t` (ms) for a module of the range, null while unreachable. A module
   * draws a constant power during each epoch minute m and reports it at m*60 + offset seconds (0..20,
   * per module): sample at m*60 + 30 s to read minute m.
   */
  powerAt(moduleId: string, t: number): number | null;
  /** The `reachable` homestatus shows at `t`. */
  reachableAt(moduleId: string, t: number): boolean;
  /**
   * From the module's next report after now (the simulator's clock; within a minute, so move the clock on a
   * minute before looking) the module is unreachable (or reachable again): no power in
   * homestatus, `last_seen` frozen, its minutes lost from getmeasure. An NLY and its phases go together, and
   * so do a double switch's `#1` and `#2` (the NLIS itself then says `reachable: false`).
   */
  setReachable(moduleId: string, reachable: boolean): void;
  /**
   * Passes (a copy of) the `body` of every 200 answer of '/api/homesdata', '/api/homestatus' or
   * '/api/getmeasure' through `rewrite`, whose result is sent instead, to serve a malformed or surprising
   * answer; null restores the plain answers.
   */
  rewriteAnswers(path: string, rewrite: ((body: unknown) => unknown) | null): void;
  close(): Promise<void>;
}
