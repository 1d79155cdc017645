/** The options of `new Pool(...)`, validated and merged with defaults in one place. */
import type { ResourceLimits } from 'node:worker_threads';
import { describe } from '../errors/describe.js';
import { usableCores } from '../system/sysinfo.js';
import type { NoInferHere, TaskInput } from '../tasks/task.js';
import { validateInitializer, type NormalizedInitializer } from './initializer-option.js';
import { normalizePoolSize } from './pool-size.js';
import { normalizeProcessOptions, processOptionNames, refuseProcessOptions, type ChildProcessOptions, type NormalizedChildProcessOptions } from './process-options.js';
import { normalizeRedisOptions, redisOptionNames, refuseRedisOptions, type NormalizedRedisOptions, type RedisPoolOptions } from './redis-options.js';
import { refuseUnsupportedOptions } from './runtime-support.js';
import { validateSpin } from './spin-option.js';
import { oneOf, optionalNonNegativeMs, optionalPositiveIntegerOrInfinity, optionalPositiveInteger, optionalPositiveNumber, optionsObject, positiveInteger } from './validate.js';
import { validateWorkerEntry } from './worker-entry-option.js';

/** Options every backend understands. */
interface CommonPoolOptions {
  /**
   * How many workers run tasks at once. Default: the CPUs this process may use.
   * With backend 'redis': how many chunks the pool keeps queued or running in Redis at once (default 8).
   */
  workers?: number;
  /** Milliseconds an item may run before it fails with ERR_TASK_TIMEOUT and its worker is replaced. */
  taskTimeout?: number;
  /**
   * When this many items wait for a worker, new calls reject at once with ERR_QUEUE_FULL instead
   * of queuing (a server answers 503). Checked when a call starts. Default: Infinity.
   */
  maxQueue?: number;
}

/** Never set on a pool that does not use Redis. */
type NoRedisOptions = { [K in keyof RedisPoolOptions]?: never };

/** Options of the workers a pool starts itself (threads or child processes). */
interface LocalPoolOptions<InitArgs extends unknown[]> extends CommonPoolOptions, NoRedisOptions {
  /**
   * Heap limits of each worker (see node:worker_threads ResourceLimits). With backend 'process'
   * only maxOldGenerationSizeMb applies (as --max-old-space-size).
   */
  resourceLimits?: ResourceLimits;
  /** Runs once in each new worker before its first task (Python's initializer), with initArgs. */
  initializer?: TaskInput<(...args: InitArgs) => unknown>;
  /** Arguments of the initializer, typed from its parameters. */
  initArgs?: NoInferHere<InitArgs>;
  /** Replace a worker with a fresh one after it has run this many items (Python's maxtasksperchild). */
  maxTasksPerWorker?: number;
  /**
   * An elastic pool: workers kept when idle (default 0: nothing starts before the first task).
   * Workers start on demand up to maxWorkers. Not with `workers`, which fixes the size.
   */
  minWorkers?: number;
  /** An elastic pool: the most workers at once (default: the CPUs this process may use). */
  maxWorkers?: number;
  /** An elastic pool: milliseconds a worker beyond minWorkers stays idle before it exits (default 10000). */
  idleTimeout?: number;
  /**
   * Milliseconds a task whose item timed out or whose call was aborted has to stop by itself
   * (watching taskSignal()) before its worker is replaced. Default 300; 0 replaces it at once.
   */
  abortGrace?: number;
  /**
   * Items a worker runs at once (default 1): tasks that await I/O (fetch, a database, a timer)
   * share a worker's thread while they wait. Sized like piscina's option of the same name; see
   * docs/serving.md. Not for CPU-bound tasks, which only take turns.
   */
  concurrentTasksPerWorker?: number;
  /**
   * A bundled app: where the bundler put multicore's worker entry (`multicore/worker-entry`),
   * as a path or file URL. Default: multicore's own entry files, or `multicore-worker.mjs` next
   * to the bundle. See docs/runtimes.md.
   */
  workerEntry?: string | URL;
}

/** A pool of worker threads: the default. */
export interface ThreadPoolOptions<InitArgs extends unknown[] = any[]> extends LocalPoolOptions<InitArgs> {
  /** 'thread' (worker_threads), the default. */
  backend?: 'thread';
  /**
   * Milliseconds (fractions allowed, at most 10) that an idle worker, and the caller waiting for
   * the only call in flight, keep polling shared memory for the next message before they sleep.
   * Default 0 (off). About 0.1 cuts the round trip of one call at a time by an order of
   * magnitude, for up to that much CPU per call on each side; see docs/pool.md "Latency".
   */
  spin?: number;
  env?: never;
  cwd?: never;
  execArgv?: never;
}

