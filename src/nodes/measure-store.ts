// The trackers' state in the node's context, so that a restart with a persistent context
// store does not emit the whole window again. One context key holds every tracker of the
// node (tracker keys hold `#`, `$` and `.`, which context keys would read as syntax), and
// only the most recently used ones are kept: overrides must not grow it without end.
import type { TrackerStore } from './measure-reader';

export const CONTEXT_KEY = 'econetatmoTrackers';
export const MAX_TRACKERS = 16;

interface Slot {
  usedAt: number;
  state: unknown;
}

interface NodeContextLike {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
}

function isSlots(value: unknown): value is Record<string, Slot> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function contextTrackerStore(context: () => NodeContextLike, now: () => number): TrackerStore {
  const read = (): Record<string, Slot> => {
    try {
      const value = context().get(CONTEXT_KEY);
      return isSlots(value) ? { ...value } : {};
    } catch {
      return {};
    }
  };
  return {
    load(key: string): unknown {
      const slot = read()[key];
      return typeof slot === 'object' && slot !== null ? slot.state : undefined;
    },
    save(key: string, state: unknown): void {
      const slots = read();
      slots[key] = { usedAt: now(), state };
      const keys = Object.keys(slots).sort((a, b) => (slots[b].usedAt ?? 0) - (slots[a].usedAt ?? 0));
      for (const old of keys.slice(MAX_TRACKERS)) delete slots[old];
      try {
        context().set(CONTEXT_KEY, slots);
      } catch {
        // A store that cannot take it costs at worst a repeated emission after a restart.
      }
    },
  };
}
