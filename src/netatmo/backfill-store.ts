// Where unfinished backfills live between a redeploy or a restart and their resumption: small
// files under the Node-RED user directory (`<userDir>/econetatmo/backfill/`). Per backfill a
// state file (the cursor, rewritten atomically after each page) and, for the single-message
// output, the buckets read so far (one JSON line per page, appended). Both go once it is done.
import { appendFileSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { isBackfillState, keyDigest, type BackfillState } from './backfill';
import type { Bucket } from './types';
import { writePrivateJsonSync } from '../lib/private-file';
import { safeFileName } from '../lib/safe-file-name';

/** What the backfill runner needs of a store (a memory one does for tests). */
export interface BackfillPersistence {
  save(state: BackfillState): void;
  appendBuckets(state: BackfillState, buckets: readonly Bucket[]): void;
  loadBuckets(state: BackfillState): Bucket[];
  remove(state: BackfillState): void;
}

/** `<node file name>-<16 hex digits of the key>`, then `.json` or `.points.jsonl`. */
function fileStem(nodeId: string, key: string): string {
  return `${safeFileName(nodeId)}-${keyDigest(key)}`;
}

/** Matches the files of exactly this node (not those of a node whose id starts the same). */
function nodeFiles(nodeId: string): RegExp {
  const name = safeFileName(nodeId).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${name}-[0-9a-f]{16}\\.(json|points\\.jsonl)$`);
}

function isBucket(value: unknown): value is Bucket {
  if (typeof value !== 'object' || value === null) return false;
  const b = value as Record<string, unknown>;
  if (typeof b.start !== 'number' || typeof b.end !== 'number' || !(b.total === null || typeof b.total === 'number')) return false;
  if (typeof b.values !== 'object' || b.values === null || Array.isArray(b.values)) return false;
  return Object.values(b.values as Record<string, unknown>).every((v) => v === null || typeof v === 'number');
}

/** Merge by bucket start (a page written twice after a crash counts once), ascending. */
export function mergeBuckets(lists: ReadonlyArray<readonly Bucket[]>): Bucket[] {
  const byStart = new Map<number, Bucket>();
  for (const list of lists) for (const b of list) byStart.set(b.start, b);
  return [...byStart.values()].sort((a, b) => a.start - b.start);
}

export class BackfillFileStore implements BackfillPersistence {
  constructor(readonly dir: string) {}

  private base(state: Pick<BackfillState, 'nodeId' | 'key'>): string {
    return join(this.dir, fileStem(state.nodeId, state.key));
  }

  save(state: BackfillState): void {
    writePrivateJsonSync(`${this.base(state)}.json`, state);
  }

  appendBuckets(state: BackfillState, buckets: readonly Bucket[]): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    appendFileSync(`${this.base(state)}.points.jsonl`, `${JSON.stringify(buckets)}\n`, { mode: 0o600 });
  }

  loadBuckets(state: BackfillState): Bucket[] {
    let text: string;
    try {
      text = readFileSync(`${this.base(state)}.points.jsonl`, 'utf8');
    } catch {
      return [];
    }
    const pages: Bucket[][] = [];
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      try {
        const parsed: unknown = JSON.parse(line);
        // A line cut short by a crash is skipped: its page is read again (the cursor was not saved).
        if (Array.isArray(parsed)) pages.push(parsed.filter(isBucket));
      } catch {
        /* see above */
      }
    }
    return mergeBuckets(pages);
  }

  remove(state: Pick<BackfillState, 'nodeId' | 'key'>): void {
    const base = this.base(state);
    rmSync(`${base}.json`, { force: true });
    rmSync(`${base}.points.jsonl`, { force: true });
  }

  /** The unfinished backfills of a node; unreadable files are dropped. */
  list(nodeId: string): BackfillState[] {
    const ours = nodeFiles(nodeId);
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return [];
    }
    const out: BackfillState[] = [];
    for (const name of names) {
      if (!ours.test(name) || !name.endsWith('.json')) continue;
      const file = join(this.dir, name);
      try {
        const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
        if (isBackfillState(parsed) && parsed.nodeId === nodeId && `${fileStem(nodeId, parsed.key)}.json` === name) {
          if (parsed.next < parsed.pages) out.push(parsed);
          else this.remove(parsed);
          continue;
        }
      } catch {
        /* fall through: not ours or damaged */
      }
      rmSync(file, { force: true });
      rmSync(file.replace(/\.json$/, '.points.jsonl'), { force: true });
    }
    return out.sort((a, b) => a.createdAt - b.createdAt);
  }

  /** Forget every backfill of a node (the node was deleted). */
  removeNode(nodeId: string): void {
    const ours = nodeFiles(nodeId);
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return;
    }
    for (const name of names) if (ours.test(name)) rmSync(join(this.dir, name), { force: true });
  }
}

/** A store in memory (tests, or when the user dir cannot be written). */
export class MemoryBackfillStore implements BackfillPersistence {
  readonly states = new Map<string, BackfillState>();
  readonly pages = new Map<string, Bucket[][]>();

  save(state: BackfillState): void {
    this.states.set(state.key, JSON.parse(JSON.stringify(state)) as BackfillState);
  }

  appendBuckets(state: BackfillState, buckets: readonly Bucket[]): void {
    const list = this.pages.get(state.key) ?? [];
    list.push(buckets.map((b) => ({ ...b, values: { ...b.values } })));
    this.pages.set(state.key, list);
  }

  loadBuckets(state: BackfillState): Bucket[] {
    return mergeBuckets(this.pages.get(state.key) ?? []);
  }

  remove(state: BackfillState): void {
    this.states.delete(state.key);
    this.pages.delete(state.key);
  }
}
