// The reads of one measure node run one after the other: an input during a read waits for it,
// and a timer that fires while any read is queued or running skips (it would only repeat it).
// Backfills are not in this queue: they page beside the node's regular reads.

export class ReadQueue {
  /** Reads queued or running. */
  private pending = 0;
  private tail: Promise<void> = Promise.resolve();

  /** A read is queued or running. */
  busy(): boolean {
    return this.pending > 0;
  }

  /** Reads queued behind the running one. */
  waiting(): number {
    return Math.max(0, this.pending - 1);
  }

  /** Run `job` once every read queued before it has ended; settles as the job does. */
  run(job: () => Promise<void>): Promise<void> {
    this.pending += 1;
    const run = this.tail.then(job).finally(() => {
      this.pending -= 1;
    });
    // A failed read answers its own caller; the next one runs all the same.
    this.tail = run.catch(() => undefined);
    return run;
  }
}