/** A pool of child processes: env, cwd and execArgv apply to them. */
export interface ProcessPoolOptions<InitArgs extends unknown[] = any[]> extends LocalPoolOptions<InitArgs>, ChildProcessOptions {
  /** 'process': child processes. */
  backend: 'process';
  spin?: never;
}

/** A pool whose workers are `multicore worker` processes serving a Redis queue, on any machine. */
export interface RedisBackendPoolOptions extends CommonPoolOptions, RedisPoolOptions {
  /** 'redis': BullMQ jobs served by `multicore worker` processes. */
  backend: 'redis';
  resourceLimits?: never;
  minWorkers?: never;
  maxWorkers?: never;
  idleTimeout?: never;
  abortGrace?: never;
  concurrentTasksPerWorker?: never;
  initializer?: never;
  initArgs?: never;
  maxTasksPerWorker?: never;
  env?: never;
  cwd?: never;
  execArgv?: never;
  workerEntry?: never;
  spin?: never;
}

/**
 * The options of `new Pool(options)`, one shape per backend (`backend` tells them apart), so
 * that options of another backend are type errors. `InitArgs` is inferred from the initializer.
 */
export type PoolOptions<InitArgs extends unknown[] = any[]> = ThreadPoolOptions<InitArgs> | ProcessPoolOptions<InitArgs> | RedisBackendPoolOptions;

/** What every backend is given. */
interface NormalizedCommonOptions {
  /** The most workers at once (maxWorkers of an elastic pool). */
  workers: number;
  taskTimeout: number | undefined;
  /** Infinity when not bounded. */
  maxQueue: number;
}

/** What the pool's own workers (threads or child processes) are given besides. */
interface NormalizedLocalOptions extends NormalizedCommonOptions {
  /** Workers kept when idle: `workers` for a fixed pool. */
  minWorkers: number;
  /** Milliseconds an idle worker beyond minWorkers stays. */
  idleTimeout: number;
  /** Milliseconds a cancelled task has to stop by itself before its worker is replaced. */
  abortGrace: number;
  /** Items a worker runs at once. */
  concurrentTasksPerWorker: number;
  resourceLimits: ResourceLimits | undefined;
  initializer: NormalizedInitializer | undefined;
  maxTasksPerWorker: number | undefined;
  workerEntry: URL | undefined;
}

export interface NormalizedThreadOptions extends NormalizedLocalOptions {
  backend: 'thread';
  /** Milliseconds workers and the caller poll for the next message before they sleep; 0: never. */
  spin: number;
}

export interface NormalizedProcessOptions extends NormalizedLocalOptions, NormalizedChildProcessOptions {
  backend: 'process';
  maxOldGenerationSizeMb: number | undefined;
}

export interface NormalizedRedisPoolOptions extends NormalizedCommonOptions {
  backend: 'redis';
  redis: NormalizedRedisOptions;
}

/** The options of `new Pool()` once checked and merged with defaults: one shape per backend. */
export type NormalizedPoolOptions = NormalizedThreadOptions | NormalizedProcessOptions | NormalizedRedisPoolOptions;

/** The names `backend` may take. */
export type BackendName = NormalizedPoolOptions['backend'];

const knownOptions = [
  'workers',
  'backend',
  'resourceLimits',
  'initializer',
  'initArgs',
  'maxTasksPerWorker',
  'minWorkers',
  'maxWorkers',
  'idleTimeout',
  'abortGrace',
  'concurrentTasksPerWorker',
  'taskTimeout',
  'maxQueue',
  ...processOptionNames,
  'workerEntry',
  'spin',
  ...redisOptionNames,
] as const;
const resourceLimitKeys = ['maxOldGenerationSizeMb', 'maxYoungGenerationSizeMb', 'codeRangeSizeMb', 'stackSizeMb'] as const;
/** Options of the pool's own workers; a Redis pool's workers are `multicore worker` processes. */
const localOnly = ['resourceLimits', 'initializer', 'initArgs', 'maxTasksPerWorker', 'workerEntry', 'minWorkers', 'maxWorkers', 'idleTimeout', 'abortGrace', 'concurrentTasksPerWorker'] as const;

