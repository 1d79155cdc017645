/**
 * The public surface of multicore, on one screen. Nothing is exported from anywhere else.
 */
export {
  MulticoreError,
  PoolClosedError,
  PoolTerminatedError,
  PoolNotClosedError,
  PoolInWorkerError,
  TaskCaptureError,
  TaskSerializationError,
  TaskNotFoundError,
  TaskLoadError,
  TaskNonErrorThrowError,
  WorkerCrashedError,
} from './errors.js';
