// Small helpers so that every wait (backoff, rate budget, a shared refresh) ends at once when
// the caller aborts or the account closes.
import { abortedError } from './errors';
import type { Clock } from '../lib/clock';

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortedError();
}

/**
 * Run `fn` with one signal that aborts when any of the given ones does, unhooked from them once
 * `fn` has settled. Not `AbortSignal.any`: on Node 20 a long-lived source (the account's, a
 * node's) keeps a WeakRef to every signal ever derived from it, forever: about 0.2 MB a day for
 * a home read every 10 minutes, a heap that grows for as long as Node-RED runs.
 */
export async function withAnySignal<T>(signals: ReadonlyArray<AbortSignal | undefined>, fn: (signal: AbortSignal | undefined) => Promise<T>): Promise<T> {
  const present = signals.filter((s): s is AbortSignal => s !== undefined);
  if (present.length <= 1) return fn(present[0]);
  const linked = new AbortController();
  const onAbort = (event: Event): void => linked.abort((event.target as AbortSignal).reason);
  const aborted = present.find((s) => s.aborted);
  if (aborted) linked.abort(aborted.reason);
  else for (const s of present) s.addEventListener('abort', onAbort, { once: true });
  try {
    return await fn(linked.signal);
  } finally {
    for (const s of present) s.removeEventListener('abort', onAbort);
  }
}

/** Wait `ms` on the injected clock; rejects with an 'aborted' NetatmoError on abort. */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortedError());
      return;
    }
    const onAbort = (): void => {
      clock.clearTimeout(handle);
      reject(abortedError());
    };
    const handle = clock.setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Wait for a promise that others share (a refresh), but stop waiting when this caller aborts:
 * the shared work itself goes on for the others.
 */
export function withAbort<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(abortedError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortedError());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}
