/**
 * The worker side of every local backend: receives batches of chunks, runs them one at a time
 * in arrival order, and answers with one message per batch. Thread and process workers differ
 * only in how they post messages.
 */
import { TaskSerializationError } from '../errors.js';
import { cachedTask, resolveTask } from '../tasks/resolve.js';
import { findUncloneable } from '../transport/clone-check.js';
import { serializeError, type SerializedError } from '../transport/error-codec.js';
import type { ChunkOutcome, ChunkRequest, FromWorkerMessage, ToWorkerMessage } from '../transport/messages.js';
import { unknownMessage } from '../transport/messages.js';
import { collectTransfers } from '../transport/transfer.js';
import type { Transferable } from '../transport/transfer.js';

export interface WorkerChannel {
  post(message: FromWorkerMessage, transfer: Transferable[]): void;
  /**
   * [running chunk id, item index within it], written before each item so that the parent can
   * tell which item a dying worker held. -1 when idle.
   */
  progress: Int32Array | undefined;
}

/** Starts the runtime; returns the handler for messages from the pool. */
export function startRuntime(channel: WorkerChannel): (message: ToWorkerMessage) => void {
  const pending: ChunkRequest[][] = [];
  let running = false;

  async function drain(): Promise<void> {
    running = true;
    for (let batch = pending.shift(); batch !== undefined; batch = pending.shift()) {
      const outcomes: ChunkOutcome[] = [];
      for (const chunk of batch) outcomes.push(await runChunk(chunk, channel.progress));
      if (channel.progress !== undefined) channel.progress[0] = -1;
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
      default:
        unknownMessage(message.type);
    }
  };
}

async function runChunk(chunk: ChunkRequest, progress: Int32Array | undefined): Promise<ChunkOutcome> {
  const started = performance.now();
  if (progress !== undefined) {
    progress[0] = chunk.id;
    progress[1] = 0;
  }
  let fn = cachedTask(chunk.task);
  if (fn === undefined) {
    try {
      fn = await resolveTask(chunk.task);
    } catch (error) {
      return { id: chunk.id, results: [], errors: [[0, serializeError(error)]], duration: performance.now() - started };
    }
  }
  const { items, spread, settle } = chunk;
  const results = new Array<unknown>(items.length);
  let errors: [number, SerializedError][] | undefined;
  for (let index = 0; index < items.length; index++) {
    if (progress !== undefined) progress[1] = index;
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
