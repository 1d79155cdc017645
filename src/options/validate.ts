/**
 * One validator per kind of option value. Each throws a TypeError (wrong type) or RangeError
 * (right type, wrong value) that names the option and says what was expected.
 */
import { describe } from '../errors/describe.js';

export function positiveInteger(name: string, value: unknown): number {
  if (typeof value !== 'number') throw new TypeError(`${name} must be a positive integer, got ${describe(value)}`);
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}

export function optionalPositiveInteger(name: string, value: unknown): number | undefined {
  return value === undefined ? undefined : positiveInteger(name, value);
}

/** The longest delay Node's timers take (about 24.8 days); a longer one fires after 1 ms instead. */
export const maxTimerMs = 2 ** 31 - 1;

/** A time limit in milliseconds: positive, and no longer than a timer can wait. */
export function optionalPositiveNumber(name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number') throw new TypeError(`${name} must be a positive number of milliseconds, got ${describe(value)}`);
  if (!(value > 0) || !Number.isFinite(value)) throw new RangeError(`${name} must be a positive number of milliseconds, got ${value}`);
  return atMostMaxTimer(name, value);
}

/** Throws a RangeError for a delay longer than Node's timers can wait. */
export function atMostMaxTimer(name: string, value: number): number {
  if (value > maxTimerMs) {
    throw new RangeError(`${name} must be at most ${maxTimerMs} ms (about 24.8 days, the longest a timer can wait), got ${value}; leave it out for no limit`);
  }
  return value;
}

/** A call's priority: any finite number, higher first (0 when left out). */
export function priorityOption(value: unknown): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number') throw new TypeError(`priority must be a number (higher runs first, default 0), got ${describe(value)}`);
  if (!Number.isFinite(value)) throw new RangeError(`priority must be a finite number (higher runs first, default 0), got ${value}`);
  return value;
}

/** A bound on a count, which Infinity leaves open. */
export function optionalPositiveIntegerOrInfinity(name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number') throw new TypeError(`${name} must be a positive integer or Infinity, got ${describe(value)}`);
  if (value !== Infinity && !(Number.isInteger(value) && value >= 1)) throw new RangeError(`${name} must be a positive integer or Infinity, got ${value}`);
  return value;
}

export function optionalAbortSignal(name: string, value: unknown): AbortSignal | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof AbortSignal)) throw new TypeError(`${name} must be an AbortSignal (for example AbortSignal.timeout(5000)), got ${describe(value)}`);
  return value;
}

export function optionalFunction<F extends Function>(name: string, value: unknown): F | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function') throw new TypeError(`${name} must be a function, got ${describe(value)}`);
  return value as F;
}

export function optionsObject(name: string, value: unknown, known: readonly string[]): Record<string, unknown> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`${name} must be an options object, got ${describe(value)}`);
  }
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) throw new TypeError(`Unknown option '${key}' in ${name}; expected one of: ${known.join(', ')}`);
  }
  return value as Record<string, unknown>;
}

export function oneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string') throw new TypeError(`${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${describe(value)}`);
  if (!(allowed as readonly string[]).includes(value)) {
    throw new RangeError(`${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got '${value}'`);
  }
  return value as T;
}
