/**
 * The one interface between the Pool and whatever runs its chunks. The API layer turns calls
 * into chunks and hands them here; a backend (local workers today, a queue server later) only
 * has to run chunks and report outcomes.
 */
import type { SerializedError } from '../transport/error-codec.js';
import type { ChunkOutcome, ChunkRequest, TaskRef } from '../transport/messages.js';
import type { Transferable } from '../transport/transfer.js';

/** A chunk handed to a backend, with the means to take it back. */
export interface Submission {
  /** Settles once: the worker's outcome, or a WorkerCrashedError / PoolTerminatedError / abort reason. */
  readonly promise: Promise<ChunkOutcome>;
  /** Drops the chunk if no worker has it yet; a running chunk finishes and its outcome is ignored. */
  withdraw(): void;
  /** Drops the chunk, stopping its worker if it is running; the promise rejects with `reason`. */
  abort(reason: unknown): void;
}

export interface SubmitOptions {
  /** Per-item time limit in ms; overrides the pool's taskTimeout. */
  timeout?: number;
  /** The call has an AbortSignal: its worker may be stopped under it. */
  abortable?: boolean;
  /** The chunk is a whole call of one task (apply): messages name the task, not an item. */
  single?: boolean;
  /** Higher runs first; equal priorities keep submission order. Default 0. */
  priority?: number;
  /** Receives what the chunk's items emit (index within the chunk), in emission order per item. */
  onEmit?: (index: number, data: unknown) => void;
}

/** How a worker ended, as the pool's `workerexit` event reports it. */
export interface WorkerExit {
  /** The worker's number in this pool, as its `workerstart` said. */
  id: number;
  exitCode: number | null;
  signal: string | null;
  /** It died on its own (a crash, process.exit(), out of memory), not because the pool stopped it. */
  crashed: boolean;
}

/**
 * What a backend tells the pool as it happens; the Pool turns it into its events and stats.
 * Every method is cheap and never throws into the backend.
 */
export interface BackendObserver {
  workerStarted(id: number): void;
  workerExited(exit: WorkerExit): void;
  /** The last item waiting for a worker was handed to one (or withdrawn): the queue is empty. */
  drained(): void;
  /** Nothing waits and nothing runs. */
  idle(): void;
  /** A chunk finished on a worker `totalMs` after it was submitted, of which the worker ran it for `runMs`. */
  chunkFinished(totalMs: number, runMs: number): void;
}

/** An observer that listens to nothing, for backends created outside a Pool. */
export const noObserver: BackendObserver = {
  workerStarted() {},
  workerExited() {},
  drained() {},
  idle() {},
  chunkFinished() {},
};

/** One worker's answer to a broadcast. */
export type BroadcastOutcome = { result: unknown } | { error: SerializedError };

export interface BackendStats {
  /** Live workers. */
  workers: number;
  /** Workers holding work. */
  busy: number;
  /** Items in chunks that no worker has yet. */
  queued: number;
  /** Items that returned a result. */
  completed: number;
  /** Items that threw, or whose worker died under them. */
  failed: number;
}

export interface Backend {
  /** How many chunks may run at once. */
  readonly concurrency: number;
  /** A name for error stacks, e.g. "thread worker". */
  readonly origin: string;
  /** Whether a SharedArrayBuffer passed to a task is shared with it (threads) rather than refused. */
  readonly sharesMemory: boolean;
  submit(chunk: Omit<ChunkRequest, 'id'>, transfer: Transferable[], options?: SubmitOptions): Submission;
  /**
   * Runs `task(...args)` once on every live worker: each one's result or error, in worker order.
   * Rejects when a worker dies before it answers, or the pool is terminated.
   */
  broadcast(task: TaskRef, args: unknown[]): Promise<BroadcastOutcome[]>;
  stats(): BackendStats;
  /** Resolves when every submitted chunk has settled and the workers have exited. */
  shutdown(): Promise<void>;
  /** Rejects every pending chunk with `reason` and stops the workers at once. */
  terminate(reason: unknown): Promise<void>;
}
