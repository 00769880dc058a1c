// The one test clock (the soak, the benchmark, the node and the unit tests): simulated days run
// in seconds. How its timers run is chosen per test (`timers`):
// - 'virtual' (default): time moves when the test says. `runFor`/`advanceTo` fire the timers in
//   time order and jump to the next one only once the process is idle, so that real I/O (HTTP on
//   loopback to the simulator, the token store on disk) completes between them as in real life
//   ("idle" = no HTTP client request in flight, no pending file-system or connect request, and a
//   few event-loop turns with no new timer). `advance` lets only promises settle between timers
//   (unit tests of pure parts); `advanceSync` fires the due timers at once.
// - 'auto': the next timer fires as soon as the event loop turns: waits of minutes take no time.
// - 'real': Node's own timers; `now` is real time plus `offset`, which the test moves.
// - 'skip': every timer fires on the next turn and `offset` jumps by its delay: backoffs and
//   rate-budget pauses take no real time, yet the code sees them pass.
import diagnostics_channel from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import type { Clock } from '../../src/lib/clock';

/** HTTP client requests of this process that have not closed yet (whoever made them). */
const inFlight = new Set<ClientRequest>();
let requestsStarted = 0;

function onRequestStart(message: unknown): void {
  const request = (message as { request?: ClientRequest }).request;
  if (request === undefined) return;
  requestsStarted += 1;
  inFlight.add(request);
  // 'close' comes after the answer's end, or when the request is aborted or its socket dies.
  request.once('close', () => inFlight.delete(request));
}
diagnostics_channel.subscribe('http.client.request.start', onRequestStart);

export function httpRequestsInFlight(): number {
  return inFlight.size;
}

/**
 * libuv requests mean "some real I/O will call back soon": every kind named *Req* (fs, close of a
 * FileHandle, DNS) and the short-lived stream requests. Handles (sockets, servers) do not count.
 */
const STREAM_REQUESTS = new Set(['TCPConnectWrap', 'PipeConnectWrap', 'ShutdownWrap', 'WriteWrap']);

function isRequest(kind: string): boolean {
  return kind.includes('Req') || STREAM_REQUESTS.has(kind);
}

function realIoPending(): boolean {
  return process.getActiveResourcesInfo().some(isRequest);
}

/** What `setTimeout` of the virtual clock returns: harmless to `unref()` like a Node timer. */
export interface VirtualTimer {
  readonly id: number;
  readonly at: number;
  ref(): VirtualTimer;
  unref(): VirtualTimer;
  hasRef(): boolean;
}

interface Entry {
  handle: VirtualTimer;
  fn: () => void;
  seq: number;
}

export type TimerMode = 'virtual' | 'auto' | 'real' | 'skip';

export interface VirtualClockOptions {
  /** Start time (epoch ms); default: now, rounded down to the minute. Not for 'real' and 'skip'. */
  start?: number;
  /** How the timers run (see the top of this file); default 'virtual'. */
  timers?: TimerMode;
  /** One more way to say "not idle" (e.g. a server that still works on something). */
  busy?: () => boolean;
  /** Event-loop turns with nothing new before the process counts as idle (default 4). */
  quietTurns?: number;
  /** Real ms a settle may take before it gives up with an error (default 120 s). */
  maxSettleMs?: number;
}

export interface ClockStats {
  timersFired: number;
  /** Real ms spent waiting for I/O to finish. */
  settleMs: number;
  /** HTTP client requests seen since the clock was created. */
  httpRequests: number;
}

