/** The options of forRange and reduceRange, validated in one place. */
import { describe } from '../errors/describe.js';
import { optionalAbortSignal, optionalPositiveInteger, optionsObject, priorityOption } from '../options/validate.js';

export interface RangeOptions {
  /** How many ranges to split the loop into. Default: one per worker. Never more than `length`. */
  chunks?: number;
  /** Cancels the call: ranges not started never start, running ones are stopped with their worker. */
  signal?: AbortSignal;
  /** Ranges of calls with a higher priority leave the queue first; equal priorities keep submission order. Default 0. */
  priority?: number;
}

export interface NormalizedRangeOptions {
  chunks: number | undefined;
  signal: AbortSignal | undefined;
  priority: number;
}

export function normalizeRangeOptions(method: string, options: unknown): NormalizedRangeOptions {
  const given = optionsObject(`${method}() options`, options, ['chunks', 'signal', 'priority']);
  return {
    chunks: optionalPositiveInteger('chunks', given.chunks),
    signal: optionalAbortSignal('signal', given.signal),
    priority: priorityOption(given.priority),
  };
}

/** The loop length: a non-negative safe integer. */
export function validLength(method: string, length: unknown): number {
  if (typeof length !== 'number') throw new TypeError(`${method}(length, ...): length must be a non-negative integer, got ${describe(length)}`);
  if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`${method}(length, ...): length must be a non-negative integer, got ${length}`);
  return length;
}
