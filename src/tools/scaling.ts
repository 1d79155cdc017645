/**
 * scaling(): runs the same work at several worker counts and reports how the time falls (or
 * does not). "More cores" is not "faster code": serial parts, memory bandwidth and
 * oversubscription all show up here as a speedup curve that bends away from the ideal line.
 */
import type { Cloneable } from '../api/types.js';
import { describe } from '../errors/describe.js';
import type { PoolOptions } from '../options/pool-options.js';
import { optionalFunction, optionsObject, positiveInteger } from '../options/validate.js';
import { Pool } from '../pool/pool.js';
import type { TaskInput } from '../tasks/task.js';
import { analyzeScaling, defaultWorkerCounts, type ScalingMeasurement, type ScalingReport } from './scaling-analysis.js';
import { usableCores } from '../system/sysinfo.js';
import { secondsSince } from './timer.js';

/** Options of scaling(). */
export interface ScalingOptions {
  /** Worker counts to measure; 1 (the baseline) is always added. Default: 1 up to twice the usable cores. */
  workers?: number[];
  /** The Pool backend, passed to `new Pool({ workers, backend })`. Default: the Pool's default. */
  backend?: PoolOptions['backend'];
  /** Timed runs per worker count; the fastest counts. Default: 3. */
  repeat?: number;
  /** Label of the report. Default: the task's name. */
  name?: string;
  /** Called after each timed run, e.g. to draw a progress bar. */
  onProgress?: (progress: ScalingProgress) => void;
}

/** How far a scaling measurement has got. */
export interface ScalingProgress {
  /** Timed runs done, of `total`. */
  done: number;
  total: number;
  /** The worker count being measured. */
  workers: number;
}

/** One workload to measure: a task, its items, and optionally serial work done by the caller in every run. */
export interface Workload<T> {
  name: string;
  task: TaskInput<(item: T) => unknown>;
  items: readonly T[];
  /** Runs in this thread before each map, inside the timed part (the serial share of a program). */
  serial?: () => unknown;
}

interface NormalizedScalingOptions {
  workers: number[];
  repeat: number;
  backend: PoolOptions['backend'];
  name: string | undefined;
  onProgress: ScalingOptions['onProgress'];
}

const knownOptions = ['workers', 'backend', 'repeat', 'name', 'onProgress'] as const;

/**
 * Times `pool.map(fn, inputs)` at each worker count (a fresh pool each, warmed up first) and
 * reports time, speedup, efficiency, the Karp-Flatt serial fraction and an Amdahl's-law fit.
 *
 * @example
 * ```ts
 * import { scaling, task } from 'multicore';
 * export const fib = task(import.meta, function fib(n: number): number { return n < 2 ? n : fib(n - 1) + fib(n - 2); });
 * const report = await scaling(fib, Array(32).fill(27), { workers: [1, 2, 4] });
 * for (const point of report.points) console.log(point.workers, point.speedup.toFixed(2));
 * ```
 */
export async function scaling<T>(fn: TaskInput<(item: T) => unknown>, inputs: Iterable<T>, options: ScalingOptions = {}): Promise<ScalingReport> {
  if (typeof fn !== 'function' && (typeof fn !== 'object' || fn === null)) {
    throw new TypeError(`scaling(fn, inputs): fn must be a function or a { module, name } task, got ${describe(fn)}`);
  }
  if (inputs === null || typeof inputs !== 'object' || typeof (inputs as Iterable<T>)[Symbol.iterator] !== 'function') {
    throw new TypeError(`scaling(fn, inputs): inputs must be an iterable (e.g. an array) of items, got ${describe(inputs)}`);
  }
  const normalized = normalizeScalingOptions(options);
  return measure({ name: normalized.name ?? taskName(fn), task: fn, items: [...inputs] }, normalized);
}

/** Measures one workload; scaling() and the built-in demos both come here. */
export async function measureWorkload<T>(workload: Workload<T>, options: ScalingOptions = {}): Promise<ScalingReport> {
  return measure(workload, normalizeScalingOptions(options));
}

async function measure<T>(workload: Workload<T>, options: NormalizedScalingOptions): Promise<ScalingReport> {
  if (workload.items.length === 0) throw new RangeError('scaling(fn, inputs): inputs must hold at least one item');
  const { workers, repeat, backend, onProgress } = options;
  const total = workers.length * repeat;
  let done = 0;
  const measurements: ScalingMeasurement[] = [];
  for (const count of workers) {
    const runs = await timeAtWorkers(workload, count, repeat, backend, () => {
      done += 1;
      onProgress?.({ done, total, workers: count });
    });
    measurements.push({ workers: count, runs });
  }
  return analyzeScaling(workload.name, workload.items.length, usableCores(), measurements);
}

async function timeAtWorkers<T>(workload: Workload<T>, workers: number, repeat: number, backend: PoolOptions['backend'], afterRun: () => void): Promise<number[]> {
  const pool = new Pool(backend === undefined ? { workers } : { workers, backend });
  // Items of any type: what cannot be cloned fails the run with ERR_TASK_SERIALIZATION.
  const task = workload.task as TaskInput<(item: Cloneable) => unknown>;
  const items = workload.items as readonly Cloneable[];
  const runs: number[] = [];
  try {
    // Start every worker and load the task before the clock runs: one item per worker.
    await pool.map(task, Array.from({ length: workers }, (_, index) => items[index % items.length]), { chunksize: 1 });
    for (let run = 0; run < repeat; run++) {
      const start = process.hrtime.bigint();
      await workload.serial?.();
      await pool.map(task, items);
      runs.push(secondsSince(start));
      afterRun();
    }
  } catch (error) {
    await pool.terminate();
    throw error;
  }
  pool.close();
  await pool.join();
  return runs;
}

function taskName(fn: unknown): string {
  if (typeof fn === 'function') return fn.name === '' ? 'task' : fn.name;
  if (typeof fn === 'object' && fn !== null && 'name' in fn && typeof fn.name === 'string') return fn.name;
  return 'task';
}

function normalizeScalingOptions(options: unknown): NormalizedScalingOptions {
  const given = optionsObject('scaling(fn, inputs, options)', options, knownOptions);
  const { workers, repeat, backend, name } = given;
  if (workers !== undefined && (!Array.isArray(workers) || workers.length === 0)) {
    throw new TypeError(`options.workers must be a non-empty array of worker counts such as [1, 2, 4], got ${describe(workers)}`);
  }
  const counts = new Set<number>(
    workers === undefined ? defaultWorkerCounts(usableCores()) : (workers as unknown[]).map((count) => positiveInteger('options.workers[]', count)),
  );
  counts.add(1);
  if (name !== undefined && (typeof name !== 'string' || name === '')) {
    throw new TypeError(`options.name must be a non-empty string, got ${describe(name)}`);
  }
  if (backend !== undefined && typeof backend !== 'string') {
    // The Pool checks which backends exist; here only the type, so a new backend needs no change.
    throw new TypeError(`options.backend must be a backend name such as 'thread', got ${describe(backend)}`);
  }
  return {
    workers: [...counts].sort((a, b) => a - b),
    repeat: repeat === undefined ? 3 : positiveInteger('options.repeat', repeat),
    backend: backend as PoolOptions['backend'],
    name: name as string | undefined,
    onProgress: optionalFunction<NonNullable<ScalingOptions['onProgress']>>('options.onProgress', given.onProgress),
  };
}
