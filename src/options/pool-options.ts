/** The options of `new Pool(...)`, validated and merged with defaults in one place. */
import type { ResourceLimits } from 'node:worker_threads';
import { usableCores } from '../tools/sysinfo.js';
import { normalizeRedisOptions, redisOptionNames, type NormalizedRedisOptions, type RedisPoolOptions } from './redis-options.js';
import { describe, oneOf, optionsObject, positiveInteger } from './validate.js';

export interface PoolOptions extends RedisPoolOptions {
  /**
   * How many workers run tasks at once. Default: the CPUs this process may use.
   * With backend 'redis': how many chunks the pool keeps queued or running in Redis at once (default 8).
   */
  workers?: number;
  /** Where tasks run. Default 'thread' (worker_threads); 'redis' sends them to `multicore worker` processes. */
  backend?: 'thread' | 'redis';
  /** Heap limits of each worker thread (see node:worker_threads ResourceLimits). */
  resourceLimits?: ResourceLimits;
}

export interface NormalizedPoolOptions {
  workers: number;
  backend: 'thread' | 'redis';
  resourceLimits: ResourceLimits | undefined;
  /** Set when backend is 'redis'. */
  redis: NormalizedRedisOptions | undefined;
}

const knownOptions = ['workers', 'backend', 'resourceLimits', ...redisOptionNames] as const;
const resourceLimitKeys = ['maxOldGenerationSizeMb', 'maxYoungGenerationSizeMb', 'codeRangeSizeMb', 'stackSizeMb'] as const;

export function normalizePoolOptions(options: number | PoolOptions | undefined): NormalizedPoolOptions {
  if (typeof options !== 'number' && options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new TypeError(`new Pool(workers | options): workers must be a positive integer or options an object, got ${describe(options)}`);
  }
  const given = typeof options === 'number' ? { workers: options } : optionsObject('new Pool(options)', options, knownOptions);
  const backend = given.backend === undefined ? 'thread' : oneOf('backend', given.backend, ['thread', 'redis']);
  const redis = normalizeRedisOptions(backend, given);
  return {
    workers: given.workers !== undefined ? positiveInteger('workers', given.workers) : redis !== undefined ? defaultRedisChunksInFlight : defaultWorkers(),
    backend,
    resourceLimits: given.resourceLimits === undefined ? undefined : validateResourceLimits(given.resourceLimits),
    redis,
  };
}

/** Enough queued chunks to keep a few remote machines busy without flooding Redis. */
const defaultRedisChunksInFlight = 8;

/** The CPUs this process may really use: availableParallelism, affinity and cgroup quota. */
export function defaultWorkers(): number {
  return usableCores();
}

function validateResourceLimits(value: unknown): ResourceLimits {
  const limits = optionsObject('resourceLimits', value, resourceLimitKeys);
  for (const key of resourceLimitKeys) {
    if (limits[key] !== undefined) positiveInteger(`resourceLimits.${key}`, limits[key]);
  }
  return limits as ResourceLimits;
}
