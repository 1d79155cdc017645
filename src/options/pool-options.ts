/** The options of `new Pool(...)`, validated and merged with defaults in one place. */
import type { ResourceLimits } from 'node:worker_threads';
import { usableCores } from '../tools/sysinfo.js';
import { describe, oneOf, optionsObject, positiveInteger } from './validate.js';

export interface PoolOptions {
  /** How many workers run tasks at once. Default: the CPUs this process may use. */
  workers?: number;
  /** Where tasks run. Default 'thread' (worker_threads). */
  backend?: 'thread';
  /** Heap limits of each worker thread (see node:worker_threads ResourceLimits). */
  resourceLimits?: ResourceLimits;
}

export interface NormalizedPoolOptions {
  workers: number;
  backend: 'thread';
  resourceLimits: ResourceLimits | undefined;
}

const knownOptions = ['workers', 'backend', 'resourceLimits'] as const;
const resourceLimitKeys = ['maxOldGenerationSizeMb', 'maxYoungGenerationSizeMb', 'codeRangeSizeMb', 'stackSizeMb'] as const;

export function normalizePoolOptions(options: number | PoolOptions | undefined): NormalizedPoolOptions {
  if (typeof options !== 'number' && options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new TypeError(`new Pool(workers | options): workers must be a positive integer or options an object, got ${describe(options)}`);
  }
  const given = typeof options === 'number' ? { workers: options } : optionsObject('new Pool(options)', options, knownOptions);
  return {
    workers: given.workers === undefined ? defaultWorkers() : positiveInteger('workers', given.workers),
    backend: given.backend === undefined ? 'thread' : oneOf('backend', given.backend, ['thread']),
    resourceLimits: given.resourceLimits === undefined ? undefined : validateResourceLimits(given.resourceLimits),
  };
}

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
