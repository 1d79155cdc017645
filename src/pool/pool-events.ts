/**
 * The events a Pool emits (it is a node:events EventEmitter). There is deliberately no 'error'
 * event: an 'error' without a listener throws, and a pool's failures already reach the call
 * they belong to.
 */
import type { WorkerExit } from '../backends/backend.js';

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
