/**
 * Runs in the worker (thread or child process), never in the parent: receives batches of
 * chunks, runs them one at a time in arrival order, and answers with one message per batch.
 * Thread and process workers differ only in how they post messages.
 */
import { types } from 'node:util';
import { cachedTask, resolveTask } from '../../tasks/resolve.js';
import { enterChunk, leaveChunk, runInTaskContext, type TaskContext } from '../../tasks/task-context.js';
import { markAsWorker } from '../../tasks/worker-flag.js';
import { packOutcomes, unpackChunks } from '../../transport/batch-codec.js';
import { findUncloneable } from '../../transport/clone-check.js';
import { serializeError, type SerializedError } from '../../transport/error-codec.js';
import type { ChunkOutcome, ChunkRequest, FromWorkerMessage, ToWorkerMessage } from '../../transport/messages.js';
import { unknownMessage } from '../../transport/messages.js';
import { collectTransfers, dedupe } from '../../transport/transfer.js';
import { unsendableResult, unsendableValue } from '../../transport/unsendable.js';
import { loadingTask, sendingResults, type ProgressRegister } from './progress-register.js';
import type { Transferable } from '../../transport/transfer.js';

export interface WorkerChannel {
  post(message: FromWorkerMessage, transfer: Transferable[]): void;
  progress: ProgressRegister;
}

export interface Runtime {
  /** Handles a message from the pool. */
  handle(message: ToWorkerMessage): void;
  /**
   * Sends the outcomes of the chunks finished so far in the current batch. The worker entries
   * call it when the worker is about to die (process.exit(), an uncaught error), so that no
   * finished chunk's result is lost with it.
   */
  flush(): void;
}

/** Starts the runtime; returns the handler for messages from the pool. */
export function startRuntime(channel: WorkerChannel): Runtime {
  markAsWorker();
  const pending: ChunkRequest[][] = [];
  let running = false;
  // The pool's first message is always 'init'; chunks may arrive before it and wait.
  let markInitialized!: (succeeded: boolean) => void;
  const initialized = new Promise<boolean>((resolve) => {
    markInitialized = resolve;
  });
  /** Task contexts of the chunks running now, by chunk id: where a 'cancel' finds its signal. */
  const contexts = new Map<number, TaskContext>();
  /** Finished chunks of the current batch whose outcomes have not been posted yet. */
  let unsent: { chunk: ChunkRequest; outcome: ChunkOutcome }[] = [];

  /** `marked`: say in the register that results are being sent, so a death now fails them all (and only them). */
  function post(batchDone: boolean, marked: boolean): void {
    const finished = unsent;
    if (marked) channel.progress.enter(finished[finished.length - 1]!.chunk.id, sendingResults, Date.now());
    // Taken first: a death while they are serialized must not send them twice from the exit hook.
    unsent = [];
    postOutcomes(
      channel,
      finished.map((entry) => entry.chunk),
      finished.map((entry) => entry.outcome),
      batchDone,
    );
  }

  async function drain(): Promise<void> {
    running = true;
    // Chunks wait for the initializer; a worker whose initializer failed runs none (it is stopped).
    if (!(await initialized)) return;
    for (let batch = pending.shift(); batch !== undefined; batch = pending.shift()) {
      for (const chunk of batch) {
        // The pool may stop us during this chunk (a timeout, an abort): report what is done first.
        if (chunk.stoppable && unsent.length > 0) post(false, true);
        unsent.push({ chunk, outcome: await runChunk(chunk, channel, contexts) });
      }
      post(true, true);
      channel.progress.leave();
    }
    running = false;
  }

  return {
    handle(message) {
      switch (message.type) {
        case 'run':
          channel.progress.received();
          pending.push(unpackChunks(message.chunks));
          if (!running) void drain();
          return;
        case 'init':
          void runInitializer(channel, message.initializer).then(markInitialized);
          return;
        case 'broadcast':
          void initialized.then((ready) => (ready ? runBroadcast(channel, message) : undefined));
          return;
        case 'cancel':
          contexts.get(message.chunkId)?.cancel.abort(cancelReason(message.why));
          return;
        default:
          unknownMessage(message);
      }
    },
    flush() {
      // The worker is dying of something else: the register must keep saying what it was running,
      // and no getter may run now (one that exits would hide why the worker died). Results that
      // could run code while serialized stay behind; the pool reports them lost, never reruns them.
      unsent = unsent.filter((entry) => entry.outcome.results.every((result) => isInert(result, 0)));
      if (unsent.length > 0) post(false, false);
    },
  };
}

/** Runs a broadcast task once, beside whatever chunks run; answers 'broadcastDone'. Never throws. */
async function runBroadcast(channel: WorkerChannel, message: Extract<ToWorkerMessage, { type: 'broadcast' }>): Promise<void> {
  let result: unknown;
  try {
    const fn = cachedTask(message.task) ?? (await resolveTask(message.task));
    result = await fn(...message.args);
  } catch (error) {
    channel.post({ type: 'broadcastDone', id: message.id, error: serializeError(error) }, []);
    return;
  }
  try {
    channel.post({ type: 'broadcastDone', id: message.id, result }, collectTransfers([result]));
  } catch (error) {
    const failure = unsendableValue('The result of the broadcast task cannot be sent back from the worker', result, 'result', error);
    channel.post({ type: 'broadcastDone', id: message.id, error: serializeError(failure) }, []);
  }
}

