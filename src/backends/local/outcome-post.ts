/**
 * Worker side: sending finished chunks' outcomes to the pool. A result that cannot be serialized
 * fails only its own item; a result whose serialization runs code (a getter, a proxy) is never
 * sent from the exit hook, where that code could hide why the worker died.
 */
import { types } from 'node:util';
import { packOutcomes } from '../../transport/batch-codec.js';
import { findUncloneable } from '../../transport/clone-check.js';
import { serializeError, type SerializedError } from '../../transport/error-codec.js';
import type { ChunkOutcome, ChunkRequest, FromWorkerMessage } from '../../transport/messages.js';
import { collectTransfers, dedupe, type Transferable } from '../../transport/transfer.js';
import { unsendableResult } from '../../transport/unsendable.js';

type Post = (message: FromWorkerMessage, transfer: Transferable[]) => void;

/**
 * Posts finished chunks' outcomes; a result that cannot be serialized (not cloneable, or a getter
 * that throws) fails only its own item, with what went wrong as the cause. Never throws.
 */
export function postOutcomes(post: Post, batch: ChunkRequest[], outcomes: ChunkOutcome[], batchesDone: number): void {
  const transfer: Transferable[] = [];
  for (const outcome of outcomes) collectTransfers(outcome.results, transfer);
  try {
    post({ type: 'outcomes', outcomes: packOutcomes(outcomes), batchesDone }, dedupe(transfer));
    return;
  } catch {
    // Found and reported item by item below.
  }
  const replaced = outcomes.map((outcome, i) => replaceUncloneableResults(outcome, batch[i]!.start));
  try {
    post({ type: 'outcomes', outcomes: packOutcomes(replaced), batchesDone }, []);
  } catch (error) {
    // A value that clones once and throws the next time: give up on every result of these chunks.
    const unsent = replaced.map((outcome, i) => unsendable(outcome, batch[i]!, error));
    post({ type: 'outcomes', outcomes: packOutcomes(unsent), batchesDone }, []);
  }
}

/** Whether serializing `value` runs no code of its own: no getters, no proxies (checked a few levels deep). */
export function isInert(value: unknown, depth = 0): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (depth > 8 || types.isProxy(value)) return false;
  if (ArrayBuffer.isView(value) || types.isAnyArrayBuffer(value) || value instanceof Date || value instanceof RegExp) return true;
  if (value instanceof Map || value instanceof Set) return false;
  for (const descriptor of Object.values(Object.getOwnPropertyDescriptors(value))) {
    if (descriptor.get !== undefined || !isInert(descriptor.value, depth + 1)) return false;
  }
  return true;
}

function unsendable(outcome: ChunkOutcome, chunk: ChunkRequest, error: unknown): ChunkOutcome {
  const failure = (index: number): [number, SerializedError] => [index, serializeError(unsendableResult(chunk.start + index, undefined, error))];
  return { id: outcome.id, results: [], errors: chunk.settle ? chunk.items.map((_, index) => failure(index)) : [failure(0)], duration: outcome.duration };
}

function replaceUncloneableResults(outcome: ChunkOutcome, start: number): ChunkOutcome {
  const errors = [...(outcome.errors ?? [])];
  const results = outcome.results.map((result, index) => {
    const culprit = findUncloneable(result, 'result');
    if (culprit === undefined) return result;
    errors.push([index, serializeError(unsendableResult(start + index, culprit, culprit.error))]);
    return undefined;
  });
  if (errors.length === 0) return outcome;
  errors.sort((a, b) => a[0] - b[0]);
  return { id: outcome.id, results, errors, duration: outcome.duration };
}
