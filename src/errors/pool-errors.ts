/** Errors about the pool itself: its lifecycle, and what it needs to start. */
import { MulticoreError } from './multicore-error.js';

/** Work was submitted to a pool after `close()`. */
export class PoolClosedError extends MulticoreError {
  constructor(method: string) {
    super('ERR_POOL_CLOSED', `Cannot call pool.${method}() after pool.close(): the pool takes no new work. Create a new Pool for more work.`);
  }
}

/** The pool was terminated while this work was queued or running. */
export class PoolTerminatedError extends MulticoreError {
  constructor() {
    super('ERR_POOL_TERMINATED', 'The pool was terminated before this task finished.');
  }
}

/** A call came while `maxQueue` items already waited for a worker: a server can answer 503. */
export class QueueFullError extends MulticoreError {
  /** The pool's maxQueue. */
  readonly maxQueue: number;

  constructor(method: string, maxQueue: number) {
    super(
      'ERR_QUEUE_FULL',
      `pool.${method}() was refused: ${maxQueue} items already wait for a worker (the pool's maxQueue). ` +
        'Retry later, shed the load (an HTTP server answers 503), or raise maxQueue.',
    );
    this.maxQueue = maxQueue;
  }
}

/** `join()` was called on a pool that is still open. */
export class PoolNotClosedError extends MulticoreError {
  constructor() {
    super('ERR_POOL_NOT_CLOSED', 'pool.join() waits for the workers to exit, so call pool.close() or pool.terminate() first (or use `await using pool = new Pool()`).');
  }
}

/** A Pool was created by a module that a worker was importing to find its tasks. */
export class PoolInWorkerError extends MulticoreError {
  constructor(moduleUrl: string) {
    super(
      'ERR_POOL_IN_WORKER',
      `A Pool was created while a multicore worker was importing ${moduleUrl}. Every worker imports the ` +
        'modules that define its tasks, so a Pool created at the top level of such a module would spawn ' +
        'workers recursively. Move the tasks into a module of their own, or create the Pool only outside workers: ' +
        "`if (!isWorker()) { ... }` with isWorker from 'multicore' (isMainThread from node:worker_threads is true in a process worker).",
    );
  }
}

/** A feature needs packages that are optional dependencies of multicore, and they are not installed. */
export class MissingDependencyError extends MulticoreError {
  /** The packages to install. */
  readonly packages: string[];
  /** The command that installs them. */
  readonly command: string;

  constructor(feature: string, packages: string[], options?: ErrorOptions) {
    const command = `npm install ${packages.join(' ')}`;
    const names = packages.map((name) => `'${name}'`).join(' and ');
    super(
      'ERR_MISSING_DEPENDENCY',
      `${feature} needs the package${packages.length === 1 ? '' : 's'} ${names}, which ${packages.length === 1 ? 'is' : 'are'} not installed ` +
        `(they are optional dependencies of multicore, left out of thread and process pools). Install ${packages.length === 1 ? 'it' : 'them'} with: ${command}`,
      options,
    );
    this.packages = packages;
    this.command = command;
  }
}
