/** Readers of option values: counts, durations, escapes, regexes, and the byte-string form. */
import { RunUsageError } from './errors.js';
import { parseJobs } from './jobs.js';
import { usableCores } from '../system/sysinfo.js';

/** `--load` takes -j's forms; 0 means 0.01, as in GNU parallel. */
export function parseLoad(value: string): number {
  if (value === '0') return 0.01;
  try {
    return parseJobs(value, usableCores());
  } catch {
    throw new RunUsageError(`option --load expects N, N%, +N or -N (as -j does); got '${value}'`);
  }
}

export function parseCount(option: string, value: string): number {
  if (!/^\d+$/.test(value)) throw new RunUsageError(`option ${option} expects a whole number; got '${value}'`);
  return Number(value);
}

export function parsePositive(option: string, value: string): number {
  const count = parseCount(option, value);
  if (count === 0) throw new RunUsageError(`option ${option} expects a whole number of at least 1; got '${value}'`);
  return count;
}

export function parseSeconds(option: string, value: string): number {
  const match = /^(\d+(?:\.\d+)?|\.\d+)(ms|s|m|h|d)?$/.exec(value);
  if (match === null) throw new RunUsageError(`option ${option} expects seconds (e.g. 0.5, 2s, 1m); got '${value}'`);
  const scale = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 }[match[2] ?? 's']!;
  return Number(match[1]) * scale;
}

/** C-style escapes as printf reads them: `\n`, `\t`, `\\`, octal `\0`, `\012`, `\0123`. */
export function unescape(value: string): string {
  return value.replace(/\\(0[0-7]{0,3}|[1-7][0-7]{0,2}|[abfnrtv\\])/g, (_, escape: string) => {
    const simple: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };
    return simple[escape] ?? String.fromCharCode(parseInt(escape, 8) & 0xff);
  });
}

/** `-d` takes characters and C-style or octal escapes (`\n`, `\0`, `\001`), as GNU does. */
export function parseDelimiter(value: string): string {
  const delimiter = unescape(value);
  if (delimiter === '') throw new RunUsageError("option -d/--delimiter expects a delimiter, such as '\\n', '\\0' or ','; got ''");
  return delimiter;
}

export function parseColsep(value: string): RegExp {
  try {
    return new RegExp(value);
  } catch (error) {
    throw new RunUsageError(`option --colsep expects a regular expression; '${value}' is not one (${(error as Error).message})`);
  }
}

/** A value from the command line (UTF-8 text) as the byte string used everywhere else. */
export function toBytes(value: string): string {
  return Buffer.from(value, 'utf8').toString('latin1');
}

/** A byte string back to the text a file system path is given as. */
export function fromBytes(value: string): string {
  return Buffer.from(value, 'latin1').toString('utf8');
}
