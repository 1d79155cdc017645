/** Size and free space of the file system that holds a path. */
import { statfsSync } from 'node:fs';
import path from 'node:path';
import { isAbsentError } from './read-system-file.js';

/** Disk facts for `sysinfo().disk`: bytes, or `null` when the system will not say. */
export interface DiskInfo {
  /** The absolute path that was measured. */
  path: string;
  total: number | null;
  /** Bytes an unprivileged user may still write (statfs `bavail`, as `df` shows). */
  free: number | null;
}

/** Reads the file system of `target`; throws if the path does not exist. */
export function readDisk(target: string): DiskInfo {
  const absolute = path.resolve(target);
  try {
    const stats = statfsSync(absolute);
    return { path: absolute, total: stats.blocks * stats.bsize, free: stats.bavail * stats.bsize };
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? error.code : undefined;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new Error(`Cannot measure the disk of '${absolute}': no such file or directory.`, { cause: error });
    }
    if (isAbsentError(error) || code === 'ENOSYS') return { path: absolute, total: null, free: null };
    throw new Error(`Cannot measure the disk of '${absolute}'.`, { cause: error });
  }
}
