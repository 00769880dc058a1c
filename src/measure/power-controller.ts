// What one `econetatmo-power` node does, apart from Node-RED: its settings checked once, a read
// at start and at every multiple of its interval (so that the account's power nodes read at the
// same instants and share each home's request), what it sends (on the timer a module's reading
// only when it changed; on input every reading), its warnings and its status as plain values.
import type { Clock } from '../lib/clock';
import type { PowerReading } from '../contract/power';
import { isNetatmoError } from '../netatmo/errors';
import { errorStatus, problemStatus, readingStatus, waitingStatus, type DescribeError, type StatusValue, type Translate } from './status';
import { isProblem, parsePowerSettings, type PowerSettings } from './power-settings';
import { NotOnAccount, readPower, type PowerRead, type PowerServices } from './power-read';
import { powerStatus } from './power-status';

export type Message = Record<string, unknown>;

export interface PowerHost {
  services: PowerServices;
  clock: () => Clock;
  /** A runtime text of `econetatmo-power`. */
  t: Translate;
  describe: DescribeError;
  status(status: StatusValue): void;
  /** The timer's messages (no message to answer). */
  send(msgs: Message[]): void;
  /** A failure no message asked for, as its text (Catch nodes see it). */
  error(text: string): void;
  warn(text: string): void;
}

export interface PowerConfig {
  modules?: unknown;
  interval?: unknown;
  output?: unknown;
}

/** What an input gets: the messages to send, and the failure to hand to done() after them. */
export interface InputOutcome {
  messages: Message[];
  error: string | null;
}

/**
 * The next timer read of a node reading every `intervalMs`: the next multiple of it since the
 * epoch, so that the account's power nodes with the same interval ask at the same instant and
 * share each home's request.
 */
export function nextReadAt(now: number, intervalMs: number): number {
  return (Math.floor(now / intervalMs) + 1) * intervalMs;
}

function changeKey(r: PowerReading): string {
  return `${String(r.power)}|${String(r.reachable)}|${r.lastSeen}`;
}

export class PowerController {
  private readonly abort = new AbortController();
  private readonly settings: PowerSettings | null;
  private readonly problem: string | null;
  private timer: { clock: Clock; handle: unknown } | null = null;
  private ticking = false;
  private closed = false;
  /** What each module's last message said (power, reachable, lastSeen). */
  private readonly sent = new Map<string, string>();
  private readonly warned = new Set<string>();
  /** The timer's failure that was reported: the same one again is not reported again. */
  private reported: string | null = null;

  constructor(
    private readonly host: PowerHost,
    config: PowerConfig,
  ) {
    const parsed = parsePowerSettings(config);
    this.settings = isProblem(parsed) ? null : parsed;
    this.problem = isProblem(parsed) ? host.t(parsed.key, parsed.args) : null;
  }

  /** A setting that cannot work is said once and nothing is read; else the first read and the timer (none with interval 0). */
  start(): void {
    if (this.problem !== null) {
      this.host.status(problemStatus(this.problem, 'ring'));
      this.host.error(this.problem);
      return;
    }
    if (this.settings?.intervalS === 0) return; // only on input
    void this.tick();
  }

  async input(): Promise<InputOutcome> {
    if (this.settings === null) throw new Error(this.problem ?? 'invalid settings');
    this.host.status(readingStatus(this.host.t));
    let read: PowerRead;
    try {
      read = await readPower(this.host.services, this.settings.modules, this.abort.signal, this.onWait);
    } catch (err) {
      const text = this.failureText(err);
      this.host.status(this.failureStatus(err, text));
      throw new Error(text);
    }
    const messages = this.after(read, read.readings);
    const error = read.failures.length > 0 ? this.failureText(read.failures[0]) : null;
    if (error !== null) this.host.status(this.failureStatus(read.failures[0], error));
    return { messages, error };
  }

  /** Energy reads go first: when the budget is short the status says how long power waits. */
  private readonly onWait = (ms: number): void => {
    if (ms > 0 && !this.closed) this.host.status(waitingStatus(this.host.t, ms));
  };

  close(): void {
    this.closed = true;
    this.abort.abort();
    if (this.timer !== null) this.timer.clock.clearTimeout(this.timer.handle);
    this.timer = null;
  }

  private schedule(): void {
    const settings = this.settings;
    if (this.closed || settings === null || settings.intervalS === 0) return;
    const clock = this.host.clock();
    const now = clock.now();
    const handle = clock.setTimeout(
      () => {
        this.timer = null;
        void this.tick();
      },
      nextReadAt(now, settings.intervalS * 1000) - now,
    );
    this.timer = { clock, handle };
  }

  private async tick(): Promise<void> {
    const settings = this.settings;
    if (this.closed || settings === null) return;
    this.schedule();
    if (this.ticking) return; // the previous read is still waiting (budget, slow cloud)
    this.ticking = true;
    try {
      const read = await readPower(this.host.services, settings.modules, this.abort.signal, this.onWait);
      if (this.closed) return;
      const changed = read.readings.filter((r) => this.sent.get(r.moduleId) !== changeKey(r));
      const messages = this.after(read, changed);
      if (messages.length > 0) this.host.send(messages);
      if (read.failures.length > 0) this.report(read.failures[0]);
      else this.reported = null;
    } catch (err) {
      if (!this.closed) this.report(err);
    } finally {
      this.ticking = false;
    }
  }

  /** Warnings, status and the messages of `toSend`, remembered as sent. */
  private after(read: PowerRead, toSend: PowerReading[]): Message[] {
    const t = this.host.t;
    for (const s of read.skipped) {
      const key = `${s.moduleId}|${s.problem}|${s.detail}`;
      if (this.warned.has(key)) continue;
      this.warned.add(key);
      this.host.warn(t(`warnings.${s.problem}`, { name: s.name, id: s.moduleId, detail: s.detail }));
    }
    this.host.status(powerStatus(t, read, this.host.clock().now()));
    for (const r of toSend) this.sent.set(r.moduleId, changeKey(r));
    if (toSend.length === 0) return [];
    if (this.settings?.output === 'all') return [{ payload: toSend.map((r) => ({ ...r })) }];
    return toSend.map((r) => ({ topic: r.name, payload: r.power, power: { ...r } }));
  }

  private failureText(err: unknown): string {
    if (err instanceof NotOnAccount) return this.host.t('errors.notOnAccount', { ids: err.moduleIds.join(', ') });
    return this.host.describe(err);
  }

  private failureStatus(err: unknown, text: string): StatusValue {
    if (err instanceof NotOnAccount) return problemStatus(text);
    return isNetatmoError(err, 'reauth') ? errorStatus(err, this.host.t('status.reauth')) : problemStatus(text);
  }

  private report(err: unknown): void {
    if (isNetatmoError(err, 'aborted')) return;
    const text = this.failureText(err);
    this.host.status(this.failureStatus(err, text));
    if (this.reported === text) return;
    this.reported = text;
    this.host.error(text);
  }
}
