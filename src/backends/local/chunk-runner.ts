/**
 * Worker side: runs one chunk's items, one after another, on one lane of the progress register.
 * Several chunks may run at once on different lanes (concurrentTasksPerWorker); each chunk that
 * emits or can be cancelled runs in its own task context, so emit() and taskSignal() find their
 * item after an await.
 */
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

/** Runs a chunk's items on `lane`; a chunk that emits or can be cancelled runs in its task context. */
export async function runChunk(chunk: ChunkRequest, lane: number, channel: ChunkChannel, contexts: Map<number, TaskContext>): Promise<ChunkOutcome> {
  if (chunk.emits !== true && chunk.stoppable !== true) return runItems(chunk, lane, channel.progress, undefined);
  // index -1 until the items run: a call from a task module's top level is outside any task.
  const send = chunk.emits === true ? (index: number, data: unknown) => sendEmitted(channel, chunk, index, data) : ignoreEmitted;
  const context: TaskContext = { index: -1, send, cancel: new AbortController() };
  contexts.set(chunk.id, context);
  try {
    return await runInTaskContext(context, () => runItems(chunk, lane, channel.progress, context));
  } finally {
    contexts.delete(chunk.id);
  }
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

async function runItems(chunk: ChunkRequest, lane: number, progress: ProgressRegister, context: TaskContext | undefined): Promise<ChunkOutcome> {
  const started = performance.now();
  let fn = cachedTask(chunk.task);
  if (fn === undefined) {
    progress.enter(lane, chunk.id, loadingTask, Date.now());
    try {
      fn = await resolveTask(chunk.task);
    } catch (error) {
      const serialized = serializeError(error);
      const failed = chunk.settle ? chunk.items.map((_, index): [number, SerializedError] => [index, serialized]) : [[0, serialized] as [number, SerializedError]];
      return { id: chunk.id, results: [], errors: failed, duration: performance.now() - started };
    }
  }
  const { items, spread, settle } = chunk;
  const results = new Array<unknown>(items.length);
  let errors: [number, SerializedError][] | undefined;
  enterChunk();
  try {
    for (let index = 0; index < items.length; index++) {
      // Cancelled: the pool has failed the chunk already; its other items are not started.
      if (context?.cancel.signal.aborted === true) break;
      progress.enter(lane, chunk.id, index, Date.now());
      if (context !== undefined) context.index = index;
      try {
        let result = spread ? fn(...(items[index] as unknown[])) : fn(items[index]);
        if (isThenable(result)) result = await result;
        results[index] = result;
      } catch (error) {
        (errors ??= []).push([index, serializeError(error)]);
        if (!settle) {
          results.length = index;
          break;
        }
      }
    }
  } finally {
    leaveChunk();
    // An emit after the task settled (a timer it left behind) belongs to no item.
    if (context !== undefined) context.index = -1;
  }
  const outcome: ChunkOutcome = { id: chunk.id, results, duration: performance.now() - started };
  if (errors !== undefined) outcome.errors = errors;
  return outcome;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
