/**
 * Reads one small file of /proc or /sys under an injectable root, so that tests can point the
 * readers at a fixture tree. A file that is absent or unreadable means "this machine does not
 * tell us", which the callers turn into a fallback or `null`; anything else is a real failure.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

const ABSENT_CODES = new Set(['ENOENT', 'ENOTDIR', 'EACCES', 'EPERM', 'EINVAL', 'ENODEV']);

/** Returns the file's text, or `null` when the file does not exist or may not be read. */
export function readSystemFile(root: string, absolutePath: string): string | null {
  const file = path.join(root, absolutePath);
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if (isAbsentError(error)) return null;
    throw new Error(`Could not read ${file}`, { cause: error });
  }
}

/**
 * Deno refuses a read that its permissions do not allow (`--allow-read`, `--allow-sys`) with a
 * NotCapable error (PermissionDenied in older releases); for us that is information we may not
 * have, exactly like EACCES.
 */
const REFUSAL_NAMES = new Set(['NotCapable', 'PermissionDenied']);

/** True for the errors that mean "no such information here", not "something broke". */
export function isAbsentError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (REFUSAL_NAMES.has(error.name)) return true;
  return 'code' in error && ABSENT_CODES.has(String(error.code));
}

/** Asks `node:os` (or any probe) for a fact; `null` when the runtime refuses to tell. */
export function askSystem<T>(probe: () => T): T | null {
  try {
    return probe();
  } catch (error) {
    if (isAbsentError(error)) return null;
    throw error;
  }
}