/** Runs the pool's initializer once, before any chunk; answers 'ready' or 'initFailed'. */
async function runInitializer(channel: WorkerChannel, initializer: Extract<ToWorkerMessage, { type: 'init' }>['initializer']): Promise<boolean> {
  if (initializer !== undefined) {
    try {
      const fn = await resolveTask(initializer.task);
      await fn(...initializer.args);
    } catch (error) {
      channel.post({ type: 'initFailed', error: serializeError(error) }, []);
      return false;
    }
  }
  channel.post({ type: 'ready' }, []);
  return true;
}

/** Runs a chunk's items; a chunk that emits or can be cancelled runs in its task context. */
async function runChunk(chunk: ChunkRequest, channel: WorkerChannel, contexts: Map<number, TaskContext>): Promise<ChunkOutcome> {
  if (chunk.emits !== true && chunk.stoppable !== true) return runItems(chunk, channel.progress, undefined);
  // index -1 until the items run: a call from a task module's top level is outside any task.
  const send = chunk.emits === true ? (index: number, data: unknown) => sendEmitted(channel, chunk, index, data) : ignoreEmitted;
  const context: TaskContext = { index: -1, send, cancel: new AbortController() };
  contexts.set(chunk.id, context);
  try {
    return await runInTaskContext(context, () => runItems(chunk, channel.progress, context));
  } finally {
    contexts.delete(chunk.id);
  }
}

/** A call without onEmit: nobody listens. */
function ignoreEmitted(): void {}

/** What taskSignal().reason is: a TimeoutError or an AbortError, as AbortSignal.timeout() and abort() give. */
function cancelReason(why: 'timeout' | 'abort'): DOMException {
  return why === 'timeout' ? new DOMException('The item ran past its timeout.', 'TimeoutError') : new DOMException("The caller's signal aborted the call.", 'AbortError');
}

/** Posts one emitted value; one that cannot be copied throws in the task, which may catch it. */
function sendEmitted(channel: WorkerChannel, chunk: ChunkRequest, index: number, data: unknown): void {
  try {
    channel.post({ type: 'emit', chunkId: chunk.id, index, data }, []);
  } catch (error) {
    const advice = ' Emit plain data (objects, arrays, strings, numbers, typed arrays, Map, Set, Date).';
    throw unsendableValue('emit(data) could not send data to the caller', data, 'data', error, chunk.start + index, advice);
  }
}

async function runItems(chunk: ChunkRequest, progress: ProgressRegister, context: TaskContext | undefined): Promise<ChunkOutcome> {
  const started = performance.now();
  let fn = cachedTask(chunk.task);
  if (fn === undefined) {
    progress.enter(chunk.id, loadingTask, Date.now());
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
      progress.enter(chunk.id, index, Date.now());
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

/** Whether serializing `value` runs no code of its own: no getters, no proxies (checked a few levels deep). */
function isInert(value: unknown, depth: number): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (depth > 8 || types.isProxy(value)) return false;
  if (ArrayBuffer.isView(value) || types.isAnyArrayBuffer(value) || value instanceof Date || value instanceof RegExp) return true;
  if (value instanceof Map || value instanceof Set) return false;
  for (const descriptor of Object.values(Object.getOwnPropertyDescriptors(value))) {
    if (descriptor.get !== undefined || !isInert(descriptor.value, depth + 1)) return false;
  }
  return true;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/**
 * Posts finished chunks' outcomes; a result that cannot be serialized (not cloneable, or a getter
 * that throws) fails only its own item, with what went wrong as the cause. Never throws.
 */
function postOutcomes(channel: WorkerChannel, batch: ChunkRequest[], outcomes: ChunkOutcome[], batchDone: boolean): void {
  const transfer: Transferable[] = [];
  for (const outcome of outcomes) collectTransfers(outcome.results, transfer);
  try {
    channel.post({ type: 'outcomes', outcomes: packOutcomes(outcomes), batchDone }, dedupe(transfer));
    return;
  } catch {
    // Found and reported item by item below.
  }
  const replaced = outcomes.map((outcome, i) => replaceUncloneableResults(outcome, batch[i]!.start));
  try {
    channel.post({ type: 'outcomes', outcomes: packOutcomes(replaced), batchDone }, []);
  } catch (error) {
    // A value that clones once and throws the next time: give up on every result of these chunks.
    const unsent = replaced.map((outcome, i) => unsendable(outcome, batch[i]!, error));
    channel.post({ type: 'outcomes', outcomes: packOutcomes(unsent), batchDone }, []);
  }
}

function unsendable(outcome: ChunkOutcome, chunk: ChunkRequest, error: unknown): ChunkOutcome {
  const failure = (index: number): [number, SerializedError] => [index, serializeError(unsendableResult(chunk.start + index, undefined, error))];
  return { id: outcome.id, results: [], errors: chunk.settle ? chunk.items.map((_, index) => failure(index)) : [failure(0)], duration: outcome.duration };
}

function replaceUncloneableResults(outcome: ChunkOutcome, start: number): ChunkOutcome {
  const errors = [...(outcome.errors ?? [])];
  const results = outcome.results.map((result, index) => {
    const culprit = findUncloneable(result, 'result');
    if (culprit === undefined) return result;
    errors.push([index, serializeError(unsendableResult(start + index, culprit, culprit.error))]);
    return undefined;
  });
  if (errors.length === 0) return outcome;
  errors.sort((a, b) => a[0] - b[0]);
  return { id: outcome.id, results, errors, duration: outcome.duration };
}

