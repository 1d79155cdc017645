/** Errors of the local workers: starting them, sharing memory with them, losing one. */
import { ItemFailureError, MulticoreError } from './multicore-error.js';
import { summarizeIndices } from './describe.js';

/** Shared memory was passed to a pool whose workers cannot share it (they run in other processes). */
export class SharedMemoryBackendError extends MulticoreError {
  /** Where the shared memory was found, e.g. `context.data` or `arguments[0]`. */
  readonly path: string;

  constructor(path: string, origin: string) {
    super(
      'ERR_SHARED_MEMORY_BACKEND',
      `${path} is a SharedArrayBuffer or a view on one, but this pool's ${origin}s cannot share memory: ` +
        'each would get a copy, and its writes would never reach you. Use the thread backend ' +
        "(new Pool({ backend: 'thread' }), the default) to share typed arrays with the workers.",
    );
    this.path = path;
  }
}

/** A worker died while running tasks; only the tasks it held fail, and it is replaced. */
export class WorkerCrashedError extends ItemFailureError {
  readonly exitCode: number | null;
  readonly signal: string | null;
  /** Input positions of the items the worker held when it died (within their call). */
  readonly items: number[];

  /**
   * `single`: the worker held one `apply` call, which has no items, so the message says "the task".
   * `final`: workers keep dying as they start, so the pool stops respawning and runs nothing more.
   */
  constructor(details: { exitCode: number | null; signal: string | null; items: number[]; reason?: string; single?: boolean; final?: boolean }, options?: ErrorOptions) {
    const how = details.signal !== null ? `was killed by ${details.signal}` : `exited with code ${details.exitCode}`;
    const which =
      details.single === true ? 'the task' : details.items.length === 1 ? `item ${details.items[0]}` : `items ${summarizeIndices(details.items)}`;
    const reason = details.reason !== undefined ? ` (${details.reason})` : '';
    const message =
      details.final === true
        ? `The worker ${how}${reason}, so the pool runs no tasks: pending and new tasks fail with this error. See the cause for why the workers die, and create a new Pool.`
        : `The worker ${how}${reason} while running ${which}. It has been replaced; the other tasks go on.`;
    super('ERR_WORKER_CRASHED', message, options);
    this.exitCode = details.exitCode;
    this.signal = details.signal;
    this.items = details.items;
  }
}

/**
 * The pool's workers cannot start: its initializer threw (or its module failed to load) in a new
 * worker, or the workers themselves could not be started (`context` then says what failed).
 */
export class WorkerInitError extends MulticoreError {
  constructor(cause: unknown, context?: { failure: string; advice: string }) {
    const reason = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    const failure = context?.failure ?? "The pool's initializer failed in a new worker";
    const advice = context?.advice ?? 'Fix the initializer (see the cause) and create a new Pool.';
    super('ERR_WORKER_INIT', `${failure} (${reason}), so the pool runs no tasks: pending and new tasks fail with this error. ${advice}`, { cause });
  }
}

/** An option that the JavaScript runtime running multicore (Bun, Deno) cannot honour: refused, never ignored. */
export class RuntimeUnsupportedError extends MulticoreError {
  /** The option as the user wrote it, e.g. `resourceLimits`. */
  readonly option: string;
  /** The runtime and its version, e.g. `Bun 1.4.5`. */
  readonly runtime: string;

  constructor(details: { option: string; runtime: string; reason: string; instead: string }) {
    super('ERR_RUNTIME_UNSUPPORTED', `${details.option} cannot be honoured on ${details.runtime}: ${details.reason}. ${details.instead}`);
    this.option = details.option;
    this.runtime = details.runtime;
  }
}

/** A local worker's entry file does not exist: usually a bundled app whose bundler did not emit it. */
export class WorkerEntryError extends MulticoreError {
  /** The file that was looked for. */
  readonly path: string;

  /** @param source 'option' when `workerEntry` named the file, 'bundled' when multicore looked for its own. */
  constructor(path: string, origin: string, source: 'option' | 'bundled') {
    const what = source === 'option' ? `The workerEntry file ${path} does not exist` : `The ${origin} entry file ${path} does not exist`;
    super(
      'ERR_WORKER_ENTRY',
      `${what}, so no ${origin} can start. This happens when multicore is bundled: bundle multicore's worker entry ` +
        "(multicore/worker-entry) as a second entry point named multicore-worker.mjs next to your bundle, " +
        'or pass its location as new Pool({ workerEntry: new URL(...) }). See docs/runtimes.md, "Bundlers".',
    );
    this.path = path;
  }
}