const immediate = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** One turn of the event loop: pending promise callbacks run. */
export const flush = immediate;
const realDelay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class VirtualClock implements Clock {
  private t: number;
  private readonly timers = new Map<number, Entry>();
  private nextId = 1;
  private seq = 0;
  /** Bumped by every setTimeout/clearTimeout: activity that makes the loop not quiet yet. */
  private activity = 0;
  private readonly busyProbe?: () => boolean;
  private readonly quietTurns: number;
  private readonly maxSettleMs: number;
  private readonly requestsAtStart = requestsStarted;
  private running = false;
  private disposed = false;
  private readonly counters = { timersFired: 0, settleMs: 0 };
  /** Errors thrown by timer callbacks; each is also rethrown as an uncaught exception. */
  readonly timerErrors: unknown[] = [];
  readonly mode: TimerMode;
  /** 'real' and 'skip': how far `now` is ahead of real time. */
  offset = 0;
  private autoArmed = false;

  constructor(options: VirtualClockOptions = {}) {
    this.t = options.start ?? Math.floor(Date.now() / 60_000) * 60_000;
    this.mode = options.timers ?? 'virtual';
    this.busyProbe = options.busy;
    this.quietTurns = options.quietTurns ?? 4;
    this.maxSettleMs = options.maxSettleMs ?? 120_000;
  }

  // Arrow properties: `now: clock.now` can be handed over unbound (the simulator takes it so).
  readonly now = (): number => (this.realTime() ? Date.now() + this.offset : this.t);

  readonly setTimeout = (fn: () => void, ms: number): unknown => {
    if (this.mode === 'real') return setTimeout(fn, ms);
    if (this.mode === 'skip') {
      return setTimeout(() => {
        this.offset += Math.max(0, ms);
        fn();
      }, 0);
    }
    const delay = Number.isFinite(ms) && ms > 0 ? ms : 0;
    const id = this.nextId++;
    const at = this.t + delay;
    let referenced = true;
    const handle: VirtualTimer = {
      id,
      at,
      ref: () => ((referenced = true), handle),
      unref: () => ((referenced = false), handle),
      hasRef: () => referenced,
    };
    this.activity += 1;
    if (!this.disposed) this.timers.set(id, { handle, fn, seq: this.seq++ });
    if (this.mode === 'auto') this.armAuto();
    return handle;
  };

  readonly clearTimeout = (handle: unknown): void => {
    if (this.realTime()) {
      clearTimeout(handle as NodeJS.Timeout);
      return;
    }
    const id = typeof handle === 'object' && handle !== null ? (handle as { id?: unknown }).id : undefined;
    if (typeof id === 'number' && this.timers.delete(id)) this.activity += 1;
  };

  /** Timers waiting to fire. */
  pending(): number {
    return this.timers.size;
  }

  /** Timers due at or before `at` (absolute). */
  dueBy(at: number): number {
    return [...this.timers.values()].filter((e) => e.handle.at <= at).length;
  }

  /**
   * Move `ms` forward, firing the due timers in order with one event-loop turn before each (for
   * promises to settle) but no wait for real I/O. An exception in a timer rejects this.
   */
  async advance(ms: number): Promise<void> {
    const target = this.t + ms;
    for (;;) {
      await flush();
      const next = this.earliest(target);
      if (next === undefined) break;
      this.fire(next);
    }
    if (target > this.t) this.t = target;
    await flush();
  }

  /** Move `ms` forward, firing the due timers in order right now (nothing settles between them). */
  advanceSync(ms: number): void {
    const target = this.t + ms;
    for (let next = this.earliest(target); next !== undefined; next = this.earliest(target)) this.fire(next);
    if (target > this.t) this.t = target;
  }

  /** When the next timer fires, or undefined when none waits. */
  nextAt(): number | undefined {
    const next = this.earliest(Number.POSITIVE_INFINITY);
    return next?.handle.at;
  }

  stats(): ClockStats {
    return { ...this.counters, httpRequests: requestsStarted - this.requestsAtStart };
  }

  /** Run `fn` as if the time were `t` (nothing fires): to ask the simulator what it served then. */
  at<T>(t: number, fn: () => T): T {
    const saved = this.t;
    this.t = t;
    try {
      return fn();
    } finally {
      this.t = saved;
    }
  }

  /** Fire every timer due up to `target`, in time order, letting I/O finish in between. */
  async advanceTo(target: number): Promise<void> {
    if (this.running) throw new Error('VirtualClock: advanceTo while already advancing');
    this.running = true;
    try {
      await this.settle();
      for (;;) {
        const next = this.earliest(target);
        if (next === undefined) break;
        this.timers.delete(next.handle.id);
        if (next.handle.at > this.t) this.t = next.handle.at;
        this.counters.timersFired += 1;
        try {
          next.fn();
        } catch (err: unknown) {
          // As in Node: an exception in a timer callback is an uncaught exception.
          this.timerErrors.push(err);
          setImmediate(() => {
            throw err;
          });
        }
        await this.settle();
      }
      if (target > this.t) this.t = target;
      await this.settle();
    } finally {
      this.running = false;
    }
  }

  runFor(ms: number): Promise<void> {
    return this.advanceTo(this.t + ms);
  }

  /** Wait (real time) until the process is idle. */
  async settle(): Promise<void> {
    const began = Date.now();
    let quiet = 0;
    let busySpins = 0;
    while (quiet < this.quietTurns) {
      const mark = this.activity;
      await immediate();
      if (this.isBusy()) {
        quiet = 0;
        busySpins += 1;
        const waited = Date.now() - began;
        if (waited > this.maxSettleMs) {
          throw new Error(`VirtualClock: still busy after ${waited} ms real (${inFlight.size} HTTP requests in flight)`);
        }
        // Spin on setImmediate for quick answers; then stop burning CPU on slow ones.
        if (busySpins > 200) await realDelay(1);
        continue;
      }
      quiet = mark === this.activity ? quiet + 1 : 0;
    }
    this.counters.settleMs += Date.now() - began;
  }

  /** Drop every timer; later setTimeout calls are ignored (the flow is being torn down). */
  dispose(): void {
    this.disposed = true;
    this.timers.clear();
  }

  private realTime(): boolean {
    return this.mode === 'real' || this.mode === 'skip';
  }

  private fire(entry: Entry): void {
    this.timers.delete(entry.handle.id);
    if (entry.handle.at > this.t) this.t = entry.handle.at;
    this.counters.timersFired += 1;
    entry.fn();
  }

  /** 'auto': the earliest timer fires on the next turn of the event loop. */
  private armAuto(): void {
    if (this.autoArmed) return;
    this.autoArmed = true;
    setImmediate(() => {
      this.autoArmed = false;
      const next = this.earliest(Number.POSITIVE_INFINITY);
      if (next === undefined) return;
      this.fire(next);
      if (this.timers.size > 0) this.armAuto();
    });
  }

  private isBusy(): boolean {
    return inFlight.size > 0 || realIoPending() || (this.busyProbe?.() ?? false);
  }

  private earliest(limit: number): Entry | undefined {
    let best: Entry | undefined;
    for (const entry of this.timers.values()) {
      if (entry.handle.at > limit) continue;
      if (best === undefined || entry.handle.at < best.handle.at || (entry.handle.at === best.handle.at && entry.seq < best.seq)) {
        best = entry;
      }
    }
    return best;
  }
}
