/**
 * The worker side of every local backend: receives batches of chunks, runs them one at a time
 * in arrival order, and answers with one message per batch. Thread and process workers differ
 * only in how they post messages.
 */
import { TaskSerializationError } from '../errors.js';
import { cachedTask, resolveTask } from '../tasks/resolve.js';
import { markAsWorker } from '../tasks/worker-flag.js';
import { findUncloneable } from '../transport/clone-check.js';
import { serializeError, type SerializedError } from '../transport/error-codec.js';
import type { ChunkOutcome, ChunkRequest, FromWorkerMessage, ToWorkerMessage } from '../transport/messages.js';
import { unknownMessage } from '../transport/messages.js';
import { collectTransfers } from '../transport/transfer.js';
import type { Transferable } from '../transport/transfer.js';

export interface WorkerChannel {
  post(message: FromWorkerMessage, transfer: Transferable[]): void;
  progress: ProgressRegister;
}

/**
 * What the worker is doing, kept where the parent can read it even after the worker died (shared
 * memory for threads, a shared file for processes): which item of which chunk runs, and since
 * when. The parent uses it to fail only the item a crashed worker held, and to time items out.
 */
export interface ProgressRegister {
  /** Before each item; index `loadingTask` while the chunk's task module is being imported. */
  enter(chunkId: number, index: number, startedAt: number): void;
  /** After a batch: the worker is idle. */
  leave(): void;
}

/** The item index recorded while a worker imports or compiles a chunk's task. */
export const loadingTask = -1;

/** Starts the runtime; returns the handler for messages from the pool. */
export function startRuntime(channel: WorkerChannel): (message: ToWorkerMessage) => void {
  markAsWorker();
  const pending: ChunkRequest[][] = [];
  let running = false;
  // The pool's first message is always 'init'; chunks may arrive before it and wait.
  let markInitialized!: (succeeded: boolean) => void;
  const initialized = new Promise<boolean>((resolve) => {
    markInitialized = resolve;
  });

  async function drain(): Promise<void> {
    running = true;
    // Chunks wait for the initializer; a worker whose initializer failed runs none (it is stopped).
    if (!(await initialized)) return;
    for (let batch = pending.shift(); batch !== undefined; batch = pending.shift()) {
      const outcomes: ChunkOutcome[] = [];
      for (const chunk of batch) outcomes.push(await runChunk(chunk, channel.progress));
      channel.progress.leave();
      postOutcomes(channel, batch, outcomes);
    }
    running = false;
  }

  return (message) => {
    switch (message.type) {
      case 'run':
        pending.push(message.chunks);
        if (!running) void drain();
        return;
      case 'init':
        void runInitializer(channel, message.initializer).then(markInitialized);
        return;
      default:
        unknownMessage(message);
    }
  };
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

async function runChunk(chunk: ChunkRequest, progress: ProgressRegister): Promise<ChunkOutcome> {
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
  for (let index = 0; index < items.length; index++) {
    progress.enter(chunk.id, index, Date.now());
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
  const outcome: ChunkOutcome = { id: chunk.id, results, duration: performance.now() - started };
  if (errors !== undefined) outcome.errors = errors;
  return outcome;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/** Posts the batch's outcomes; a result that cannot be cloned fails only its own item. */
function postOutcomes(channel: WorkerChannel, batch: ChunkRequest[], outcomes: ChunkOutcome[]): void {
  const transfer: Transferable[] = [];
  for (const outcome of outcomes) collectTransfers(outcome.results, transfer);
  try {
    channel.post({ type: 'outcomes', outcomes }, dedupe(transfer));
  } catch (error) {
    if (!(error instanceof Error && error.name === 'DataCloneError')) throw error;
    channel.post({ type: 'outcomes', outcomes: outcomes.map((outcome, i) => replaceUncloneableResults(outcome, batch[i]!.start)) }, []);
  }
}

function replaceUncloneableResults(outcome: ChunkOutcome, start: number): ChunkOutcome {
  const errors = [...(outcome.errors ?? [])];
  const results = outcome.results.map((result, index) => {
    const culprit = findUncloneable(result, 'result');
    if (culprit === undefined) return result;
    const message =
      `The result of item ${start + index} cannot be sent back from the worker: ${culprit.path} is ${culprit.type}, ` +
      'which structured clone cannot copy. Return plain data (objects, arrays, strings, numbers, typed arrays, Map, Set, Date).';
    errors.push([index, serializeError(new TaskSerializationError(message, start + index, { cause: culprit.error }))]);
    return undefined;
  });
  errors.sort((a, b) => a[0] - b[0]);
  return { id: outcome.id, results, errors, duration: outcome.duration };
}

export function dedupe(transfer: Transferable[]): Transferable[] {
  return transfer.length < 2 ? transfer : [...new Set(transfer)];
}
