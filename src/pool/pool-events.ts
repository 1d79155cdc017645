/**
 * The events a Pool emits (it is a node:events EventEmitter). There is deliberately no 'error'
 * event: an 'error' without a listener throws, and a pool's failures already reach the call
 * they belong to.
 */
import type { EventEmitter } from 'node:events';
import type { BackendObserver, WorkerExit } from '../backends/backend.js';
import type { MetricsRecorder } from './metrics.js';

/** A worker was started (`id` counts the workers of this pool from 0). */
export interface WorkerStartEvent {
  id: number;
}

/** A worker ended: `crashed` when it died on its own rather than being stopped by the pool. */
export type WorkerExitEvent = WorkerExit;

/**
 * The listeners' arguments by event name:
 * - `workerstart`: a worker was started (at creation, as a replacement, or on demand);
 * - `workerexit`: a worker ended, with `{ exitCode, signal, crashed }`;
 * - `drain`: the queue became empty (every waiting item was handed to a worker);
 * - `idle`: nothing waits and nothing runs.
 *
 * Listeners are called asynchronously, soon after the fact (so `new Pool()` followed by
 * `pool.on('workerstart', ...)` hears the first workers start).
 */
export type PoolEventMap = {
  workerstart: [event: WorkerStartEvent];
  workerexit: [event: WorkerExitEvent];
  drain: [];
  idle: [];
};

/**
 * What the backend reports, turned into the pool's events and figures. Events are emitted on a
 * microtask: never inside the backend (a listener that throws must not break it), and after the
 * constructor has returned (so that listeners added right after `new Pool()` hear the first workers).
 */
export function observeBackend(pool: EventEmitter<PoolEventMap>, metrics: MetricsRecorder): BackendObserver {
  const later = <K extends keyof PoolEventMap>(name: K, ...args: PoolEventMap[K]) => {
    queueMicrotask(() => (pool.emit as (name: K, ...args: PoolEventMap[K]) => boolean)(name, ...args));
  };
  return {
    workerStarted: (id) => later('workerstart', { id }),
    workerExited: (exit) => later('workerexit', exit),
    drained: () => later('drain'),
    idle: () => later('idle'),
    chunkFinished: (totalMs, runMs) => metrics.record(totalMs, runMs),
  };
}
