/** The options of forRange and reduceRange, validated in one place. */
import { describe } from '../errors/describe.js';
import { optionalAbortSignal, optionalPositiveInteger, optionsObject } from '../options/validate.js';

export interface RangeOptions {
  /** How many ranges to split the loop into. Default: one per worker. Never more than `length`. */
  chunks?: number;
  /** Cancels the call: ranges not started never start, running ones are stopped with their worker. */
  signal?: AbortSignal;
}

export interface NormalizedRangeOptions {
  chunks: number | undefined;
  signal: AbortSignal | undefined;
}

export function normalizeRangeOptions(method: string, options: unknown): NormalizedRangeOptions {
  const given = optionsObject(`${method}() options`, options, ['chunks', 'signal']);
  return {
    chunks: optionalPositiveInteger('chunks', given.chunks),
    signal: optionalAbortSignal('signal', given.signal),
  };
}

/** The loop length: a non-negative safe integer. */
export function validLength(method: string, length: unknown): number {
  if (typeof length !== 'number') throw new TypeError(`${method}(length, ...): length must be a non-negative integer, got ${describe(length)}`);
  if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`${method}(length, ...): length must be a non-negative integer, got ${length}`);
  return length;
}
