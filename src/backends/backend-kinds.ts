/**
 * What each backend is called in stacks and what it can do, declared once: the backend carries
 * it, and the registry hands the same to the LazyBackend that stands in while the backend's
 * module loads (which checks the two agree). A small module, so that the registry can name a
 * backend's kind without loading the backend.
 */
import type { Capabilities } from './backend.js';

export interface BackendKind {
  /** A name for error stacks, e.g. "thread worker". */
  readonly origin: string;
  readonly capabilities: Capabilities;
}

export const threadKind: BackendKind = { origin: 'thread worker', capabilities: { sharedMemory: true, inlineTasks: true, priority: true, broadcast: true } };

/** Each child has its own memory: a SharedArrayBuffer would be copied, so it is refused. */
export const processKind: BackendKind = { origin: 'process worker', capabilities: { sharedMemory: false, inlineTasks: true, priority: true, broadcast: true } };

/** Remote workers run only the tasks of their own modules, take jobs in order, and no message reaches each one. */
export const redisKind: BackendKind = { origin: 'redis worker', capabilities: { sharedMemory: false, inlineTasks: false, priority: false, broadcast: false } };
