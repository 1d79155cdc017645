/**
 * Every message that crosses between the pool and a worker, in one closed table. The worker
 * side and the pool side both switch over `type` exhaustively, so a new message cannot be
 * added in one place and silently dropped in the other.
 */
import type { PackedChunks, PackedOutcomes } from './batch-codec.js';
import type { SerializedError } from './error-codec.js';

/** How a worker finds the function to run. Plain data: it crosses threads, processes and Redis. */
export type TaskRef =
  | { kind: 'module'; module: string; name: string }
  | { kind: 'inline'; hash: string; name: string; source?: string };

/** A slice of one call's input, run by one worker in one go. */
export interface ChunkRequest {
  /** Unique per pool; outcomes come back under the same id. */
  id: number;
  task: TaskRef;
  /** Position of the chunk's first item in its call's input, for messages that name items. */
  start: number;
  /** Map: one value per item. Starmap/apply: one argument list per item. */
  items: unknown[];
  /** Call as fn(...item) rather than fn(item). */
  spread: boolean;
  /** Keep going after a failed item instead of stopping the chunk at the first error. */
  settle: boolean;
  /**
   * The pool may stop the worker while this chunk runs (it has a timeout or can be aborted): the
   * worker sends what it finished before starting it, so that no finished result is lost.
   */
  stoppable?: boolean;
  /** The call listens to emit() (its onEmit option): the worker sends what the items emit. */
  emits?: boolean;
}

/** What a worker reports for one chunk. `results[i]` is meaningful only where no error names i. */
export interface ChunkOutcome {
  id: number;
  results: unknown[];
  /** [index within the chunk, error]; absent when every item succeeded. */
  errors?: [number, SerializedError][];
  /** Milliseconds the worker spent on the chunk: feeds adaptive chunk sizing and batching. */
  duration: number;
}

export type ToWorkerMessage =
  /** The chunks in the wire form of batch-codec.ts (packChunks/unpackChunks). */
  | { type: 'run'; chunks: PackedChunks }
  /** The first message to every worker: the pool's initializer, if it has one. */
  | { type: 'init'; initializer: { task: TaskRef; args: unknown[] } | undefined }
  /** The running chunk's item timed out or its call was aborted: abort its taskSignal(). */
  | { type: 'cancel'; chunkId: number; why: 'timeout' | 'abort' }
  /** pool.broadcast(): run `task(...args)` once, beside the chunks, and answer with 'broadcastDone'. */
  | { type: 'broadcast'; id: number; task: TaskRef; args: unknown[] };

export type FromWorkerMessage =
  /** The initializer (if any) succeeded: the worker takes work. */
  | { type: 'ready' }
  | { type: 'initFailed'; error: SerializedError }
  /**
   * Finished chunks, in the order they finished; `batchesDone`: how many 'run' messages had their
   * last chunk finish among them (at most one, but counted, since several chunks run at once).
   */
  | { type: 'outcomes'; outcomes: PackedOutcomes; batchesDone: number }
  /** A child process's last words: the uncaught error that is about to end it. */
  | { type: 'fatal'; error: SerializedError }
  /** A running task called emit(data): item `index` of the chunk, in emission order. */
  | { type: 'emit'; chunkId: number; index: number; data: unknown }
  /** The outcome of a 'broadcast': its result, or the error it threw. */
  | { type: 'broadcastDone'; id: number; result?: unknown; error?: SerializedError };

/** Throws for a message type outside the table: a protocol bug must never pass silently. */
export function unknownMessage(message: never): never {
  throw new Error(`multicore internal error: unknown message ${JSON.stringify(message)}`);
}
