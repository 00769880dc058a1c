// The failures of a node's timer reads (the reads no message asked for): the first one is
// reported (Node-RED's log, Catch nodes), the same one again is not (nor one an input's message
// has just carried), and the reads space out
// while it repeats: at the trigger's own interval after the first, then twice, four times …
// that, up to an hour apart. A success, or a different failure, is news again.

/** A timer read failing the same way again is not reported again, and the reads space out up to this. */
export const MAX_FAILURE_BACKOFF_MS = 60 * 60_000;

/** The delay before the next timer read after `count` failures in a row with the same text. */
export function failureBackoffMs(count: number, baseMs: number): number {
  if (count <= 1) return 0;
  return Math.min(baseMs * 2 ** (count - 1), Math.max(baseMs, MAX_FAILURE_BACKOFF_MS));
}

export class RepeatedFailures {
  /** The failure that was reported, and how many times in a row it came. */
  private last: { text: string; count: number } | null = null;

  /** A timer read failed with `text`: true when it is news to report, false when it repeats. */
  failed(text: string): boolean {
    if (this.last?.text === text) {
      this.last.count += 1;
      return false; // the status is red already; the log has it once
    }
    this.last = { text, count: 1 };
    return true;
  }

  /**
   * An input's read failed with `text`: its message carries it to the log and Catch nodes, so a
   * timer read failing the same way next is no news. Counts as a first failure (no back-off).
   */
  answered(text: string): void {
    if (this.last?.text !== text) this.last = { text, count: 1 };
  }

  /** A read succeeded (a timer's or an input's): the next failure is news again. */
  recovered(): void {
    this.last = null;
  }

  /** How many times in a row the reported failure came (0: none since the last success). */
  count(): number {
    return this.last?.count ?? 0;
  }

  /** How long the next timer read waits at least, for a trigger whose own step is `baseMs`. */
  backoffMs(baseMs: number): number {
    return failureBackoffMs(this.count(), baseMs);
  }
}