export function normalizePoolOptions(options: number | PoolOptions<unknown[]> | undefined): NormalizedPoolOptions {
  if (typeof options !== 'number' && options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new TypeError(`new Pool(workers | options): workers must be a positive integer or options an object, got ${describe(options)}`);
  }
  const given = typeof options === 'number' ? { workers: options } : optionsObject('new Pool(options)', options, knownOptions);
  const backend = given.backend === undefined ? 'thread' : oneOf('backend', given.backend, ['thread', 'process', 'redis']);
  const spin = validateSpin(backend, given.spin);
  if (backend !== 'process') refuseProcessOptions(given);
  if (backend === 'redis') {
    for (const name of localOnly) {
      if (given[name] !== undefined) {
        const where = name === 'concurrentTasksPerWorker' ? 'start each `multicore worker` with --tasks-per-thread N' : "set the workers' limits and setup on each `multicore worker`";
        throw new TypeError(`${name} applies to local workers: with backend: 'redis', ${where}`);
      }
    }
  }
  let normalized: NormalizedPoolOptions;
  if (backend === 'redis') {
    const redis = normalizeRedisOptions(given);
    normalized = { backend, redis, workers: workersOption(given.workers, () => defaultRedisChunksInFlight), ...limits(given) };
  } else {
    refuseRedisOptions(backend, given);
    const resourceLimits = given.resourceLimits === undefined ? undefined : validateResourceLimits(given.resourceLimits, backend);
    // Checked in the order of the options table, so that the first of several mistakes is named.
    const size = normalizePoolSize(given, defaultWorkers);
    const initializer = validateInitializer(given.initializer, given.initArgs);
    const maxTasksPerWorker = optionalPositiveInteger('maxTasksPerWorker', given.maxTasksPerWorker);
    const abortGrace = optionalNonNegativeMs('abortGrace', given.abortGrace) ?? defaultAbortGrace;
    const concurrentTasksPerWorker = optionalPositiveInteger('concurrentTasksPerWorker', given.concurrentTasksPerWorker) ?? 1;
    const local = {
      workers: size.maxWorkers, minWorkers: size.minWorkers, idleTimeout: size.idleTimeout, abortGrace, concurrentTasksPerWorker,
      resourceLimits, initializer, maxTasksPerWorker, ...limits(given),
    };
    if (backend === 'thread') {
      normalized = { ...local, backend, workerEntry: validateWorkerEntry(given.workerEntry), spin };
    } else {
      normalized = { ...local, backend, ...normalizeProcessOptions(given), maxOldGenerationSizeMb: resourceLimits?.maxOldGenerationSizeMb, workerEntry: validateWorkerEntry(given.workerEntry) };
    }
  }
  refuseUnsupportedOptions(normalized);
  return normalized;
}

function workersOption(value: unknown, byDefault: () => number): number {
  return value !== undefined ? positiveInteger('workers', value) : byDefault();
}

function limits(given: { taskTimeout?: unknown; maxQueue?: unknown }): Pick<NormalizedCommonOptions, 'taskTimeout' | 'maxQueue'> {
  return {
    taskTimeout: optionalPositiveNumber('taskTimeout', given.taskTimeout),
    maxQueue: optionalPositiveIntegerOrInfinity('maxQueue', given.maxQueue) ?? Infinity,
  };
}

/** Long enough for a task that watches taskSignal() to return; short beside a worker's restart. */
const defaultAbortGrace = 300;

/** Enough queued chunks to keep a few remote machines busy without flooding Redis. */
const defaultRedisChunksInFlight = 8;

/** The CPUs this process may really use: availableParallelism, affinity and cgroup quota. */
export function defaultWorkers(): number {
  return usableCores();
}

function validateResourceLimits(value: unknown, backend: 'thread' | 'process'): ResourceLimits {
  const limits = optionsObject('resourceLimits', value, resourceLimitKeys);
  for (const key of resourceLimitKeys) {
    if (limits[key] === undefined) continue;
    positiveInteger(`resourceLimits.${key}`, limits[key]);
    if (backend === 'process' && key !== 'maxOldGenerationSizeMb') {
      throw new RangeError(`resourceLimits.${key} applies to worker threads only; for child processes pass the V8 flag in execArgv`);
    }
  }
  return limits as ResourceLimits;
}
