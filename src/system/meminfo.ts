/** Total and available memory from /proc/meminfo, in bytes. */
import { readSystemFile } from './read-system-file.js';

/** Reads MemTotal and MemAvailable (kernel 3.14+); `null` for whatever is missing. */
export function readMeminfo(root: string): { total: number | null; available: number | null } {
  const text = readSystemFile(root, '/proc/meminfo');
  return { total: kibibytes(text, 'MemTotal'), available: kibibytes(text, 'MemAvailable') };
}

function kibibytes(text: string | null, name: string): number | null {
  const match = text === null ? null : new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(text);
  return match === null ? null : Number(match[1]) * 1024;
}
