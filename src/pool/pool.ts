/**
 * Pool: Python's multiprocessing.Pool for Node. It owns the lifecycle (open, closed,
 * terminated), counts the calls in progress, and delegates the calls to api/ and the work to a
 * backend.
 */
import { runApply } from '../api/apply.js';
import type { CallContext } from '../api/context.js';
import { runImap } from '../api/imap.js';
import { runMap } from '../api/map.js';
import type { Input, TaskInput } from '../api/types.js';
import type { Backend } from '../backends/backend.js';
import { createRedisBackend } from '../backends/redis/redis-backend.js';
import { createThreadBackend } from '../backends/thread/thread-backend.js';
import { PoolClosedError, PoolInWorkerError, PoolNotClosedError, PoolTerminatedError } from '../errors.js';
import type { ApplyOptions, MapOptions } from '../options/call-options.js';
import { normalizePoolOptions, type PoolOptions } from '../options/pool-options.js';
import { loadingTaskModuleKey } from '../tasks/resolve.js';

export interface PoolStats {
  /** Live workers. */
  workers: number;
  /** Workers running a task now. */
  busy: number;
  /** Items submitted that no worker has started. */
  queued: number;
  /** Items that returned a result. */
  completed: number;
  /** Items that threw, or whose worker died under them. */
  failed: number;
}

type State = 'open' | 'closed' | 'terminated';

/**
 * A pool of workers that run tasks in parallel.
 *
 * @example
 * import { Pool } from 'multicore';
 * await using pool = new Pool(3);
 * const squares = await pool.map((x: number) => x * x, [1, 2, 3]);   // [1, 4, 9]
 */
export class Pool implements AsyncDisposable {
  readonly #backend: Backend;
  #state: State = 'open';
  #activeCalls = 0;
  #onCallsEnded: (() => void) | undefined;
  #finished: Promise<void> | undefined;
  readonly #context: CallContext;

  /** @param options the number of workers, or options; default: one worker per usable CPU. */
  constructor(options?: number | PoolOptions) {
    const loading = (globalThis as unknown as Record<symbol, string | undefined>)[loadingTaskModuleKey];
    if (loading !== undefined) throw new PoolInWorkerError(loading);
    const normalized = normalizePoolOptions(options);
    this.#backend = normalized.redis !== undefined ? createRedisBackend(normalized.workers, normalized.redis) : createThreadBackend(normalized);
    this.#context = {
      backend: this.#backend,
      begin: (method) => this.#begin(method),
      refusal: (method) => this.#refusal(method),
    };
  }

  /** How many workers the pool runs. */
  get workers(): number {
    return this.#backend.concurrency;
  }

  get stats(): PoolStats {
    return this.#backend.stats();
  }

  /**
   * Calls `fn(item)` for every item in parallel; resolves to the results in input order.
   * Rejects with the first failure and starts no more items.
   *
   * @example
   * const lengths = await pool.map((s: string) => s.length, ['a', 'bb']);   // [1, 2]
   */
  map<T, R>(fn: TaskInput<(item: T) => R>, items: Input<T>, options?: MapOptions): Promise<Awaited<R>[]> {
    return runMap(this.#context, 'map', fn, items, options) as Promise<Awaited<R>[]>;
  }

  /**
   * Calls `fn(...args)` for every argument list; resolves to the results in input order.
   *
   * @example
   * const sums = await pool.starmap((a: number, b: number) => a + b, [[1, 2], [3, 4]]);   // [3, 7]
   */
  starmap<A extends unknown[], R>(fn: TaskInput<(...args: A) => R>, items: Input<A>, options?: MapOptions): Promise<Awaited<R>[]> {
    return runMap(this.#context, 'starmap', fn, items, options) as Promise<Awaited<R>[]>;
  }

  /**
   * Like map, as an async iterable of results in input order; reads the input lazily.
   *
   * @example
   * for await (const line of pool.imap(render, rows)) process.stdout.write(line);
   */
  imap<T, R>(fn: TaskInput<(item: T) => R>, items: Input<T>, options?: MapOptions): AsyncGenerator<Awaited<R>, void, undefined> {
    return runImap(this.#context, 'imap', fn, items, options) as AsyncGenerator<Awaited<R>, void, undefined>;
  }

  /**
   * Like imap, yielding each result as soon as it is ready, in any order.
   *
   * @example
   * for await (const size of pool.imapUnordered(download, urls)) total += size;
   */
  imapUnordered<T, R>(fn: TaskInput<(item: T) => R>, items: Input<T>, options?: MapOptions): AsyncGenerator<Awaited<R>, void, undefined> {
    return runImap(this.#context, 'imapUnordered', fn, items, options) as AsyncGenerator<Awaited<R>, void, undefined>;
  }

  /**
   * Runs `fn(...args)` once in a worker.
   *
   * @example
   * const n = await pool.apply((a: number, b: number) => a * b, [6, 7]);   // 42
   */
  apply<R>(fn: TaskInput<() => R>, args?: [], options?: ApplyOptions): Promise<Awaited<R>>;
  apply<A extends unknown[], R>(fn: TaskInput<(...args: A) => R>, args: A, options?: ApplyOptions): Promise<Awaited<R>>;
  apply(fn: TaskInput<(...args: any[]) => unknown>, args?: unknown[], options?: ApplyOptions): Promise<unknown> {
    return runApply(this.#context, fn, args, options);
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
    this.#onCallsEnded = undefined;
    this.#finished = this.#backend.terminate(new PoolTerminatedError());
    return this.#finished;
  }

  /** close() then join(): what `await using pool = new Pool()` does at the end of the block. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
    await this.join();
  }

  #begin(method: string): () => void {
    const refusal = this.#refusal(method);
    if (refusal !== undefined) throw refusal;
    this.#activeCalls++;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.#activeCalls--;
      if (this.#activeCalls === 0) this.#onCallsEnded?.();
    };
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
      this.#onCallsEnded = () => {
        this.#onCallsEnded = undefined;
        resolve(this.#backend.shutdown());
      };
    });
  }
}
