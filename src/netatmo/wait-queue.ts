// The one abortable FIFO of waiters: the rate budget's slots and the background share's pages
// both queue callers that wait for a grant, and each caller may abort while it waits. Leaving
// on abort, detaching the abort listener on grant and rejecting everyone on close live here.
import { abortedError } from './errors';

/** A caller in the queue: `info` is what the owner keeps about it (hooks, flags). */
export interface Waiter<T, I> {
  readonly info: I;
  resolve(value: T): void;
  reject(err: unknown): void;
}

interface Entry<T, I> extends Waiter<T, I> {
  signal?: AbortSignal;
  onAbort?: () => void;
}

export class WaitQueue<T, I> {
  private readonly entries: Array<Entry<T, I>> = [];

  /** `left`: called after a waiter left on abort (the owner re-plans its timer). */
  constructor(private readonly left: () => void = () => undefined) {}

  get length(): number {
    return this.entries.length;
  }

  /** What the owner keeps about each waiter, in queue order. */
  infos(): I[] {
    return this.entries.map((e) => e.info);
  }

  /**
   * Join the queue (synchronously, before this returns). The promise settles when the owner
   * grants (`shift().resolve`), or rejects with an 'aborted' error when `signal` aborts first.
   */
  wait(info: I, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) return Promise.reject(abortedError());
    return new Promise<T>((resolve, reject) => {
      const entry: Entry<T, I> = { info, resolve, reject, signal };
      if (signal) {
        entry.onAbort = () => {
          const i = this.entries.indexOf(entry);
          if (i >= 0) this.entries.splice(i, 1);
          reject(abortedError());
          this.left();
        };
        signal.addEventListener('abort', entry.onAbort, { once: true });
      }
      this.entries.push(entry);
    });
  }

  /** Take the first waiter out (it can no longer abort): the owner resolves it. */
  shift(): Waiter<T, I> | undefined {
    const entry = this.entries.shift();
    if (entry?.onAbort) entry.signal?.removeEventListener('abort', entry.onAbort);
    return entry;
  }

  /** Reject every waiter with an 'aborted' error (the owner closed). */
  rejectAll(): void {
    for (let entry = this.shift(); entry !== undefined; entry = this.shift()) entry.reject(abortedError());
  }
}
