// An account whose answers the test writes, in place of NetatmoAccount: for the measure
// controller alone and for the measure node inside Node-RED. A read answers at once from
// `answer` (buckets, or an error to throw), or, when `answer` is undefined, waits until the test
// settles it (`reads[i].resolve/reject`); an abort rejects it as the real client does.
import { NetatmoError } from '../../src/netatmo/errors';
import type { Bucket, MeasureQuery, ReadOptions } from '../../src/netatmo/types';
import type { Line } from '../../src/contract/line';
import { lineRecord } from './lines';

export type Answer = (query: MeasureQuery) => Bucket[] | Error;

/** A read the account was asked for. */
export interface ScriptedRead {
  query: MeasureQuery;
  options: ReadOptions;
  resolve(buckets: Bucket[]): void;
  reject(err: unknown): void;
}

export class ScriptedAccount {
  readonly reads: ScriptedRead[] = [];
  linesAsked = 0;
  lines: Line[];
  /** What getLines throws, when set. */
  linesError: unknown = null;
  answer: Answer | undefined;
  /** How far the cloud's clock is ahead of the board's (negative: behind), as its answers would say. */
  cloudAheadMs = 0;
  private hold: Promise<void> | null = null;
  private waiters: Array<() => void> = [];

  constructor(options: { lines?: Line[]; answer?: Answer } = {}) {
    this.lines = options.lines ?? [lineRecord('70:ee:50:aa:bb:cc#2', 'Four')];
    this.answer = options.answer;
  }

  readMeasures(query: MeasureQuery, options: ReadOptions = {}): Promise<Bucket[]> {
    const answered = new Promise<Bucket[]>((resolve, reject) => {
      const signal = options.signal;
      const onAbort = (): void => reject(new NetatmoError('aborted', 'Request aborted'));
      // Once settled, the read lets go of the signal (the controller reuses one for many reads).
      const done = (): void => signal?.removeEventListener('abort', onAbort);
      this.reads.push({
        query,
        options,
        resolve: (buckets) => (done(), resolve(buckets)),
        reject: (err) => (done(), reject(err)),
      });
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    const answer = this.answer;
    if (answer !== undefined) {
      const read = this.reads[this.reads.length - 1];
      const settle = (): void => {
        const result = answer(query);
        if (result instanceof Error) read.reject(result);
        else read.resolve(result);
      };
      if (this.hold === null) settle();
      else void this.hold.then(settle);
    }
    this.waiters.splice(0).forEach((w) => w());
    return answered;
  }

  cloudTime(boardNow: number): number {
    return boardNow + this.cloudAheadMs;
  }

  async getLines(): Promise<Line[]> {
    this.linesAsked += 1;
    if (this.linesError) throw this.linesError;
    return this.lines;
  }

  /** Reads wait until the returned function lets them go (then `answer` answers them). */
  holdReads(): () => void {
    let release: () => void = () => undefined;
    this.hold = new Promise((resolve) => (release = resolve));
    return () => {
      this.hold = null;
      release();
    };
  }

  /** Resolves once `n` reads have started. */
  started(n: number): Promise<void> {
    return new Promise((resolve) => {
      const check = (): void => {
        if (this.reads.length >= n) resolve();
        else this.waiters.push(check);
      };
      check();
    });
  }
}
