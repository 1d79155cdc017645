/**
 * map and starmap: all results, in input order, once every item is done. The settled variants
 * (mapSettled, starmapSettled) report every item's outcome like Promise.allSettled.
 */
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

export async function runMap(
  context: CallContext,
  method: 'map' | 'starmap' | 'mapSettled' | 'starmapSettled',
  fn: unknown,
  items: unknown,
  options: MapOptions | undefined,
): Promise<unknown[]> {
  const settle = method === 'mapSettled' || method === 'starmapSettled';
  const callSite = new CapturedCallSite(context.backend.origin);
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
      spread: method === 'starmap' || method === 'starmapSettled',
      chunksize,
      window: mapWindowPerWorker * context.backend.concurrency,
      highWaterMark,
      signal,
      timeout,
      settle,
      onProgress,
      priority,
      callSite,
      refuse: (chunk, start) => refuseUnsupportedItems(context.backend, task, chunk, start),
    });
    for await (const chunk of chunks) {
      if (settle) {
        storeSettled(results, chunk);
        continue;
      }
      if (chunk.errors !== undefined) throw chunk.errors[0]![1];
      const { start, results: values } = chunk;
      for (let i = 0; i < values.length; i++) results[start + i] = values[i];
    }
    return results;
  } finally {
    end();
  }
}

function storeSettled(into: unknown[], chunk: ChunkResult): void {
  const count = Math.max(chunk.results.length, chunk.errors?.length ?? 0);
  for (let i = 0; i < count; i++) into[chunk.start + i] = { status: 'fulfilled', value: chunk.results[i] };
  for (const [index, reason] of chunk.errors ?? []) into[index] = { status: 'rejected', reason };
}

export function validInput(method: string, items: unknown): Input<unknown> {
  if (!isInput(items)) {
    throw new TypeError(`${method}(fn, items): items must be an array, an iterable or an async iterable, got ${items === null ? 'null' : typeof items}`);
  }
  return items;
}
