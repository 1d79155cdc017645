/**
 * Worker side: runs one chunk's items, one after another, on one lane of the progress register.
 * Several chunks may run at once on different lanes (concurrentTasksPerWorker); each chunk that
 * emits or can be cancelled runs in its own task context, so emit() and taskSignal() find their
 * item after an await.
 */
import { nowMs } from '../../system/clock.js';
import { cachedTask, resolveTask } from '../../tasks/resolve.js';
import { enterChunk, leaveChunk, runInTaskContext, type TaskContext } from '../../tasks/task-context.js';
import { serializeError, type SerializedError } from '../../transport/error-codec.js';
import type { ChunkOutcome, ChunkRequest, FromWorkerMessage } from '../../transport/messages.js';
import type { Transferable } from '../../transport/transfer.js';
import { unsendableValue } from '../../transport/unsendable.js';
import { loadingTask, type ProgressRegister } from './progress-register.js';

export interface ChunkChannel {
  post(message: FromWorkerMessage, transfer: Transferable[]): void;
  progress: ProgressRegister;
}

/**
 * Runs a chunk's items on `lane`; a chunk that emits or can be cancelled runs in its task context.
 * A chunk whose task is loaded and whose items return plain values finishes synchronously, with
 * no promise: a burst of tiny apply() calls is a chunk each, and three async frames per chunk
 * were much of a worker's time.
 */
export function runChunk(chunk: ChunkRequest, lane: number, channel: ChunkChannel, contexts: Map<number, TaskContext>): ChunkOutcome | Promise<ChunkOutcome> {
  if (chunk.emits !== true && chunk.stoppable !== true) return runItems(chunk, lane, channel.progress, undefined);
  // index -1 until the items run: a call from a task module's top level is outside any task.
  const send = chunk.emits === true ? (index: number, data: unknown) => sendEmitted(channel, chunk, index, data) : ignoreEmitted;
  const context: TaskContext = { index: -1, send, cancel: new AbortController() };
  contexts.set(chunk.id, context);
  return runInTaskContext(context, async () => {
    try {
      return await runItems(chunk, lane, channel.progress, context);
    } finally {
      contexts.delete(chunk.id);
    }
  });
}

/** What taskSignal().reason is: a TimeoutError or an AbortError, as AbortSignal.timeout() and abort() give. */
export function cancelReason(why: 'timeout' | 'abort'): DOMException {
  return why === 'timeout' ? new DOMException('The item ran past its timeout.', 'TimeoutError') : new DOMException("The caller's signal aborted the call.", 'AbortError');
}

/** A call without onEmit: nobody listens. */
function ignoreEmitted(): void {}

/** Posts one emitted value; one that cannot be copied throws in the task, which may catch it. */
function sendEmitted(channel: ChunkChannel, chunk: ChunkRequest, index: number, data: unknown): void {
  try {
    channel.post({ type: 'emit', chunkId: chunk.id, index, data }, []);
  } catch (error) {
    const advice = ' Emit plain data (objects, arrays, strings, numbers, typed arrays, Map, Set, Date).';
    throw unsendableValue('emit(data) could not send data to the caller', data, 'data', error, chunk.start + index, advice);
  }
}

function runItems(chunk: ChunkRequest, lane: number, progress: ProgressRegister, context: TaskContext | undefined): ChunkOutcome | Promise<ChunkOutcome> {
  const started = nowMs();
  const fn = cachedTask(chunk.task);
  if (fn === undefined) return loadThenRun(chunk, lane, progress, context, started);
  return new ItemRun(chunk, fn, lane, progress, context, started).run();
}

/** The task's module is not loaded yet in this worker: load it (its items fail if it cannot be), then run. */
async function loadThenRun(chunk: ChunkRequest, lane: number, progress: ProgressRegister, context: TaskContext | undefined, started: number): Promise<ChunkOutcome> {
  progress.enter(lane, chunk.id, loadingTask, Date.now());
  let fn: (...args: unknown[]) => unknown;
  try {
    fn = await resolveTask(chunk.task);
  } catch (error) {
    const serialized = serializeError(error);
    const failed = chunk.settle ? chunk.items.map((_, index): [number, SerializedError] => [index, serialized]) : [[0, serialized] as [number, SerializedError]];
    return { id: chunk.id, results: [], errors: failed, duration: nowMs() - started };
  }
  return new ItemRun(chunk, fn, lane, progress, context, started).run();
}

/** One chunk's items, run one after another: synchronously until an item returns a promise, then by awaiting. */
class ItemRun {
  readonly #results: unknown[];
  #errors: [number, SerializedError][] | undefined;
  #index = 0;

  constructor(
    readonly chunk: ChunkRequest,
    readonly fn: (...args: unknown[]) => unknown,
    readonly lane: number,
    readonly progress: ProgressRegister,
    readonly context: TaskContext | undefined,
    readonly started: number,
  ) {
    this.#results = new Array<unknown>(chunk.items.length);
  }

  run(): ChunkOutcome | Promise<ChunkOutcome> {
    enterChunk();
    let pending: PromiseLike<unknown> | undefined;
    try {
      pending = this.#runUntilAwait();
    } finally {
      if (pending === undefined) this.#leave();
    }
    return pending === undefined ? this.#outcome() : this.#finishAsync(pending);
  }

  async #finishAsync(first: PromiseLike<unknown>): Promise<ChunkOutcome> {
    try {
      let pending: PromiseLike<unknown> | undefined = first;
      while (pending !== undefined) {
        try {
          this.#results[this.#index] = await pending;
          this.#index++;
        } catch (error) {
          if (!this.#failed(error)) break;
        }
        pending = this.#runUntilAwait();
      }
    } finally {
      this.#leave();
    }
    return this.#outcome();
  }

  /** Runs items from the current one; returns the promise of the first that returns one, undefined when all ran. */
  #runUntilAwait(): PromiseLike<unknown> | undefined {
    const { chunk, fn, lane, progress, context } = this;
    const { items, spread } = chunk;
    while (this.#index < items.length) {
      // Cancelled: the pool has failed the chunk already; its other items are not started.
      if (context?.cancel.signal.aborted === true) return undefined;
      const index = this.#index;
      progress.enter(lane, chunk.id, index, Date.now());
      if (context !== undefined) context.index = index;
      try {
        const result = spread ? fn(...(items[index] as unknown[])) : fn(items[index]);
        if (isThenable(result)) return result;
        this.#results[index] = result;
        this.#index++;
      } catch (error) {
        if (!this.#failed(error)) return undefined;
      }
    }
    return undefined;
  }

  /** Records the current item's failure; false when the chunk stops there (not settle). */
  #failed(error: unknown): boolean {
    (this.#errors ??= []).push([this.#index, serializeError(error)]);
    if (!this.chunk.settle) {
      this.#results.length = this.#index;
      this.#index = this.chunk.items.length;
      return false;
    }
    this.#index++;
    return true;
  }

  #leave(): void {
    leaveChunk();
    // An emit after the task settled (a timer it left behind) belongs to no item.
    if (this.context !== undefined) this.context.index = -1;
  }

  #outcome(): ChunkOutcome {
    const outcome: ChunkOutcome = { id: this.chunk.id, results: this.#results, duration: nowMs() - this.started };
    if (this.#errors !== undefined) outcome.errors = this.#errors;
    return outcome;
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
