/**
 * Whether this thread or process is a multicore worker. The flag lives on globalThis under a
 * registered symbol, so a task module that imported its own copy of multicore sees it too.
 */
const workerKey = Symbol.for('multicore.isWorker');

/** Called by every worker entry (thread, child process, `multicore worker`) before it imports tasks. */
export function markAsWorker(): void {
  (globalThis as unknown as Record<symbol, boolean>)[workerKey] = true;
}

/**
 * True inside a multicore worker of any backend: a worker thread, a child process, or a
 * `multicore worker` serving a Redis queue. Unlike `isMainThread` from node:worker_threads, which
 * is true in a child process, it tells a task module that it is being imported to run tasks.
 *
 * @example
 * import { isWorker, Pool } from 'multicore';
 * export function square(x: number) { return x * x; }
 * if (!isWorker()) {
 *   await using pool = new Pool();
 *   console.log(await pool.map({ module: import.meta.url, name: 'square' }, [1, 2, 3]));
 * }
 */
export function isWorker(): boolean {
  return (globalThis as unknown as Record<symbol, boolean | undefined>)[workerKey] === true;
}
