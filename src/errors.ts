/**
 * Every failure multicore reports itself is a MulticoreError with a stable `code` that callers
 * can switch on; one subclass per kind of failure, listed here (transport/error-rebuild.ts rebuilds
 * each of them by name on the calling side). Errors thrown by the user's own task code are not
 * wrapped: they reach the caller rebuilt from the worker. Code that runs in workers imports
 * errors/task-errors.ts itself rather than this list, so that a worker compiles only the classes
 * it can throw.
 */
export { MulticoreError, ItemFailureError, type FailureScope } from './errors/multicore-error.js';
export { PoolClosedError, PoolTerminatedError, QueueFullError, PoolNotClosedError, PoolInWorkerError, MissingDependencyError } from './errors/pool-errors.js';
export { TaskCaptureError, TaskSerializationError, TaskNotFoundError, TaskLoadError, TaskNonErrorThrowError, TaskTimeoutError, NotInTaskError } from './errors/task-errors.js';
export { SharedMemoryBackendError, WorkerCrashedError, WorkerInitError, RuntimeUnsupportedError, WorkerEntryError } from './errors/worker-errors.js';
export { InlineRemoteError, RedisUnavailableError, RemoteJobFailedError, JobRejectedError } from './errors/remote-errors.js';
