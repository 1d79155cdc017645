/**
 * A cheap estimate of how many bytes an item costs to read ahead and send: the buffers it holds
 * and the length of its strings, not V8's exact heap layout. Large collections are sampled, so an
 * estimate costs about the same whatever the item's size. It bounds read-ahead by memory (see
 * chunk-stream.ts), where a count alone lets a chunk of 100 KB items grow to gigabytes.
 */

/** Elements or keys looked at per collection; the rest are assumed alike. */
const sampleSize = 32;
const maxDepth = 3;
/** What an item of unknown make is counted as: a small object. */
const smallValue = 16;

export function estimateBytes(value: unknown, depth = 0): number {
  switch (typeof value) {
    case 'string':
      return 16 + value.length;
    case 'object':
      break;
    default:
      return 8;
  }
  if (value === null) return 8;
  if (value instanceof ArrayBuffer) return value.byteLength;
  // Shared memory is shared, not copied.
  if (typeof SharedArrayBuffer === 'function' && value instanceof SharedArrayBuffer) return smallValue;
  if (ArrayBuffer.isView(value)) return value.buffer instanceof ArrayBuffer ? value.byteLength : smallValue;
  if (depth >= maxDepth) return smallValue;
  if (Array.isArray(value)) return 16 + sampled(value.length, (i) => estimateBytes(value[i], depth + 1));
  if (value instanceof Map) {
    const entries = [...take(value.entries(), sampleSize)];
    return 16 + scale(value.size, entries.reduce((sum, [k, v]) => sum + estimateBytes(k, depth + 1) + estimateBytes(v, depth + 1), 0), entries.length);
  }
  if (value instanceof Set) {
    const members = [...take(value.values(), sampleSize)];
    return 16 + scale(value.size, members.reduce((sum, member) => sum + estimateBytes(member, depth + 1), 0), members.length);
  }
  const keys = Object.keys(value);
  return 16 + sampled(keys.length, (i) => keys[i]!.length + estimateBytes((value as Record<string, unknown>)[keys[i]!], depth + 1));
}

function sampled(length: number, sizeAt: (index: number) => number): number {
  const looked = Math.min(length, sampleSize);
  let sum = 0;
  for (let i = 0; i < looked; i++) sum += sizeAt(i);
  return scale(length, sum, looked);
}

function scale(total: number, sum: number, looked: number): number {
  return looked === 0 ? 0 : (sum * total) / looked;
}

function* take<T>(iterator: Iterator<T>, count: number): Generator<T> {
  for (let i = 0; i < count; i++) {
    const step = iterator.next();
    if (step.done === true) return;
    yield step.value;
  }
}
