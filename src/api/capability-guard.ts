/**
 * The one place that refuses, before anything is sent, a call that needs what the pool's
 * backend cannot do (see Capabilities in backends/backend.ts): an inline function on a backend
 * that only runs module tasks, or shared memory on a backend that would copy it. Each API
 * function says what it sends and how to name it, so an error names the argument as the caller
 * wrote it (`arguments[1]`, `items[4].data`, `context`), whatever shape the chunk has.
 */
import type { Backend } from '../backends/backend.js';
import { InlineRemoteError, SharedMemoryBackendError } from '../errors.js';
import { findSharedMemory } from '../shared/find-shared.js';
import type { TaskRef } from '../transport/messages.js';

/** Throws InlineRemoteError or SharedMemoryBackendError; `value` is named `path` in the error. */
export function refuseUnsupported(backend: Backend, task: TaskRef, value: unknown, path: string): void {
  refuseTask(backend, task);
  if (backend.capabilities.sharedMemory) return;
  const found = findSharedMemory(value, path);
  if (found !== undefined) throw new SharedMemoryBackendError(found, backend.origin);
}

/** The same for the items of a map call, the first at input position `start`. */
export function refuseUnsupportedItems(backend: Backend, task: TaskRef, items: readonly unknown[], start: number): void {
  refuseTask(backend, task);
  if (backend.capabilities.sharedMemory) return;
  for (let i = 0; i < items.length; i++) {
    const found = findSharedMemory(items[i], `items[${start + i}]`);
    if (found !== undefined) throw new SharedMemoryBackendError(found, backend.origin);
  }
}

function refuseTask(backend: Backend, task: TaskRef): void {
  if (task.kind === 'inline' && !backend.capabilities.inlineTasks) throw new InlineRemoteError(task.name);
}
