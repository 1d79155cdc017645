/**
 * The seam between the worker group and a kind of local worker: the group only ever sees a
 * WorkerHandle, and the thread and process backends only supply one (how to start a worker and
 * talk to it).
 */
import type { FromWorkerMessage, TaskRef, ToWorkerMessage } from '../../transport/messages.js';
import type { Transferable } from '../../transport/transfer.js';
import type { ExitDetails } from './crash-attribution.js';
import type { WorkerProgress } from './progress-register.js';

export type { ExitDetails } from './crash-attribution.js';

export interface WorkerHandleEvents {
  message(message: FromWorkerMessage): void;
  exit(details: ExitDetails): void;
}

/** One running worker, as the group sees it. */
export interface WorkerHandle {
  /** Throws (DataCloneError) when the message cannot be copied. */
  send(message: ToWorkerMessage, transfer: Transferable[]): void;
  /**
   * Threads with the spin option: handles at once the messages the worker has posted and that
   * have not arrived as events yet; whether there was one.
   */
  takeMessages?(): boolean;
  /** The chunk and item the worker is running and since when, and how far it got; still readable after it died. */
  progress(): WorkerProgress;
  /**
   * Keeps the worker from starting any more chunks (threads: the start gate, start-gate.ts), so
   * that what the register says it started is final; `releaseStarts` lets it go on.
   */
  holdStarts(): void;
  releaseStarts(): void;
  /** Stops the worker now, holding the event loop until its `exit` has been reported. */
  stop(): Promise<void>;
  /** Whether this worker keeps the parent process alive. */
  ref(): void;
  unref(): void;
}

/** Starts a worker; throws when the machine cannot start one (EAGAIN, EMFILE). */
export type StartWorker = (events: WorkerHandleEvents) => WorkerHandle;

/** What every local backend takes from the pool options. */
export interface GroupOptions {
  /** The most workers at once. */
  workers: number;
  /** Workers kept when idle; below `workers`, the group is elastic: it starts workers on demand and lets idle ones go. */
  minWorkers: number;
  /** Milliseconds an idle worker beyond minWorkers stays (elastic groups). */
  idleTimeout: number;
  /**
   * Milliseconds a task whose item timed out or whose call was aborted has to stop by itself
   * (watching taskSignal()) before its worker is replaced; 0 replaces it at once.
   */
  abortGrace: number;
  /** Runs once in each worker before its first task (a promise while an inline one is parsed). */
  initializer: { task: TaskRef | Promise<TaskRef>; args: unknown[] } | undefined;
  /** Default per-item time limit in ms, for calls that give no `timeout`. */
  taskTimeout: number | undefined;
  /** Items after which a worker is replaced by a fresh one. */
  maxTasksPerWorker: number | undefined;
  /** Chunks a worker runs at once (tasks that await I/O share it). */
  concurrentTasksPerWorker: number;
  /**
   * Threads: milliseconds the caller polls for the replies of the calls it just sent, when
   * nothing else waits (the spin option); undefined or 0: never.
   */
  spin?: number;
}

/** The handle of a worker that could not be started: it has nothing to stop or read. */
export const notStarted: WorkerHandle = {
  send() {},
  progress: () => ({ running: [], sending: false, started: 0, received: 0 }),
  holdStarts() {},
  releaseStarts() {},
  stop: async () => {},
  ref() {},
  unref() {},
};
