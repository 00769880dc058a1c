// `interval: auto` for econetatmo-measure: the node reads when the ecocounter has uploaded
// instead of every 10 min. The learnt schedule is shared by every node on the same account and
// ecocounter (its lines upload together; the account's DeviceSchedules keeps it), and kept in
// the node's memory file so that a restart does not start the learning over. The learning
// itself is src/netatmo/upload-schedule.ts.
import type { DeviceSchedule, ReadAdvice } from '../netatmo/device-schedule';
import type { Bucket } from '../netatmo/types';
import type { Clock } from '../lib/clock';
import { SingleTimer } from '../lib/timer';
import type { Scale } from '../contract/measure-types';
import type { ReadPlan } from './input';
import type { UploadSchedules } from './ports';
import { UPLOADS_KEY, type NodeMemory } from './store';

/** The node's `interval` says `auto`. */
export function isAutoInterval(raw: unknown): boolean {
  return typeof raw === 'string' && raw.trim().toLowerCase() === 'auto';
}

/** What a window read tells the schedule. */
export function observation(moduleId: string, at: number, scale: Scale, buckets: readonly Bucket[], changed: boolean) {
  const last = buckets[buckets.length - 1];
  return { lineId: moduleId, at, newestEnd: last ? last.end : null, changed, fine: scale === '30min' };
}

/** The uploads the node learnt before a restart (its memory file); undefined when none or unreadable. */
export function savedUploads(memory: NodeMemory): unknown {
  try {
    return memory.get(UPLOADS_KEY);
  } catch {
    return undefined;
  }
}

/**
 * Tell the ecocounter's upload schedule what a window read saw (whatever the node's interval),
 * and keep what it learnt in the node's memory.
 */
export function observeRead(schedules: UploadSchedules, memory: NodeMemory, plan: ReadPlan, buckets: readonly Bucket[], changed: boolean, now: number): void {
  const schedule = schedules.of(plan.deviceId);
  if (!schedule.observe(observation(plan.moduleId, now, plan.scale, buckets, changed))) return;
  try {
    memory.set(UPLOADS_KEY, schedule.learner.toJSON());
  } catch {
    // Without its memory the node learns the schedule again after a restart.
  }
}

export interface AutoPollerDeps {
  clock: () => Clock;
  schedule: DeviceSchedule;
  lineId: string;
  /** Start a read now (the node queues it behind a running one). */
  read: () => void;
  /** A read is running or queued. */
  busy: () => boolean;
}

/** The timer of one node in `auto`: asks the device schedule when to read next. */
export class AutoPoller {
  private readonly timer: SingleTimer;
  private leave: (() => void) | null;
  private closed = false;

  constructor(private readonly deps: AutoPollerDeps) {
    this.timer = new SingleTimer(deps.clock);
    this.leave = deps.schedule.join(deps.lineId, (delayMs) => this.wake(delayMs));
  }

  start(firstDelayMs: number): void {
    this.at(this.deps.clock().now() + firstDelayMs);
  }

  /**
   * A read of this node ended (whatever it found): plan the next one, not sooner than
   * `minDelayMs` (the controller's back-off after a failure that repeats).
   */
  readDone(minDelayMs = 0): ReadAdvice | null {
    if (this.closed) return null;
    const now = this.deps.clock().now();
    const advice = this.deps.schedule.advise(this.deps.lineId, now, now);
    const at = Math.max(advice.at, now + 1000, now + minDelayMs);
    this.at(at);
    return { ...advice, at };
  }

  /** Another line saw an upload: read soon (staggered), unless a read is due sooner anyway. */
  wake(delayMs: number): void {
    if (this.closed) return;
    const at = this.deps.clock().now() + delayMs;
    const pending = this.timer.pendingAt();
    if (pending === null || pending > at) this.at(at);
  }

  stop(): void {
    this.closed = true;
    this.timer.clear();
    this.leave?.();
    this.leave = null;
  }

  private at(at: number): void {
    this.timer.setAt(at, () => this.fire());
  }

  private fire(): void {
    if (this.closed) return;
    if (this.deps.busy()) {
      // The running read will call readDone(); keep a safety timer in case it does not.
      const clock = this.deps.clock();
      this.at(clock.now() + this.deps.schedule.options.fallbackMs);
      return;
    }
    this.deps.read();
  }
}
