/** map and starmap: all results, in input order, once every item is done. */
import type { MapOptions } from '../options/call-options.js';
import { normalizeMapOptions } from '../options/call-options.js';
import { streamChunks } from '../scheduling/chunk-stream.js';
import { isInput, knownLength, type Input } from '../scheduling/input.js';
import { toTaskRef } from '../tasks/task-ref.js';
import { CapturedCallSite } from '../transport/call-site.js';
import type { CallContext } from './context.js';

/** Chunks in flight per worker for map: enough to keep workers busy between round trips. */
const mapWindowPerWorker = 4;

export async function runMap(
  context: CallContext,
  method: 'map' | 'starmap',
  fn: unknown,
  items: unknown,
  options: MapOptions | undefined,
): Promise<unknown[]> {
  const callSite = new CapturedCallSite(context.backend.origin);
  const end = context.begin(method);
  try {
    const { chunksize, signal, onProgress } = normalizeMapOptions(method, options);
    const task = toTaskRef(fn);
    const input = validInput(method, items);
    const length = knownLength(input);
    const results: unknown[] = length === undefined ? [] : new Array(length);
    const chunks = streamChunks(context.backend, input, {
      task,
      ordered: false,
      spread: method === 'starmap',
      chunksize,
      window: mapWindowPerWorker * context.backend.concurrency,
      signal,
      onProgress,
      callSite,
    });
    for await (const chunk of chunks) {
      if (chunk.errors !== undefined) throw chunk.errors[0]![1];
      const { start, results: values } = chunk;
      for (let i = 0; i < values.length; i++) results[start + i] = values[i];
    }
    return results;
  } finally {
    end();
  }
}

export function validInput(method: string, items: unknown): Input<unknown> {
  if (!isInput(items)) {
    throw new TypeError(`${method}(fn, items): items must be an array, an iterable or an async iterable, got ${items === null ? 'null' : typeof items}`);
  }
  return items;
}
