/** The per-call options of map, imap, imapUnordered, starmap and apply. */
import { describe } from '../errors/describe.js';
import { optionalAbortSignal, optionalFunction, optionalPositiveInteger, optionalPositiveNumber, optionsObject, priorityOption } from './validate.js';

/** What onProgress is called with. */
export interface Progress {
  /** Items finished so far (successfully or not). */
  done: number;
  /** Items in the input, when known without iterating it. */
  total: number | undefined;
}

export interface ApplyOptions {
  /** Cancels the call: queued work never starts, running work is stopped by replacing its worker. */
  signal?: AbortSignal;
  /** Milliseconds each item may run before it fails with ERR_TASK_TIMEOUT; overrides the pool's taskTimeout. */
  timeout?: number;
  /** Work of calls with a higher priority leaves the queue first; equal priorities keep submission order. Default 0. */
  priority?: number;
}

export interface MapOptions extends ApplyOptions {
  /** Items per message to a worker. Default: ceil(n / (4 × workers)) for arrays, adaptive otherwise. */
  chunksize?: number;
  /** Called as chunks of items finish. */
  onProgress?: (progress: Progress) => void;
  /**
   * Bytes of input (estimated: buffers and strings) read ahead and in flight at most, besides the
   * bound in chunks. Every worker may still hold one chunk, and an item larger than the bound
   * goes alone. Default 16 MiB. `Infinity` bounds by count only.
   */
  highWaterMark?: number;
}

/** The default highWaterMark: enough to keep many workers busy, small beside a machine's memory. */
export const defaultHighWaterMark = 16 * 1024 * 1024;

export interface NormalizedMapOptions {
  chunksize: number | undefined;
  signal: AbortSignal | undefined;
  timeout: number | undefined;
  onProgress: ((progress: Progress) => void) | undefined;
  highWaterMark: number;
  priority: number;
}

export function normalizeMapOptions(method: string, options: unknown): NormalizedMapOptions {
  const given = optionsObject(`${method}() options`, options, ['chunksize', 'signal', 'timeout', 'onProgress', 'highWaterMark', 'priority']);
  return {
    highWaterMark: given.highWaterMark === undefined ? defaultHighWaterMark : byteCount('highWaterMark', given.highWaterMark),
    chunksize: optionalPositiveInteger('chunksize', given.chunksize),
    signal: optionalAbortSignal('signal', given.signal),
    timeout: optionalPositiveNumber('timeout', given.timeout),
    onProgress: optionalFunction('onProgress', given.onProgress),
    priority: priorityOption(given.priority),
  };
}

function byteCount(name: string, value: unknown): number {
  if (typeof value !== 'number') throw new TypeError(`${name} must be a number of bytes, got ${describe(value)}`);
  if (!(value >= 1) || Number.isNaN(value)) throw new RangeError(`${name} must be a number of bytes >= 1 (or Infinity), got ${value}`);
  return value;
}

export interface NormalizedApplyOptions {
  signal: AbortSignal | undefined;
  timeout: number | undefined;
  priority: number;
}

const noApplyOptions: NormalizedApplyOptions = Object.freeze({ signal: undefined, timeout: undefined, priority: 0 });

export function normalizeApplyOptions(options: unknown): NormalizedApplyOptions {
  if (options === undefined) return noApplyOptions;
  const given = optionsObject('apply() options', options, ['signal', 'timeout', 'priority']);
  return { signal: optionalAbortSignal('signal', given.signal), timeout: optionalPositiveNumber('timeout', given.timeout), priority: priorityOption(given.priority) };
}
