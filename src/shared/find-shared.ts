/**
 * Finds shared memory inside the arguments of a call. Backends that run tasks in other
 * processes copy every argument, so a SharedArrayBuffer would silently stop being shared: the
 * worker would write into its own copy. The pool refuses such calls up front instead.
 */
import type { Backend, Submission } from '../backends/backend.js';
import { SharedMemoryBackendError } from '../errors.js';
import { isSharedArrayBuffer } from './shared-array.js';

/**
 * The path (like `arguments[0].data`) of the first SharedArrayBuffer, or view on one, inside
 * `value`, walking what structured clone would copy: arrays, objects, Map and Set.
 */
export function findSharedMemory(value: unknown, path: string): string | undefined {
  return search(value, path, new Set());
}

function search(value: unknown, path: string, seen: Set<object>): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if (seen.has(value)) return undefined;
  seen.add(value);
  if (isSharedArrayBuffer(value)) return path;
  if (ArrayBuffer.isView(value)) return isSharedArrayBuffer(value.buffer) ? path : undefined;
  if (value instanceof Map) {
    let index = 0;
    for (const [key, entry] of value) {
      const found = search(key, `${path}.keys()[${index}]`, seen) ?? search(entry, `${path}.get(${describeKey(key)})`, seen);
      if (found !== undefined) return found;
      index++;
    }
    return undefined;
  }
  if (value instanceof Set) {
    let index = 0;
    for (const entry of value) {
      const found = search(entry, `${path}.values()[${index++}]`, seen);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = search(value[i], `${path}[${i}]`, seen);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  for (const key of Object.keys(value)) {
    let inner: unknown;
    try {
      inner = (value as Record<string, unknown>)[key];
    } catch {
      // A getter that throws holds no shared memory; sending the value reports the throw (ERR_TASK_SERIALIZATION).
      continue;
    }
    const found = search(inner, /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`, seen);
    if (found !== undefined) return found;
  }
  return undefined;
}

function describeKey(key: unknown): string {
  return typeof key === 'string' ? JSON.stringify(key) : typeof key === 'object' && key !== null ? '...' : String(key);
}

/**
 * Throws SharedMemoryBackendError for an input array holding shared memory, on a backend that
 * cannot share it; checked before any item is sent. Lazy inputs are checked chunk by chunk by
 * refusingSharedMemory() below.
 */
export function refuseSharedItems(backend: Backend, items: unknown): void {
  if (backend.sharesMemory || !Array.isArray(items)) return;
  items.forEach((item, i) => {
    const found = findSharedMemory(item, `items[${i}]`);
    if (found !== undefined) throw new SharedMemoryBackendError(found, backend.origin);
  });
}

/**
 * The backend itself when it shares memory (threads): no check, no cost. Otherwise a backend
 * whose submit() throws SharedMemoryBackendError, before anything is sent, for a chunk that
 * holds shared memory; every call of the pool (apply, map, forRange...) goes through it.
 */
export function refusingSharedMemory(backend: Backend): Backend {
  if (backend.sharesMemory) return backend;
  return {
    get concurrency() {
      return backend.concurrency;
    },
    origin: backend.origin,
    sharesMemory: false,
    submit(chunk, transfer, options): Submission {
      // A lone spread chunk is apply's argument list; other chunks are slices of map's items.
      const isApply = chunk.spread && chunk.items.length === 1 && chunk.start === 0;
      chunk.items.forEach((item, i) => {
        const found = findSharedMemory(item, isApply ? 'arguments' : `items[${chunk.start + i}]`);
        if (found !== undefined) throw new SharedMemoryBackendError(found, backend.origin);
      });
      return backend.submit(chunk, transfer, options);
    },
    broadcast(task, args) {
      const found = findSharedMemory(args, 'arguments');
      if (found !== undefined) return Promise.reject(new SharedMemoryBackendError(found, backend.origin));
      return backend.broadcast(task, args);
    },
    stats: () => backend.stats(),
    shutdown: () => backend.shutdown(),
    terminate: (reason) => backend.terminate(reason),
  };
}
