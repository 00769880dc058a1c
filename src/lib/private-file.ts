// The one atomic writer of the package's private files (token pairs, backfill cursors, node
// memories, token hints): the text goes to a temporary file of its own (mode 0600), is flushed
// to disk, renamed over the target, and the directory is flushed so that the rename itself
// survives a power cut. A crash leaves the old file or the new one, never half of one; a failed
// write removes its temporary file, and the temporary files a dead process left beside the
// target are removed by the next write, so they never pile up.
import { closeSync, fsyncSync, mkdirSync, openSync, promises as fsp, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';

/** The fs calls the async writer makes; tests replace some to simulate a full disk or a crash. */
export interface PrivateFs {
  mkdir: typeof fsp.mkdir;
  open: typeof fsp.open;
  rename: typeof fsp.rename;
  unlink: typeof fsp.unlink;
  chmod: typeof fsp.chmod;
  readdir?: (dir: string) => Promise<string[]>;
}

export const realPrivateFs: PrivateFs = {
  mkdir: fsp.mkdir,
  open: fsp.open,
  rename: fsp.rename,
  unlink: fsp.unlink,
  chmod: fsp.chmod,
  readdir: (dir: string) => fsp.readdir(dir),
};

/** The fs calls of the sync writer that a full or read-only disk fails; tests replace them. */
export interface PrivateSyncFs {
  openSync: (file: string, flags: string, mode?: number) => number;
  writeSync: (fd: number, text: string) => number;
  renameSync: (from: string, to: string) => void;
}

export const realPrivateSyncFs: PrivateSyncFs = { openSync, writeSync, renameSync };

let counter = 0;
/**
 * This process's mark on its temporary files. Random, not the pid: in a container every start
 * has the same pid (1), so a pid would take a dead process's leftovers for a write in progress.
 */
const PROCESS_MARK = randomBytes(6).toString('hex');

/** `<target>.<process mark>.<n>.tmp`: the mark tells a dead process's leftovers from a write in progress. */
function tempName(target: string): string {
  counter += 1;
  return `${target}.${PROCESS_MARK}.${counter}.tmp`;
}

function staleTemps(target: string, names: readonly string[]): string[] {
  const base = path.basename(target).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const ours = new RegExp(`^${base}\\.([0-9a-z]+)\\.\\d+\\.tmp$`);
  return names.filter((name) => {
    const m = ours.exec(name);
    return m !== null && m[1] !== PROCESS_MARK;
  });
}

/** Write `text` to `target` atomically and durably (see above). Rejects with the fs error. */
export async function writePrivateFile(target: string, text: string, fs: PrivateFs = realPrivateFs): Promise<void> {
  const dir = path.dirname(target);
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const names = await (fs.readdir ?? realPrivateFs.readdir)?.(dir).catch(() => [] as string[]);
  for (const name of staleTemps(target, names ?? [])) await fs.unlink(path.join(dir, name)).catch(() => undefined);
  const temp = tempName(target);
  try {
    const handle = await fs.open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.chmod(temp, 0o600); // the umask could have widened nothing, but be explicit
    await fs.rename(temp, target);
  } catch (err) {
    await fs.unlink(temp).catch(() => undefined);
    throw err;
  }
  // Makes the rename itself durable. Some platforms (Windows) cannot open a directory: the
  // rename is then as durable as the platform makes it.
  try {
    const dirHandle = await fs.open(dir, 'r');
    try {
      await dirHandle.sync();
    } finally {
      await dirHandle.close();
    }
  } catch {
    /* best effort */
  }
}

/** The same, synchronously: for the small files the nodes write between two reads. */
export function writePrivateFileSync(target: string, text: string, fs: PrivateSyncFs = realPrivateSyncFs): void {
  const dir = path.dirname(target);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    names = [];
  }
  for (const name of staleTemps(target, names)) rmSync(path.join(dir, name), { force: true });
  const temp = tempName(target);
  try {
    const fd = fs.openSync(temp, 'wx', 0o600);
    try {
      fs.writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    fs.renameSync(temp, target);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    /* best effort, as above */
  }
}

export function writePrivateJsonSync(file: string, value: unknown, fs?: PrivateSyncFs): void {
  writePrivateFileSync(file, JSON.stringify(value), fs);
}
