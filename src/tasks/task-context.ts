/**
 * What a task can reach while it runs: `emit(data)` sends data to the caller's `onEmit`, and
 * `taskSignal()` tells it to stop. The worker runtime runs each chunk of a call that listens, or
 * that can be cancelled, inside an AsyncLocalStorage context, so that a call after an `await`
 * still knows its item; a chunk's items run one after another, so
 * the context's `index` is the item that runs. The storage lives on globalThis under a
 * registered symbol (like the worker flag), so a task module with its own copy of multicore
 * reaches the worker's.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { NotInTaskError } from '../errors/task-errors.js';
import { isWorker } from './worker-flag.js';

export interface TaskContext {
  /** The item of the chunk that runs now, counted from the chunk's start; -1 before and after the items run. */
  index: number;
  /** Delivers one emitted value of item `index` to the caller; throws when it cannot be sent. */
  send(index: number, data: unknown): void;
  /** Aborts when the pool cancels the chunk (its item timed out, or its call was aborted). */
  readonly cancel: AbortController;
}

interface SharedState {
  storage: AsyncLocalStorage<TaskContext>;
  /** Chunks running in this worker, listened to or not. */
  running: number;
}

const stateKey = Symbol.for('multicore.taskContext');
const shared = globalThis as unknown as Record<symbol, SharedState | undefined>;
const state: SharedState = (shared[stateKey] ??= { storage: new AsyncLocalStorage<TaskContext>(), running: 0 });

/** Runs `body` (a chunk's items) with `context` as the context of every emit inside it. */
export function runInTaskContext<T>(context: TaskContext, body: () => Promise<T>): Promise<T> {
  return state.storage.run(context, body);
}

/** Counts a chunk as running (whether or not its call listens), for emit's "outside a task" check. */
export function enterChunk(): void {
  state.running++;
}

export function leaveChunk(): void {
  state.running--;
}

/**
 * Sends `data` from the running task to the `onEmit(data, { index })` option of the call that
 * runs it, in order: progress of a long task, log lines, partial results. `data` is copied like
 * a result. A call without `onEmit` ignores it. Outside a running task it throws
 * ERR_NOT_IN_TASK.
 *
 * @example
 * import { emit, task } from 'multicore';
 * export const crunch = task(import.meta, async function crunch(files: string[]) {
 *   for (const [i, file] of files.entries()) {
 *     await process(file);
 *     emit({ done: i + 1, of: files.length });
 *   }
 * });
 * await pool.apply(crunch, [files], { onEmit: (progress) => console.log(progress) });
 */
export function emit(data: unknown): void {
  const context = state.storage.getStore();
  if (context !== undefined) {
    if (context.index < 0) throw new NotInTaskError('emit');
    context.send(context.index, data);
    return;
  }
  // In a worker, during a chunk of a call that does not listen: nobody to tell.
  if (isWorker() && state.running > 0) return;
  throw new NotInTaskError('emit');
}

/** The signal of a task that nothing can cancel (its call has no signal and no timeout). */
const neverAborts = new AbortController().signal;

/**
 * Inside a running task: an AbortSignal that aborts when the caller's `signal` aborts or the
 * item's `timeout` passes. A task that watches it and returns or throws within the pool's
 * `abortGrace` keeps its worker; otherwise the worker is replaced. Outside a running task it
 * throws ERR_NOT_IN_TASK.
 *
 * @example
 * import { task, taskSignal } from 'multicore';
 * export const fetchAll = task(import.meta, async function fetchAll(urls: string[]) {
 *   const signal = taskSignal();
 *   return Promise.all(urls.map((url) => fetch(url, { signal }).then((r) => r.text())));
 * });
 */
export function taskSignal(): AbortSignal {
  const context = state.storage.getStore();
  if (context !== undefined) {
    if (context.index < 0) throw new NotInTaskError('taskSignal');
    return context.cancel.signal;
  }
  if (isWorker() && state.running > 0) return neverAborts;
  throw new NotInTaskError('taskSignal');
}
