/**
 * imap and imapUnordered: results as an async iterable, in input order or as they complete.
 * Input is read lazily and at most a few chunks per worker are in flight, so an infinite
 * generator with a slow consumer keeps memory flat.
 */
import type { MapOptions } from '../options/call-options.js';
import { normalizeMapOptions } from '../options/call-options.js';
import { streamChunks } from '../scheduling/chunk-stream.js';
import { toTaskRef } from '../tasks/task-ref.js';
import { CapturedCallSite } from '../transport/call-site.js';
import { refuseUnsupportedItems } from './capability-guard.js';
import type { CallContext } from './context.js';
import { validInput } from './map.js';

/** Chunks submitted but not yet consumed, per worker. */
const imapWindowPerWorker = 2;

/** imap: results in input order. */
export function runImap(context: CallContext, fn: unknown, items: unknown, options: MapOptions | undefined): AsyncGenerator<unknown, void, undefined> {
  return streamResults(context, new CapturedCallSite(context.backend.origin), { method: 'imap', ordered: true }, fn, items, options);
}

/** imapUnordered: results as they complete. */
export function runImapUnordered(context: CallContext, fn: unknown, items: unknown, options: MapOptions | undefined): AsyncGenerator<unknown, void, undefined> {
  return streamResults(context, new CapturedCallSite(context.backend.origin), { method: 'imapUnordered', ordered: false }, fn, items, options);
}

function streamResults(
  context: CallContext,
  callSite: CapturedCallSite,
  { method, ordered }: { method: string; ordered: boolean },
  fn: unknown,
  items: unknown,
  options: MapOptions | undefined,
): AsyncGenerator<unknown, void, undefined> {
  // Checked now, thrown at the first next(): the pool may close before iteration starts.
  const refusal = context.refusal(method);
  return (async function* iterate() {
    if (refusal !== undefined) throw refusal;
    const end = context.begin(method);
    try {
      const { chunksize, signal, timeout, onProgress, highWaterMark, priority } = normalizeMapOptions(method, options);
      const task = await toTaskRef(fn, 'fn', () => callSite.callerModule());
      const chunks = streamChunks(context.backend, validInput(method, items), {
        task,
        ordered,
        spread: false,
        chunksize,
        window: imapWindowPerWorker * context.backend.concurrency + 1,
        highWaterMark,
        signal,
        timeout,
        settle: false,
        onProgress,
        priority,
        callSite,
        refuse: (chunk, start) => refuseUnsupportedItems(context.backend, task, chunk, start),
      });
      for await (const chunk of chunks) {
        yield* chunk.results;
        if (chunk.errors !== undefined) throw chunk.errors[0]![1];
      }
    } finally {
      end();
    }
  })();
}
