// A measure node's memory held in this process only, for tests and the bench that drive the
// measure layer without a file.
import type { NodeMemory } from '../../src/measure/store';

export class MemoryOnly implements NodeMemory {
  values: Record<string, unknown> = {};

  /** `roundTrip`: keep a JSON copy of each value, as a memory read back from its file would give. */
  constructor(private readonly roundTrip = false) {}

  get(key: string): unknown {
    return this.values[key];
  }
  set(key: string, value: unknown): void {
    this.values[key] = this.roundTrip ? (JSON.parse(JSON.stringify(value)) as unknown) : value;
  }
  remove(): void {
    this.values = {};
  }
}
