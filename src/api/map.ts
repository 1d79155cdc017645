/**
 * map and starmap: all results, in input order, once every item is done. The settled variants
 * (mapSettled, starmapSettled) report every item's outcome like Promise.allSettled.
 */
import { describe } from '../errors/describe.js';
import type { MapOptions } from '../options/call-options.js';
import { normalizeMapOptions } from '../options/call-options.js';
import { streamChunks, type ChunkResult } from '../scheduling/chunk-stream.js';
import { isInput, knownLength, type Input } from '../scheduling/input.js';
import { toTaskRef } from '../tasks/task-ref.js';
import { CapturedCallSite } from '../transport/call-site.js';
import { refuseUnsupportedItems } from './capability-guard.js';
import type { CallContext } from './context.js';

/** Chunks in flight per worker for map: enough to keep workers busy between round trips. */
const mapWindowPerWorker = 4;

/** map: every result in input order; the first failure rejects the call. */
export function runMap(context: CallContext, fn: unknown, items: unknown, options: MapOptions | undefined): Promise<unknown[]> {
  // Each entry point captures its caller itself: one frame fewer of ours in the 10 a stack keeps.
  return collect(context, new CapturedCallSite(context.backend.origin), { method: 'map', spread: false, keep: values }, fn, items, options);
}

/** starmap: map over argument lists. */
export function runStarmap(context: CallContext, fn: unknown, items: unknown, options: MapOptions | undefined): Promise<unknown[]> {
  return collect(context, new CapturedCallSite(context.backend.origin), { method: 'starmap', spread: true, keep: values }, fn, items, options);
}

/** mapSettled: every item's outcome in input order, like Promise.allSettled. */
export function runMapSettled(context: CallContext, fn: unknown, items: unknown, options: MapOptions | undefined): Promise<unknown[]> {
  return collect(context, new CapturedCallSite(context.backend.origin), { method: 'mapSettled', spread: false, keep: outcomes }, fn, items, options);
}

/** starmapSettled: mapSettled over argument lists. */
export function runStarmapSettled(context: CallContext, fn: unknown, items: unknown, options: MapOptions | undefined): Promise<unknown[]> {
  return collect(context, new CapturedCallSite(context.backend.origin), { method: 'starmapSettled', spread: true, keep: outcomes }, fn, items, options);
}

/** How a call keeps what its chunks bring: the values (failing on the first error), or one outcome per item. */
interface Keeping {
  /** Every item of a chunk settles on its own, so that one failure does not fail its chunk. */
  readonly settle: boolean;
  store(into: unknown[], chunk: ChunkResult): void;
}

const values: Keeping = {
  settle: false,
  store(into, chunk) {
    if (chunk.errors !== undefined) throw chunk.errors[0]![1];
    const { start, results } = chunk;
    for (let i = 0; i < results.length; i++) into[start + i] = results[i];
  },
};

const outcomes: Keeping = {
  settle: true,
  store(into, chunk) {
    const count = Math.max(chunk.results.length, chunk.errors?.length ?? 0);
    for (let i = 0; i < count; i++) into[chunk.start + i] = { status: 'fulfilled', value: chunk.results[i] };
    for (const [index, reason] of chunk.errors ?? []) into[index] = { status: 'rejected', reason };
  },
};

interface MapCall {
  readonly method: string;
  /** Items are argument lists. */
  readonly spread: boolean;
  readonly keep: Keeping;
}

async function collect(
  context: CallContext,
  callSite: CapturedCallSite,
  { method, spread, keep }: MapCall,
  fn: unknown,
  items: unknown,
  options: MapOptions | undefined,
): Promise<unknown[]> {
  const end = context.begin(method);
  try {
    const { chunksize, signal, timeout, onProgress, highWaterMark, priority } = normalizeMapOptions(method, options);
    const task = await toTaskRef(fn, 'fn', () => callSite.callerModule());
    const input = validInput(method, items);
    // An array is checked whole, before its first chunk leaves; streamChunks checks lazy inputs chunk by chunk.
    if (Array.isArray(input)) refuseUnsupportedItems(context.backend, task, input, 0);
    const length = knownLength(input);
    const results: unknown[] = length === undefined ? [] : new Array(length);
    const chunks = streamChunks(context.backend, input, {
      task,
      ordered: false,
      spread,
      chunksize,
      window: mapWindowPerWorker * context.backend.concurrency,
      highWaterMark,
      signal,
      timeout,
      settle: keep.settle,
      onProgress,
      priority,
      callSite,
      refuse: (chunk, start) => refuseUnsupportedItems(context.backend, task, chunk, start),
    });
    for await (const chunk of chunks) keep.store(results, chunk);
    return results;
  } finally {
    end();
  }
}

export function validInput(method: string, items: unknown): Input<unknown> {
  if (!isInput(items)) {
    throw new TypeError(`${method}(fn, items): items must be an array, an iterable or an async iterable, got ${describe(items)}`);
  }
  return items;
}
