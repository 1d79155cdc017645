/**
 * A backend that runs chunks on the main thread, for tests: what a new backend has to write on
 * top of BackendBase. It shares memory and runs inline functions (they are compiled here); a
 * running chunk cannot be stopped, so an abort only settles it and its result is dropped.
 */
// From the bundle's internals entry, which shares its chunks with `import 'multicore'`: the
// registry there is the one a Pool from 'multicore' reads (src/internals.ts).
import {
  BackendBase,
  PendingChunk,
  registerBackend,
  resolveTask,
  serializeError,
  type BackendObserver,
  type BroadcastOutcome,
  type ChunkControl,
  type ChunkSpec,
  type SerializedError,
  type TaskRef,
  type WorkerCounts,
} from '../../dist/bundle/internals.js';

/** A chunk keeps what it runs; the base keeps the promise and settles it once. */
class MemoryChunk extends PendingChunk {
  constructor(
    readonly spec: ChunkSpec,
    control: ChunkControl,
  ) {
    super(control);
  }
}

class MemoryBackend extends BackendBase<MemoryChunk> {
  readonly origin = 'memory worker';
  readonly capabilities = { sharedMemory: true, inlineTasks: true, priority: false, broadcast: true };
  readonly #queue: MemoryChunk[] = [];
  #running = 0;

  constructor(
    readonly concurrency: number,
    observer: BackendObserver,
  ) {
    super(observer);
  }

  protected createChunk(spec: ChunkSpec): MemoryChunk {
    return new MemoryChunk(spec, this.chunkControl);
  }

  protected dispatch(chunk: MemoryChunk): void {
    this.#queue.push(chunk);
    this.#next();
  }

  protected cancel(chunk: MemoryChunk, abort: { reason: unknown } | undefined): void {
    const queued = this.#queue.indexOf(chunk);
    if (queued !== -1) this.#queue.splice(queued, 1);
    if (abort !== undefined) this.fail(chunk, abort.reason);
    else if (queued !== -1) this.drop(chunk);
  }

  /** The main thread is its one worker: the task runs once. */
  async broadcast(task: TaskRef, args: unknown[]): Promise<BroadcastOutcome[]> {
    try {
      return [{ result: await (await resolveTask(task))(...args) }];
    } catch (error) {
      return [{ error: serializeError(error) }];
    }
  }

  protected async stopWorkers(): Promise<void> {
    this.#queue.length = 0;
  }

  protected workerCounts(): WorkerCounts {
    const queued = this.#queue.reduce((items, chunk) => items + chunk.spec.items.length, 0);
    return { workers: this.stopped ? 0 : this.concurrency, busy: this.#running, queued };
  }

  #next(): void {
    while (this.#running < this.concurrency && this.#queue.length > 0) {
      const chunk = this.#queue.shift()!;
      this.#running++;
      // A macrotask later, as a worker would answer: callers get to abort while it runs.
      setImmediate(() => void this.#run(chunk).finally(() => {
        this.#running--;
        this.#next();
      }));
    }
  }

  async #run(chunk: MemoryChunk): Promise<void> {
    const started = performance.now();
    const { task, items, spread, settle } = chunk.spec;
    const results: unknown[] = [];
    const errors: [number, SerializedError][] = [];
    try {
      const fn = await resolveTask(task);
      for (let i = 0; i < items.length && (settle || errors.length === 0); i++) {
        try {
          results[i] = await (spread ? fn(...(items[i] as unknown[])) : fn(items[i]));
        } catch (error) {
          errors.push([i, serializeError(error)]);
        }
      }
    } catch (error) {
      errors.push([0, serializeError(error)]);
    }
    if (!settle && errors.length > 0) results.length = errors[0]![0];
    this.complete(chunk, { results, ...(errors.length > 0 && { errors }), duration: performance.now() - started });
  }
}

/** Makes `new Pool({ backend: 'thread' })` (the default) run in memory until the returned function is called. */
export function useMemoryBackend(): () => void {
  return registerBackend('thread', (options, observer) => new MemoryBackend(options.workers, observer));
}
