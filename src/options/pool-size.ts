/**
 * How many workers a pool runs: a fixed number (`workers`, or `new Pool(n)`), or an elastic
 * range (`minWorkers` to `maxWorkers`, idle workers beyond the minimum leaving after
 * `idleTimeout`). Validated here, in one place, with every combination that makes no sense.
 */
import { describe } from '../errors/describe.js';
import { optionalPositiveNumber } from './validate.js';

export interface PoolSize {
  /** The most workers the pool runs at once (all of them, for a fixed pool). */
  maxWorkers: number;
  /** Workers kept alive when idle; equals maxWorkers for a fixed pool; 0 starts nothing before the first task. */
  minWorkers: number;
  /** Milliseconds a worker beyond minWorkers may stay idle before it exits (elastic pools only). */
  idleTimeout: number;
}

/** An idle worker beyond minWorkers waits this long for work before it exits. */
export const defaultIdleTimeout = 10_000;

interface SizeOptions {
  workers?: unknown;
  minWorkers?: unknown;
  maxWorkers?: unknown;
  idleTimeout?: unknown;
}

/** `defaultWorkers` is the size when nothing is given (the usable CPUs, or Redis's default). */
export function normalizePoolSize(given: SizeOptions, defaultWorkers: () => number): PoolSize {
  const elastic = given.minWorkers !== undefined || given.maxWorkers !== undefined;
  if (given.workers !== undefined && elastic) {
    throw new TypeError('workers fixes the pool size; minWorkers and maxWorkers make it elastic: give either workers, or minWorkers and/or maxWorkers');
  }
  if (!elastic) {
    if (given.idleTimeout !== undefined) throw new TypeError('idleTimeout applies to elastic pools: give minWorkers and/or maxWorkers with it (a pool of fixed workers keeps them all)');
    const workers = given.workers === undefined ? defaultWorkers() : count('workers', given.workers, 1);
    return { maxWorkers: workers, minWorkers: workers, idleTimeout: defaultIdleTimeout };
  }
  const minWorkers = given.minWorkers === undefined ? 0 : count('minWorkers', given.minWorkers, 0);
  const maxWorkers = given.maxWorkers === undefined ? Math.max(minWorkers, 1, defaultWorkers()) : count('maxWorkers', given.maxWorkers, 1);
  if (minWorkers > maxWorkers) throw new RangeError(`minWorkers (${minWorkers}) must not be more than maxWorkers (${maxWorkers})`);
  const idleTimeout = optionalPositiveNumber('idleTimeout', given.idleTimeout) ?? defaultIdleTimeout;
  return { maxWorkers, minWorkers, idleTimeout };
}

function count(name: string, value: unknown, least: 0 | 1): number {
  const expected = least === 0 ? 'a non-negative integer' : 'a positive integer';
  if (typeof value !== 'number') throw new TypeError(`${name} must be ${expected}, got ${describe(value)}`);
  if (!Number.isInteger(value) || value < least) throw new RangeError(`${name} must be ${expected}, got ${value}`);
  return value;
}
