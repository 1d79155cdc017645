/**
 * The public surface of multicore, on one screen. Nothing is exported from anywhere else.
 */
export { Pool, type PoolStats } from './pool/pool.js';
export type { PoolOptions } from './options/pool-options.js';
export type { RedisPoolOptions } from './options/redis-options.js';
export type { ApplyOptions, MapOptions } from './options/call-options.js';
export type { Progress } from './scheduling/chunk-stream.js';
export type { Input, TaskInput } from './api/types.js';
export { task, type ModuleTask, type NamedTask, type TaskOptions } from './tasks/task.js';
export { transfer } from './transport/transfer.js';
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
  InlineRemoteError,
  RedisUnavailableError,
  RemoteJobFailedError,
} from './errors.js';
export { sysinfo, usableCores, type SysInfo, type SysinfoOptions, type CoresInfo, type MemoryInfo, type DiskInfo } from './tools/sysinfo.js';
