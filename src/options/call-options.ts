/** The per-call options of map, imap, imapUnordered, starmap and apply. */
import type { Progress } from '../scheduling/chunk-stream.js';
import { optionalAbortSignal, optionalFunction, optionalPositiveInteger, optionsObject } from './validate.js';

export interface ApplyOptions {
  /** Cancels the call: queued work never starts, running work is stopped by replacing its worker. */
  signal?: AbortSignal;
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
  onProgress: ((progress: Progress) => void) | undefined;
}

export function normalizeMapOptions(method: string, options: unknown): NormalizedMapOptions {
  const given = optionsObject(`${method}() options`, options, ['chunksize', 'signal', 'onProgress']);
  return {
    chunksize: optionalPositiveInteger('chunksize', given.chunksize),
    signal: optionalAbortSignal('signal', given.signal),
    onProgress: optionalFunction('onProgress', given.onProgress),
  };
}

export function normalizeApplyOptions(options: unknown): { signal: AbortSignal | undefined } {
  const given = optionsObject('apply() options', options, ['signal']);
  return { signal: optionalAbortSignal('signal', given.signal) };
}
