/**
 * Every failure multicore reports itself is a MulticoreError with a stable `code` that callers
 * can switch on; one subclass per kind of failure. Errors thrown by the user's own task code are
 * not wrapped: they reach the caller rebuilt from the worker (see transport/error-codec.ts).
 */
import { currentRuntime } from './tools/js-runtime.js';

/**
 * What a failure fails: only the items it names (mapSettled reports them as rejected and goes
 * on), or the whole call.
 */
export type FailureScope = 'items' | 'call';

/** Base class of multicore's own errors. `code` never changes between versions. */
export class MulticoreError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    if (stackHeaderSaysError) renameStackHeader(this);
  }

  /** 'items' for a failure of the items it names (a crash, a timeout, a value that cannot be sent); 'call' otherwise. */
  get scope(): FailureScope {
    return 'call';
  }
}

// Bun (JavaScriptCore) writes "Error: ..." as the stack's first line whatever `name` says. Fixed
// there only: reading `stack` on V8 would format every frame of every error up front.
const stackHeaderSaysError = currentRuntime().name === 'bun';

function renameStackHeader(error: Error): void {
  if (typeof error.stack === 'string' && error.stack.startsWith('Error: ')) {
    error.stack = `${error.name}${error.stack.slice('Error'.length)}`;
  }
}

// A getter on the prototype, not an own property set in the constructor: V8 reads `name` while
// the stack is captured inside super(), so only this way does the stack header say the subclass.
Object.defineProperty(MulticoreError.prototype, 'name', {
  configurable: true,
  get(this: Error) {
    return this.constructor.name;
  },
});

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

/** An inline task function uses a variable from outside its own body. */
export class TaskCaptureError extends MulticoreError {
  readonly variables: string[];

  constructor(variables: string[], functionName: string) {
    const names = variables.map((name) => `'${name}'`).join(', ');
    const what = functionName === '' ? 'An inline task function' : `The inline task function '${functionName}'`;
    super(
      'ERR_TASK_CAPTURE',
      `${what} uses ${names} from outside its own body, but inline functions are sent to workers as source ` +
        'text and cannot see the variables around them. Pass the value as an argument, import it inside the ' +
        'function with `await import(...)`, or define the function in a module with `task(import.meta, fn)`.',
    );
    this.variables = variables;
  }
}

/** An argument or a result could not be copied between threads or processes. */
export class TaskSerializationError extends MulticoreError {
  override get scope(): FailureScope {
    return 'items';
  }

  readonly index: number | undefined;

  constructor(message: string, index: number | undefined, options?: ErrorOptions) {
    super('ERR_TASK_SERIALIZATION', message, options);
    this.index = index;
  }
}

/** The task's module was imported but has no such function. */
export class TaskNotFoundError extends MulticoreError {
  constructor(name: string, moduleUrl: string, available: string[]) {
    const hint = available.length > 0 ? ` It exports: ${available.join(', ')}.` : ' It exports no functions.';
    super('ERR_TASK_NOT_FOUND', `No task function '${name}' in ${moduleUrl}.${hint} Export the function, or wrap it with task(import.meta, fn).`);
  }
}

/** The task's module could not be imported in the worker. */
export class TaskLoadError extends MulticoreError {
  readonly module: string;

  constructor(moduleUrl: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super('ERR_TASK_LOAD', `The worker could not import the task module ${moduleUrl}: ${reason}`, { cause });
    this.module = moduleUrl;
  }
}

/** A task threw something that is not an Error (a string, an object...). */
export class TaskNonErrorThrowError extends MulticoreError {
  readonly value: unknown;

  constructor(value: unknown, description: string) {
    super('ERR_TASK_NON_ERROR', `The task threw a non-Error value: ${description}. Throw an Error object to keep a stack trace.`);
    this.value = value;
  }
}

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
export class WorkerCrashedError extends MulticoreError {
  override get scope(): FailureScope {
    return 'items';
  }

  readonly exitCode: number | null;
  readonly signal: string | null;
  /** Input positions of the items the worker held when it died (within their call). */
  readonly items: number[];

  /** `single`: the worker held one `apply` call, which has no items, so the message says "the task". */
  constructor(details: { exitCode: number | null; signal: string | null; items: number[]; reason?: string; single?: boolean }, options?: ErrorOptions) {
    const how = details.signal !== null ? `was killed by ${details.signal}` : `exited with code ${details.exitCode}`;
    const which =
      details.single === true ? 'the task' : details.items.length === 1 ? `item ${details.items[0]}` : `items ${summarizeIndices(details.items)}`;
    const reason = details.reason !== undefined ? ` (${details.reason})` : '';
    super('ERR_WORKER_CRASHED', `The worker ${how}${reason} while running ${which}. It has been replaced; the other tasks go on.`, options);
    this.exitCode = details.exitCode;
    this.signal = details.signal;
    this.items = details.items;
  }
}

