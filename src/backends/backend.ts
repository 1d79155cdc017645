/**
 * The one interface between the Pool and whatever runs its chunks. The API layer turns calls
 * into chunks and hands them here; a backend (local workers, a queue server) only has to run
 * chunks and report their results. Most backends extend BackendBase (backend-base.ts), which
 * owns what they all share.
 */
import type { SerializedError } from '../transport/error-codec.js';
import type { TaskRef } from '../transport/messages.js';
import type { Transferable } from '../transport/transfer.js';

/** A slice of one call's input, to be run in one go by one worker. */
export interface ChunkSpec {
  task: TaskRef;
  /** Position of the chunk's first item in its call's input, for messages that name items. */
  start: number;
  /** Map: one value per item. Starmap/apply: one argument list per item. */
  items: unknown[];
  /** Call as fn(...item) rather than fn(item). */
  spread: boolean;
  /** Keep going after a failed item instead of stopping the chunk at the first error. */
  settle: boolean;
}

/** What running a chunk gave. `results[i]` is meaningful only where no error names i. */
export interface ChunkResult {
  results: unknown[];
  /** [index within the chunk, error]; absent when every item succeeded. */
  errors?: [number, SerializedError][];
  /** Milliseconds the worker spent on the chunk: feeds adaptive chunk sizing and batching. */
  duration: number;
}

/** A chunk handed to a backend, with the means to take it back. */
export interface Submission {
  /**
   * Settles once: the chunk's result, or the error that failed it. An error whose `scope` is
   * 'items' (a crash, a timeout, a value that cannot be sent) fails only this chunk's items.
   */
  readonly promise: Promise<ChunkResult>;
  /** Drops the chunk if no worker has it yet; a running chunk finishes and its result is ignored. */
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

/** What a backend is doing now: the counts in `pool.stats`. */
export interface BackendStats {
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

/**
 * What a backend can do beyond running chunks of copied data. The API refuses, before anything
 * is sent, a call that needs what its backend lacks (see api/capability-guard.ts).
 */
export interface Capabilities {
  /** A SharedArrayBuffer passed to a task is shared with it (threads), rather than refused. */
  readonly sharedMemory: boolean;
  /** Inline functions (sent as source) can run; otherwise only module tasks. */
  readonly inlineTasks: boolean;
}

export interface Backend {
  /** How many chunks may run at once. */
  readonly concurrency: number;
  /** A name for error stacks, e.g. "thread worker". */
  readonly origin: string;
  readonly capabilities: Capabilities;
  submit(chunk: ChunkSpec, transfer: Transferable[], options?: SubmitOptions): Submission;
  stats(): BackendStats;
  /** Resolves when every submitted chunk has settled and the workers have exited. */
  shutdown(): Promise<void>;
  /** Rejects every pending chunk with `reason` and stops the workers at once. */
  terminate(reason: unknown): Promise<void>;
}
