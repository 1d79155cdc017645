/** The per-call options of map, imap, imapUnordered, starmap and apply. */
import type { Progress } from '../scheduling/chunk-stream.js';
import { optionalAbortSignal, optionalFunction, optionalPositiveInteger, optionalPositiveNumber, optionsObject } from './validate.js';

export interface ApplyOptions {
  /** Cancels the call: queued work never starts, running work is stopped by replacing its worker. */
  signal?: AbortSignal;
  /** Milliseconds each item may run before it fails with ERR_TASK_TIMEOUT; overrides the pool's taskTimeout. */
  timeout?: number;
}

export interface MapOptions extends ApplyOptions {
  /** Items per message to a worker. Default: ceil(n / (4 × workers)) for arrays, adaptive otherwise. */
  chunksize?: number;
  /** Called as chunks of items finish. */
  onProgress?: (progress: Progress) => void;
}

export interface NormalizedMapOptions {
  chunksize: number | undefined;
  signal: AbortSignal | undefined;
  timeout: number | undefined;
  onProgress: ((progress: Progress) => void) | undefined;
}

export function normalizeMapOptions(method: string, options: unknown): NormalizedMapOptions {
  const given = optionsObject(`${method}() options`, options, ['chunksize', 'signal', 'timeout', 'onProgress']);
  return {
    chunksize: optionalPositiveInteger('chunksize', given.chunksize),
    signal: optionalAbortSignal('signal', given.signal),
    timeout: optionalPositiveNumber('timeout', given.timeout),
    onProgress: optionalFunction('onProgress', given.onProgress),
  };
}

const noApplyOptions = Object.freeze({ signal: undefined, timeout: undefined });

export function normalizeApplyOptions(options: unknown): { signal: AbortSignal | undefined; timeout: number | undefined } {
  if (options === undefined) return noApplyOptions;
  const given = optionsObject('apply() options', options, ['signal', 'timeout']);
  return { signal: optionalAbortSignal('signal', given.signal), timeout: optionalPositiveNumber('timeout', given.timeout) };
}
