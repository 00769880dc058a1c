// What a measure node must remember across a restart: which buckets it sent (its trackers) and
// when its ecocounter uploads. Node-RED's default context store lives in memory, so a restart
// would send the whole recent window again as new (a Home Assistant or InfluxDB sum would count
// it twice): this memory is a small file of the node's own under the user directory instead,
// written atomically. One key holds every tracker of the node
// (tracker keys hold `#`, `$` and `.`), and only the most recently used ones are kept:
// overrides must not grow it without end.
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { writePrivateJsonSync, type PrivateSyncFs } from '../lib/private-file';
import { adoptLegacyFileSync, safeFileName } from '../lib/safe-file-name';
import { join } from 'node:path';
import { isRecord } from '../netatmo/errors';
import type { TrackerStore } from './reader';

/** The memory's key of the trackers (the name is kept: files written before read the same). */
export const TRACKERS_KEY = 'econetatmoTrackers';
/** The memory's key of the learnt upload schedule of the node's ecocounter. */
export const UPLOADS_KEY = 'econetatmoUploads';
export const MAX_TRACKERS = 16;

interface Slot {
  usedAt: number;
  state: unknown;
}

export interface NodeMemory {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  remove(): void;
}

/** The directory of the measure nodes' memories, beside the token store. */
export function memoryDir(stateDir: string): string {
  return join(stateDir, 'measure');
}

/** A node's memory file, named by the package's one rule (safeFileName). */
export function memoryFile(dir: string, nodeId: string): string {
  return join(dir, `${safeFileName(nodeId)}.json`);
}

/**
 * The name the memory had before: the id when made of letters, digits, `_` and `-` only, else a
 * digest (so Node-RED's older ids, "a1b2c3d4.e5f6a7", had a digest). Read once, then moved.
 */
export function legacyMemoryFile(dir: string, nodeId: string): string {
  const name = /^[A-Za-z0-9_-]{1,64}$/.test(nodeId) ? nodeId : createHash('sha256').update(nodeId).digest('hex').slice(0, 32);
  return join(dir, `${name}.json`);
}

/**
 * A node's memory in its own file: read once, then kept in memory and written through (temp
 * file + rename, mode 0600), so a crash leaves the old or the new memory, never half of one.
 */
export class FileMemory implements NodeMemory {
  private values: Record<string, unknown> | null = null;

  /** `legacy`: where an older version kept this memory; moved to `file` on first read. */
  constructor(
    private readonly file: string,
    private readonly legacy?: string,
    /** Tests put a full or read-only disk here. */
    private readonly fs?: PrivateSyncFs,
  ) {}

  get(key: string): unknown {
    return this.all()[key];
  }

  set(key: string, value: unknown): void {
    const values = { ...this.all(), [key]: value };
    this.values = values;
    writePrivateJsonSync(this.file, values, this.fs);
  }

  /** The node was deleted: its memory goes with it. */
  remove(): void {
    this.values = {};
    rmSync(this.file, { force: true });
    if (this.legacy !== undefined && this.legacy !== this.file) rmSync(this.legacy, { force: true });
  }

  private all(): Record<string, unknown> {
    if (this.values === null) {
      adoptLegacyFileSync(this.file, this.legacy);
      try {
        const parsed: unknown = JSON.parse(readFileSync(this.file, 'utf8'));
        this.values = isRecord(parsed) ? parsed : {};
      } catch {
        this.values = {}; // none yet, or unreadable: start afresh (at worst the window is sent again once)
      }
    }
    return this.values;
  }
}

/**
 * A memory that says when the disk refuses it (full, read-only): once per run of failures, and
 * again after a write went through. The write's error still reaches the caller.
 */
export class ReportingMemory implements NodeMemory {
  private failing = false;

  constructor(
    private readonly inner: NodeMemory,
    private readonly report: (code: string) => void,
  ) {}

  get(key: string): unknown {
    return this.inner.get(key);
  }

  set(key: string, value: unknown): void {
    try {
      this.inner.set(key, value);
      this.failing = false;
    } catch (err) {
      if (!this.failing) {
        this.failing = true;
        const code = (err as { code?: unknown } | null)?.code;
        this.report(typeof code === 'string' ? code : String((err as Error | null)?.message ?? err));
      }
      throw err;
    }
  }

  remove(): void {
    this.inner.remove();
  }
}

function isSlots(value: unknown): value is Record<string, Slot> {
  return isRecord(value);
}

export function trackerStore(memory: NodeMemory, now: () => number): TrackerStore {
  const read = (): Record<string, Slot> => {
    try {
      const value = memory.get(TRACKERS_KEY);
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
        memory.set(TRACKERS_KEY, slots);
      } catch {
        // A disk that cannot take it costs at worst a repeated emission after a restart.
      }
    },
  };
}
