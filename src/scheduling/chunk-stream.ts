/**
 * The engine under map, imap, imapUnordered and starmap: reads the input in chunks, keeps at most
 * `window` chunks and `highWaterMark` bytes (estimated) between "submitted" and "handed to the
 * consumer", and hands outcomes over in input order or as they complete. The two bounds are what
 * keep memory flat with an infinite input and a slow consumer: no chunk is read until an earlier
 * one has been consumed, and chunks of large items stay small, whatever their compute time.
 */
import type { Backend, ChunkResult as BackendChunkResult, Submission } from '../backends/backend.js';
import { MulticoreError } from '../errors.js';
import { describe } from '../errors/describe.js';
import { CapturedCallSite } from '../transport/call-site.js';
import { deserializeError } from '../transport/error-rebuild.js';
import type { TaskRef } from '../transport/messages.js';
import { collectTransfers } from '../transport/transfer.js';
import { chooseChunkSizer } from './chunking.js';
import { chunkReader, knownLength, type Input } from './input.js';
import type { Transferable } from '../transport/transfer.js';
import type { Progress } from '../options/call-options.js';

export interface StreamOptions {
  task: TaskRef;
  /** Hand chunks over in input order (imap) rather than as they complete (imapUnordered, map). */
  ordered: boolean;
  /** Items are argument lists (starmap). */
  spread: boolean;
  chunksize: number | undefined;
  /** Chunks submitted and not yet consumed, at most. */
  window: number;
  /** Estimated bytes of input submitted and not yet consumed, at most (one item may exceed it). */
  highWaterMark: number;
  signal: AbortSignal | undefined;
  /** Per-item time limit in ms (the pool's taskTimeout when undefined). */
  timeout: number | undefined;
  /**
   * Keep going past failed items and report them in `errors` (mapSettled). A chunk whose worker
   * died or timed out reports that error for each of its items; abort and terminate still end the call.
   */
  settle: boolean;
  onProgress: ((progress: Progress) => void) | undefined;
  /** The call's priority in the pool's queue (see SubmitOptions.priority). */
  priority: number;
  /** The call's emit listener; one that throws fails the call. */
  onEmit: ((data: unknown, info: { index: number }) => void) | undefined;
  callSite: CapturedCallSite;
  /** Throws for a chunk the backend cannot take (see api/capability-guard.ts), before it is submitted. */
  refuse(items: unknown[], start: number): void;
}

/** One chunk's results, with errors rebuilt and indices counted from the start of the input. */
export interface ChunkResult {
  start: number;
  results: unknown[];
  /** [input index, error] of failed items, in index order; absent when all succeeded. */
  errors: [number, Error][] | undefined;
}

interface Entry {
  start: number;
  count: number;
  /** Estimated bytes of the chunk's items. */
  bytes: number;
  submission: Submission;
  outcome: BackendChunkResult | undefined;
  failure: { error: unknown } | undefined;
}

