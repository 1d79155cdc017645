/** Durations written the way IPython's %timeit writes them. */
import { formatGeneral } from './python-format.js';

const UNITS = ['s', 'ms', '\u00b5s', 'ns'] as const;
const SCALES = [1, 1e3, 1e6, 1e9] as const;
const LONG_PARTS = [['d', 86400], ['h', 3600], ['min', 60], ['s', 1]] as const;

/**
 * Formats a duration in seconds like IPython's `_format_time`: `precision` significant digits in
 * s, ms, µs or ns (`"7.24 ms"`, `"1e+03 µs"` when rounding reaches the next unit), and from 60 s
 * on, whole days, hours, minutes and seconds (`"1h 1min 1s"`).
 *
 * @example
 * ```ts
 * import { formatTime } from 'multicore';
 * formatTime(0.00724);  // '7.24 ms'
 * formatTime(3661.2);   // '1h 1min 1s'
 * ```
 */
export function formatTime(seconds: number, precision = 3): string {
  validateSeconds(seconds);
  validatePrecision(precision, 'formatTime(): precision');
  if (seconds >= 60) return formatLong(seconds);
  const order = seconds > 0 ? Math.min(-Math.floor(Math.floor(Math.log10(seconds)) / 3), 3) : 3;
  return `${formatGeneral(seconds * SCALES[order]!, precision)} ${UNITS[order]}`;
}

function formatLong(seconds: number): string {
  const parts: string[] = [];
  let leftover = seconds;
  for (const [suffix, length] of LONG_PARTS) {
    const value = Math.trunc(leftover / length);
    if (value > 0) {
      leftover %= length;
      parts.push(`${BigInt(value)}${suffix}`);
    }
    if (leftover < 1) break;
  }
  return parts.join(' ');
}

function validateSeconds(seconds: number): void {
  if (typeof seconds !== 'number') {
    throw new TypeError(`formatTime(): seconds must be a number, got ${typeof seconds}.`);
  }
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new RangeError(`formatTime(): seconds must be a finite number >= 0, got ${seconds}.`);
  }
}

/** Precision is a count of significant digits: an integer from 0 (which Python treats as 1) up. */
export function validatePrecision(precision: unknown, name: string): asserts precision is number {
  if (typeof precision !== 'number') {
    throw new TypeError(`${name} must be an integer number of significant digits, got ${typeof precision}.`);
  }
  if (!Number.isInteger(precision) || precision < 0 || precision > 100) {
    throw new RangeError(`${name} must be an integer from 0 to 100 (significant digits), got ${String(precision)}.`);
  }
}
