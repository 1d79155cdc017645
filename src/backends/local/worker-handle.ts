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
  /** The chunk and item the worker is running and since when, and how far it got; still readable after it died. */
  progress(): WorkerProgress;
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
  workers: number;
  /** Runs once in each worker before its first task (a promise while an inline one is parsed). */
  initializer: { task: TaskRef | Promise<TaskRef>; args: unknown[] } | undefined;
  /** Default per-item time limit in ms, for calls that give no `timeout`. */
  taskTimeout: number | undefined;
  /** Items after which a worker is replaced by a fresh one. */
  maxTasksPerWorker: number | undefined;
}

/** The handle of a worker that could not be started: it has nothing to stop or read. */
export const notStarted: WorkerHandle = {
  send() {},
  progress: () => ({ running: undefined, started: 0, received: 0 }),
  stop: async () => {},
  ref() {},
  unref() {},
};
