/**
 * Pool: Python's multiprocessing.Pool for Node. It owns the lifecycle (open, closed,
 * terminated), counts the calls in progress, and delegates the calls to api/ and the work to a
 * backend.
 */
import { EventEmitter } from 'node:events';
import { runApply } from '../api/apply.js';
import { runBroadcast } from '../api/broadcast.js';
import type { CallContext } from '../api/context.js';
import { runForRange, runReduceRange } from '../api/for-range.js';
import { runImap, runImapUnordered } from '../api/imap.js';
import { runMap, runMapSettled, runStarmap, runStarmapSettled } from '../api/map.js';
import type { Cloneable, Cloned, Input } from '../api/types.js';
import type { Backend, BackendStats } from '../backends/backend.js';
import { createBackend } from '../backends/registry.js';
import { PoolClosedError, PoolInWorkerError, PoolNotClosedError, PoolTerminatedError, QueueFullError } from '../errors.js';
import type { ApplyOptions, MapOptions } from '../options/call-options.js';
import { normalizePoolOptions, type PoolOptions } from '../options/pool-options.js';
import type { RangeOptions } from '../shared/range-options.js';
import { taskModuleBeingLoaded } from '../tasks/resolve.js';
import type { TaskInput } from '../tasks/task.js';
import { MetricsRecorder, type PoolMetrics } from './metrics.js';
import { observeBackend, type PoolEventMap } from './pool-events.js';

/**
 * What `pool.stats` reports: live workers, busy ones, items queued, completed and failed, and
 * the utilization, run-time and wait-time figures.
 */
export interface PoolStats extends BackendStats, PoolMetrics {}

type State = 'open' | 'closed' | 'terminated';

/**
 * A pool of workers that run tasks in parallel.
 *
 * @example
 * import { Pool } from 'multicore';
 * await using pool = new Pool(3);
 * const squares = await pool.map((x: number) => x * x, [1, 2, 3]);   // [1, 4, 9]
 */
export class Pool<InitArgs extends unknown[] = any[]> extends EventEmitter<PoolEventMap> implements AsyncDisposable {
  readonly #backend: Backend;
  readonly #metrics = new MetricsRecorder();
  readonly #maxQueue: number;
  /** The most workers at once (the backend's concurrency counts each worker's concurrent tasks). */
  readonly #workers: number;
  #state: State = 'open';
  #activeCalls = 0;
  /** Set while close() waits for running calls; terminate() may end the wait with its own promise. */
  #onCallsEnded: ((instead?: Promise<void>) => void) | undefined;
  #finished: Promise<void> | undefined;
  readonly #context: CallContext;

