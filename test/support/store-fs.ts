// The token store's file system as Node's own but for `open`, where the disk-fault tests make a
// full or read-only disk refuse new files.
import { promises as fsp } from 'node:fs';
import type { StoreFs } from '../../src/netatmo/token-store';

/** An error as Node's fs gives it, with its `code` (ENOSPC, EACCES…). */
export function fsError(code: string): Error {
  return Object.assign(new Error(`${code}: simulated`), { code });
}

export function storeFsWith(open: StoreFs['open']): StoreFs {
  return {
    mkdir: fsp.mkdir,
    readFile: fsp.readFile,
    rename: fsp.rename,
    unlink: fsp.unlink,
    chmod: fsp.chmod,
    readdir: (dir: string) => fsp.readdir(dir),
    open,
  };
}
