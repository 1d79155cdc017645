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

/** True for the errors that mean "no such information here", not "something broke". */
export function isAbsentError(error: unknown): boolean {
  return error instanceof Error && 'code' in error && ABSENT_CODES.has(String(error.code));
}