/** A task ran longer than its `timeout` (or the pool's `taskTimeout`); its worker was replaced. */
export class TaskTimeoutError extends MulticoreError {
  override get scope(): FailureScope {
    return 'items';
  }

  readonly timeout: number;
  /** Input position of the item that ran too long (within its call). */
  readonly index: number;

  /** `what`: how the message names the task, when it is not one item of a call (apply: "The task"). */
  constructor(timeout: number, index: number, what = `Item ${index}`) {
    super(
      'ERR_TASK_TIMEOUT',
      `${what} ran longer than its timeout of ${timeout} ms, so its worker was stopped and replaced; the other tasks go on. ` +
        'Raise `timeout` (per call) or `taskTimeout` (per pool) if the task needs more time.',
    );
    this.timeout = timeout;
    this.index = index;
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

function summarizeIndices(indices: number[]): string {
  if (indices.length <= 6) return indices.join(', ');
  return `${indices.slice(0, 5).join(', ')}, ... (${indices.length} in all)`;
}

/** An inline function was given to a pool whose workers run elsewhere: only named tasks travel. */
export class InlineRemoteError extends MulticoreError {
  constructor(functionName: string) {
    const what = functionName === '' ? 'an inline function' : `the inline function '${functionName}'`;
    super(
      'ERR_INLINE_REMOTE',
      `This pool runs tasks on remote workers, which never evaluate code received over the network, so ${what} cannot run there. ` +
        'Export the function from a task module with task(import.meta, fn) (or pass { module, name }) and start the workers with --tasks pointing at that module.',
    );
  }
}

/** The Redis server of a `backend: 'redis'` pool could not be reached in time, or refused the pool. */
export class RedisUnavailableError extends MulticoreError {
  /** The server, without credentials. */
  readonly server: string;

  /** @param waitedMs how long there was no connection; undefined when Redis answered with a refusal. */
  constructor(server: string, waitedMs: number | undefined, options?: ErrorOptions) {
    const reason = options?.cause instanceof Error ? `: ${options.cause.message.replace(/\.$/, '')}` : '';
    const what = waitedMs === undefined ? 'refused the work' : `is unavailable (no working connection for ${waitedMs} ms)`;
    super(
      'ERR_REDIS_UNAVAILABLE',
      `Redis at ${server} ${what}${reason}. Check that the server runs and that the address, ` +
        'password, ACL and TLS settings are right; the pending tasks of this pool have failed.',
      options,
    );
    this.server = server;
  }
}

/** A remote job failed outside the task itself (its worker stalled too often, or gave up on it). */
export class RemoteJobFailedError extends MulticoreError {
  override get scope(): FailureScope {
    return 'items';
  }

  /** Input positions of the items in the failed job (within their call). */
  readonly items: number[];

  constructor(reason: string, items: number[]) {
    super('ERR_REMOTE_JOB_FAILED', `The remote job holding items ${summarizeIndices(items)} failed: ${reason}`);
    this.items = items;
  }
}

/**
 * A Redis job or its result was refused unread: over `maxJobBytes`, unsigned or wrongly signed
 * when a secret is set, or not a payload that decodes at bounded cost (see docs/distributed.md).
 * `rejectedBy` says which side refused it: 'worker' (nothing ran) or 'pool' (the items may have
 * run, their results were discarded, or the job was never sent).
 */
export class JobRejectedError extends MulticoreError {
  override get scope(): FailureScope {
    return 'items';
  }

  /** Input positions of the job's items (within their call). */
  readonly items: number[];
  readonly rejectedBy: 'worker' | 'pool';
  /** Why, in a few words, e.g. "it is not signed". */
  readonly reason: string;

  constructor(rejectedBy: 'worker' | 'pool', reason: string, items: number[]) {
    const what =
      rejectedBy === 'worker'
        ? `A worker rejected the job holding items ${summarizeIndices(items)} before running anything: ${reason}`
        : `The job holding items ${summarizeIndices(items)} was rejected by this pool: ${reason}`;
    super('ERR_JOB_REJECTED', `${what}. See "What travels, and the limits" in docs/distributed.md.`);
    this.items = items;
    this.rejectedBy = rejectedBy;
    this.reason = reason;
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
