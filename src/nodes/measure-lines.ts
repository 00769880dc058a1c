// The names of an account's lines, for `msg.topic`. Asked once per node and kept; a failed
// discovery never fails a read (the topic falls back to the line id) and is tried again
// later, not on every read, so that it does not eat the rate budget.
import type { NetatmoAccountApi } from '../netatmo/account-api';
import type { Clock, Line } from '../netatmo/types';

export const NAME_RETRY_MS = 10 * 60_000;

export class LineNames {
  private lines: Line[] | null = null;
  private lastAttempt = -Infinity;

  constructor(
    private readonly account: NetatmoAccountApi,
    private readonly clock: () => Clock,
  ) {}

  async nameOf(moduleId: string, signal?: AbortSignal): Promise<string> {
    return (await this.lineOf(moduleId, signal))?.name ?? moduleId;
  }

  /** The home's time zone of a line (days, weeks, months); undefined: Node-RED's own zone. */
  async zoneOf(moduleId: string, signal?: AbortSignal): Promise<string | undefined> {
    return (await this.lineOf(moduleId, signal))?.timezone ?? undefined;
  }

  private async lineOf(moduleId: string, signal?: AbortSignal): Promise<Line | null> {
    const known = this.find(moduleId);
    if (known !== null) return known;
    const now = this.clock().now();
    if (now - this.lastAttempt >= NAME_RETRY_MS) {
      this.lastAttempt = now;
      try {
        this.lines = await this.account.getLines({ signal });
      } catch {
        // The read itself succeeded; the id is a good enough topic until discovery works.
      }
    }
    return this.find(moduleId);
  }

  private find(moduleId: string): Line | null {
    return this.lines?.find((l) => l.moduleId === moduleId) ?? null;
  }
}