  /** @param options the number of workers, or options; default: one worker per usable CPU. */
  constructor(options?: number | PoolOptions<InitArgs>) {
    super();
    const loading = taskModuleBeingLoaded();
    if (loading !== undefined) throw new PoolInWorkerError(loading);
    const normalized = normalizePoolOptions(options as PoolOptions<unknown[]> | number | undefined);
    this.#maxQueue = normalized.maxQueue;
    this.#workers = normalized.workers;
    this.#backend = createBackend(normalized, observeBackend(this, this.#metrics));
    this.#context = {
      backend: this.#backend,
      begin: (method) => this.#begin(method),
      enter: (method) => this.#enter(method),
      exit: () => this.#exit(),
      refusal: (method) => this.#refusal(method),
    };
  }

  /** How many workers the pool runs. */
  get workers(): number {
    return this.#workers;
  }

  /**
   * Counts and figures now: `utilization` (0 to 1), and `runTime` / `waitTime` summaries
   * (count, mean, p50, p90, p99, max, in ms).
   *
   * @example
   * const { queued, utilization, waitTime } = pool.stats;
   * if (waitTime.p99 > 100) console.warn(`tasks wait ${waitTime.p99} ms (p99); ${queued} queued`);
   */
  get stats(): PoolStats {
    return { ...this.#backend.stats(), ...this.#metrics.read(this.#backend.concurrency) };
  }

  /**
   * Calls `fn(item)` for every item in parallel; resolves to the results in input order.
   * Rejects with the first failure and starts no more items.
   *
   * @example
   * const lengths = await pool.map((s: string) => s.length, ['a', 'bb']);   // [1, 2]
   */
  map<T extends Cloneable, R>(fn: TaskInput<(item: T) => R>, items: Input<T>, options?: MapOptions): Promise<Cloned<Awaited<R>>[]> {
    return runMap(this.#context, fn, items, options) as Promise<Cloned<Awaited<R>>[]>;
  }

  /**
   * Calls `fn(...args)` for every argument list; resolves to the results in input order.
   *
   * @example
   * const sums = await pool.starmap((a: number, b: number) => a + b, [[1, 2], [3, 4]]);   // [3, 7]
   */
  starmap<A extends Cloneable[], R>(fn: TaskInput<(...args: A) => R>, items: Input<A>, options?: MapOptions): Promise<Cloned<Awaited<R>>[]> {
    return runStarmap(this.#context, fn, items, options) as Promise<Cloned<Awaited<R>>[]>;
  }

  /**
   * Like map, but never rejects because of an item: resolves to every item's outcome in input
   * order, like Promise.allSettled. A worker crash or timeout fails the items of its chunk
   * (use chunksize: 1 to confine it to one item); abort and terminate still reject the call.
   *
   * @example
   * const outcomes = await pool.mapSettled(parse, files);
   * const broken = outcomes.filter((o) => o.status === 'rejected');
   */
  mapSettled<T extends Cloneable, R>(fn: TaskInput<(item: T) => R>, items: Input<T>, options?: MapOptions): Promise<PromiseSettledResult<Cloned<Awaited<R>>>[]> {
    return runMapSettled(this.#context, fn, items, options) as Promise<PromiseSettledResult<Cloned<Awaited<R>>>[]>;
  }

  /**
   * starmap's counterpart of mapSettled: every argument list's outcome, in input order.
   *
   * @example
   * const outcomes = await pool.starmapSettled(divide, [[1, 2], [1, 0]]);
   */
  starmapSettled<A extends Cloneable[], R>(fn: TaskInput<(...args: A) => R>, items: Input<A>, options?: MapOptions): Promise<PromiseSettledResult<Cloned<Awaited<R>>>[]> {
    return runStarmapSettled(this.#context, fn, items, options) as Promise<PromiseSettledResult<Cloned<Awaited<R>>>[]>;
  }

  /**
   * Like map, as an async iterable of results in input order; reads the input lazily.
   *
   * @example
   * for await (const line of pool.imap(render, rows)) process.stdout.write(line);
   */
  imap<T extends Cloneable, R>(fn: TaskInput<(item: T) => R>, items: Input<T>, options?: MapOptions): AsyncGenerator<Cloned<Awaited<R>>, void, undefined> {
    return runImap(this.#context, fn, items, options) as AsyncGenerator<Cloned<Awaited<R>>, void, undefined>;
  }

  /**
   * Like imap, yielding each result as soon as it is ready, in any order.
   *
   * @example
   * for await (const size of pool.imapUnordered(download, urls)) total += size;
   */
  imapUnordered<T extends Cloneable, R>(fn: TaskInput<(item: T) => R>, items: Input<T>, options?: MapOptions): AsyncGenerator<Cloned<Awaited<R>>, void, undefined> {
    return runImapUnordered(this.#context, fn, items, options) as AsyncGenerator<Cloned<Awaited<R>>, void, undefined>;
  }

  /**
   * Runs `fn(...args)` once in a worker.
   *
   * @example
   * const n = await pool.apply((a: number, b: number) => a * b, [6, 7]);   // 42
   */
  apply<R>(fn: TaskInput<() => R>, args?: [], options?: ApplyOptions): Promise<Cloned<Awaited<R>>>;
  apply<A extends Cloneable[], R>(fn: TaskInput<(...args: A) => R>, args: A, options?: ApplyOptions): Promise<Cloned<Awaited<R>>>;
  apply(fn: TaskInput<(...args: any[]) => unknown>, args?: unknown[], options?: ApplyOptions): Promise<unknown> {
    return runApply(this.#context, fn, args, options);
  }

  /**
   * Runs `fn(...args)` once on every live worker (to reload configuration, warm a cache),
   * beside the work they run; resolves to their results, one per worker. Workers started later
   * (replacements) do not run it: use the pool's `initializer` for what every worker needs.
   * Rejects with the first error a worker threw, or if a worker dies before it answers.
   *
   * @example
   * await pool.broadcast(reloadConfig, ['/etc/app.json']);   // [undefined, undefined] on 2 workers
   */
  broadcast<R>(fn: TaskInput<() => R>, args?: []): Promise<Cloned<Awaited<R>>[]>;
  broadcast<A extends Cloneable[], R>(fn: TaskInput<(...args: A) => R>, args: A): Promise<Cloned<Awaited<R>>[]>;
  broadcast(fn: TaskInput<(...args: any[]) => unknown>, args?: unknown[]): Promise<unknown[]> {
    return runBroadcast(this.#context, fn, args);
  }

  /**
   * Splits `[0, length)` into contiguous ranges (default: one per worker) and calls
   * `fn(start, end, context)` for each in the workers; resolves to the per-range results in
   * order. Typed arrays from sharedArray()/toShared() in `context` are shared, not copied.
   *
   * @example
   * const data = toShared(Float64Array.from([1, 2, 3, 4]));
   * await pool.forRange(data.length, (start: number, end: number, a: Float64Array) => {
   *   for (let i = start; i < end; i++) a[i] *= 2;
   * }, data);   // data is now [2, 4, 6, 8]
   */
  forRange<R>(length: number, fn: TaskInput<(start: number, end: number) => R>, context?: undefined, options?: RangeOptions): Promise<Cloned<Awaited<R>>[]>;
  forRange<C extends Cloneable, R>(length: number, fn: TaskInput<(start: number, end: number, context: C) => R>, context: C, options?: RangeOptions): Promise<Cloned<Awaited<R>>[]>;
  forRange(length: number, fn: TaskInput<(...args: any[]) => unknown>, context?: unknown, options?: RangeOptions): Promise<unknown[]> {
    return runForRange(this.#context, length, fn, context, options);
  }

  /**
   * forRange, then `combine` (run here, in range order) folds the per-range results into one:
   * the safe pattern for sums, means, min/max and histograms over shared arrays.
   *
   * @example
   * const sum = await pool.reduceRange(data.length, (start: number, end: number, a: Float64Array) => {
   *   let s = 0;
   *   for (let i = start; i < end; i++) s += a[i]!;
   *   return s;
   * }, (a, b) => a + b, data);
   */
  reduceRange<R>(
    length: number,
    fn: TaskInput<(start: number, end: number) => R>,
    combine: (a: Cloned<Awaited<R>>, b: Cloned<Awaited<R>>) => Cloned<Awaited<R>>,
    context?: undefined,
    options?: RangeOptions,
  ): Promise<Cloned<Awaited<R>>>;
  reduceRange<C extends Cloneable, R>(
    length: number,
    fn: TaskInput<(start: number, end: number, context: C) => R>,
    combine: (a: Cloned<Awaited<R>>, b: Cloned<Awaited<R>>) => Cloned<Awaited<R>>,
    context: C,
    options?: RangeOptions,
  ): Promise<Cloned<Awaited<R>>>;
  reduceRange(length: number, fn: TaskInput<(...args: any[]) => unknown>, combine: (a: any, b: any) => unknown, context?: unknown, options?: RangeOptions): Promise<unknown> {
    return runReduceRange(this.#context, length, fn, combine, context, options);
  }

  /** Takes no new work; workers exit once the work already submitted is done. */
  close(): void {
    if (this.#state !== 'open') return;
    this.#state = 'closed';
    this.#finishWhenIdle();
  }

  /** Waits until the workers have exited. Call close() or terminate() first. */
  async join(): Promise<void> {
    if (this.#state === 'open') throw new PoolNotClosedError();
    await this.#finished;
  }

  /** Stops every worker now; everything pending rejects with ERR_POOL_TERMINATED. */
  async terminate(): Promise<void> {
    if (this.#state === 'terminated') return this.#finished;
    this.#state = 'terminated';
    const terminated = this.#backend.terminate(new PoolTerminatedError());
    // A join() that waits for close() to drain must end with the termination instead.
    const endClose = this.#onCallsEnded;
    this.#onCallsEnded = undefined;
    this.#finished = terminated;
    endClose?.(terminated);
    return terminated;
  }

  /** close() then join(): what `await using pool = new Pool()` does at the end of the block. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
    await this.join();
  }

  #begin(method: string): () => void {
    this.#enter(method);
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.#exit();
    };
  }

  #enter(method: string): void {
    const refusal = this.#refusal(method);
    if (refusal !== undefined) throw refusal;
    if (this.#maxQueue !== Infinity && this.#backend.stats().queued >= this.#maxQueue) throw new QueueFullError(method, this.#maxQueue);
    this.#activeCalls++;
  }

  #exit(): void {
    this.#activeCalls--;
    if (this.#activeCalls === 0) this.#onCallsEnded?.();
  }

  #refusal(method: string): Error | undefined {
    if (this.#state === 'open') return undefined;
    return this.#state === 'closed' ? new PoolClosedError(method) : new PoolTerminatedError();
  }

  /** Calls still running may submit more chunks (imap reads lazily), so wait for them first. */
  #finishWhenIdle(): void {
    if (this.#activeCalls === 0) {
      this.#finished = this.#backend.shutdown();
      return;
    }
    this.#finished = new Promise<void>((resolve) => {
      this.#onCallsEnded = (instead) => {
        this.#onCallsEnded = undefined;
        resolve(instead ?? this.#backend.shutdown());
      };
    });
  }
}
