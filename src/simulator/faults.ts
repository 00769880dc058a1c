// Injected faults, drawn from a seeded sequence so a run with the same seed and request order fails the same way.
import { sequence } from './hash';
import type { FaultOptions } from './types';

export type FaultKind = 'error5xx' | 'code11' | 'slow' | 'timeout' | 'malformedJson' | 'html';

export const NO_FAULTS: FaultOptions = {
  error5xxRate: 0,
  code11Rate: 0,
  slowRate: 0,
  slowMs: 2000,
  timeoutRate: 0,
  malformedJsonRate: 0,
  htmlRate: 0,
  faultsOnToken: false,
};

export class Faults {
  private options: FaultOptions;
  private readonly draw: () => number;

  constructor(seed: number, initial: Partial<FaultOptions> = {}) {
    this.options = { ...NO_FAULTS, ...initial };
    this.draw = sequence(seed ^ 0xfa017);
  }

  set(partial: Partial<FaultOptions>): void {
    this.options = { ...this.options, ...partial };
  }

  get current(): FaultOptions {
    return this.options;
  }

  /** One draw per request; null means answer normally. */
  roll(onToken: boolean): FaultKind | null {
    const o = this.options;
    if (onToken && !o.faultsOnToken) return null;
    const u = this.draw();
    const kinds: Array<[FaultKind, number]> = [
      ['error5xx', o.error5xxRate],
      ['code11', o.code11Rate],
      ['slow', o.slowRate],
      ['timeout', o.timeoutRate],
      ['malformedJson', o.malformedJsonRate],
      ['html', o.htmlRate],
    ];
    let edge = 0;
    for (const [kind, rate] of kinds) {
      edge += Math.max(0, rate);
      if (u < edge) return kind;
    }
    return null;
  }

  /** A second draw to vary a fault's details (500 vs 503, where JSON is cut). */
  variant(): number {
    return this.draw();
  }
}