export async function* streamChunks(backend: Backend, input: Input<unknown>, options: StreamOptions): AsyncGenerator<ChunkResult> {
  const { signal } = options;
  signal?.throwIfAborted();
  const total = knownLength(input);
  const sizer = chooseChunkSizer(options.chunksize, total, backend.concurrency);
  const reader = chunkReader(input);
  const inFlight: Entry[] = [];
  const { highWaterMark } = options;
  // Several chunks share the budget, so that every worker has one while others travel.
  const chunkBytes = highWaterMark / (2 * backend.concurrency);
  let bytesInFlight = 0;
  let position = 0;
  let exhausted = false;
  let failed = false;
  let done = 0;
  /** The input iterator threw: the call fails with it after the results read before it (as in Python). */
  let inputFailure: { error: unknown } | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  const onAbort = () => {
    for (const entry of inFlight) entry.submission.abort(signal!.reason);
  };
  /** The onEmit listener threw: the call fails with its error. */
  let listenerFailure: { error: unknown } | undefined;
  const { onEmit } = options;
  const deliver =
    onEmit &&
    ((index: number, data: unknown) => {
      if (listenerFailure !== undefined) return;
      try {
        onEmit(data, { index });
      } catch (error) {
        listenerFailure = { error };
        failed = true;
        notify();
      }
    });
  signal?.addEventListener('abort', onAbort, { once: true });

  try {
    for (;;) {
      // Bytes bound the read-ahead, but every worker may still hold a chunk, however large.
      while (!exhausted && !failed && inFlight.length < options.window && (bytesInFlight < highWaterMark || inFlight.length < backend.concurrency)) {
        const room = Math.max(1, Math.min(chunkBytes, highWaterMark - bytesInFlight));
        let read: { items: unknown[]; bytes: number };
        try {
          // Read without a pause when the input is synchronous (an array): every chunk the
          // window takes then reaches the backend in this turn and leaves in one message, where an
          // await per chunk let the backend send each chunk on its own (one postMessage per item at
          // chunksize 1).
          const next = reader.read(sizer.next(), room);
          read = next instanceof Promise ? await next : next;
        } catch (error) {
          inputFailure = { error };
          exhausted = true;
          break;
        }
        const { items, bytes } = read;
        signal?.throwIfAborted();
        if (items.length === 0) {
          exhausted = true;
          break;
        }
        const entry = submit(backend, items, position, bytes, options, deliver);
        bytesInFlight += bytes;
        position += items.length;
        inFlight.push(entry);
        entry.submission.promise.then(
          (outcome) => {
            entry.outcome = outcome;
            sizer.record(entry.count, outcome.duration);
            if (outcome.errors !== undefined && !options.settle) failed = true;
            notify();
          },
          (error: unknown) => {
            entry.failure = { error };
            if (!(options.settle && isItemFailure(error))) failed = true;
            notify();
          },
        );
      }
      if (listenerFailure !== undefined) throw listenerFailure.error;
      const index = options.ordered ? (isSettled(inFlight[0]) ? 0 : -1) : inFlight.findIndex(isSettled);
      if (index !== -1) {
        const [entry] = inFlight.splice(index, 1) as [Entry];
        bytesInFlight -= entry.bytes;
        if (entry.failure !== undefined && !(options.settle && isItemFailure(entry.failure.error))) throw entry.failure.error;
        done += entry.count;
        options.onProgress?.({ done, total });
        yield entry.failure !== undefined ? failedChunkResult(entry, entry.failure.error as Error) : toChunkResult(entry, options.callSite);
        continue;
      }
      if (inFlight.length === 0) {
        if (inputFailure !== undefined) throw inputFailure.error;
        return;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    for (const entry of inFlight) entry.submission.withdraw();
    await reader.close();
  }
}

function isSettled(entry: Entry | undefined): boolean {
  return entry !== undefined && (entry.outcome !== undefined || entry.failure !== undefined);
}

function submit(backend: Backend, items: unknown[], start: number, bytes: number, options: StreamOptions, deliver: ((index: number, data: unknown) => void) | undefined): Entry {
  const transfer: Transferable[] = [];
  if (options.spread) {
    items.forEach((args, i) => {
      if (!Array.isArray(args)) {
        throw new TypeError(`starmap: item ${start + i} must be an array of arguments, got ${describe(args)}`);
      }
      collectTransfers(args, transfer);
    });
  } else {
    collectTransfers(items, transfer);
  }
  options.refuse(items, start);
  const submission = backend.submit(
    { task: options.task, items, start, spread: options.spread, settle: options.settle },
    transfer,
    options.timeout === undefined && options.signal === undefined && options.priority === 0 && deliver === undefined
      ? undefined
      : { timeout: options.timeout, abortable: options.signal !== undefined, priority: options.priority, onEmit: deliver && ((index: number, data: unknown) => deliver(start + index, data)) },
  );
  return { start, count: items.length, bytes, submission, outcome: undefined, failure: undefined };
}

/** A failure that says it belongs to the chunk's items, not to the whole call (see MulticoreError.scope). */
function isItemFailure(error: unknown): boolean {
  return error instanceof MulticoreError && error.scope === 'items';
}

function failedChunkResult(entry: Entry, error: Error): ChunkResult {
  return { start: entry.start, results: [], errors: Array.from({ length: entry.count }, (_, i): [number, Error] => [entry.start + i, error]) };
}

function toChunkResult(entry: Entry, callSite: CapturedCallSite): ChunkResult {
  const outcome = entry.outcome!;
  const errors = outcome.errors?.map(([index, error]): [number, Error] => [entry.start + index, deserializeError(error, callSite.toCallSite())]);
  return { start: entry.start, results: outcome.results, errors };
}
