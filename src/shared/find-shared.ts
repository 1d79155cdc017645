/**
 * Finds shared memory inside the arguments of a call. Backends that run tasks in other
 * processes copy every argument, so a SharedArrayBuffer would silently stop being shared: the
 * worker would write into its own copy. api/capability-guard.ts refuses such calls up front.
 */
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
