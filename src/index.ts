/**
 * The public surface of multicore, on one screen. Nothing is exported from anywhere else.
 */
export { Pool, type PoolStats } from './pool/pool.js';
export type { PoolEventMap, WorkerStartEvent, WorkerExitEvent } from './pool/pool-events.js';
export type { DurationSummary } from './pool/duration-summary.js';
export type { PoolOptions, ThreadPoolOptions, ProcessPoolOptions, RedisBackendPoolOptions } from './options/pool-options.js';
export type { RedisPoolOptions, RedisConnectionOptions } from './options/redis-options.js';
export type { ApplyOptions, MapOptions, Progress } from './options/call-options.js';
export type { Input, Cloned, Cloneable } from './api/types.js';
export { task, type TaskInput, type ModuleTask, type NamedTask, type TaskOptions } from './tasks/task.js';
export { isWorker } from './tasks/worker-flag.js';
export { transfer, type Transferable } from './transport/transfer.js';
export { sharedArray, toShared, type TypedArray, type SharedTypedArray, type TypedArrayConstructor } from './shared/shared-array.js';
export type { RangeOptions } from './shared/range-options.js';
export {
  MulticoreError,
  PoolClosedError,
  PoolTerminatedError,
  PoolNotClosedError,
  PoolInWorkerError,
  QueueFullError,
  TaskCaptureError,
  TaskSerializationError,
  TaskNotFoundError,
  TaskLoadError,
  TaskNonErrorThrowError,
  TaskTimeoutError,
  WorkerCrashedError,
  WorkerInitError,
  SharedMemoryBackendError,
  InlineRemoteError,
  RedisUnavailableError,
  RemoteJobFailedError,
  JobRejectedError,
  MissingDependencyError,
  RuntimeUnsupportedError,
  WorkerEntryError,
  type FailureScope,
} from './errors.js';
export { sysinfo, usableCores, type SysInfo, type SysinfoOptions, type CoresInfo, type MemoryInfo, type DiskInfo, type RuntimeInfo } from './system/sysinfo.js';
export { timeit, TimeitResult, type TimeitOptions, type TimeitResultInit } from './tools/timeit.js';
export { formatTime } from './tools/format-time.js';
export { scaling, type ScalingOptions, type ScalingProgress } from './tools/scaling.js';
export type { ScalingReport, ScalingPoint } from './tools/scaling-analysis.js';
export { amdahlSpeedup, karpFlatt, fitAmdahl, type AmdahlFit } from './tools/amdahl.js';
export { renderTerminalChart, type TerminalChartOptions } from './tools/chart-terminal.js';
export { renderSvgChart, type SvgChartOptions } from './tools/chart-svg.js';
export {
  parallelSum,
  parallelMean,
  parallelMin,
  parallelMax,
  parallelDot,
  parallelHistogram,
  type HistogramOptions,
  type Histogram,
  type SharedNumberArray,
  type SharedBigIntArray,
  type ElementOf,
} from './reductions/reductions.js';
