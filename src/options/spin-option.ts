/**
 * `spin`: how long a thread pool's workers, and the caller waiting for one call, keep polling
 * for the next message in shared memory before they go back to sleep in their event loops
 * (backends/thread/spin-channel.ts). Waking a sleeping thread is most of a postMessage round
 * trip; a thread that polls sees the message within a microsecond or two, at the cost of the
 * CPU it burns while it polls.
 */
import { describe } from '../errors/describe.js';

/**
 * Long enough for any task worth a round trip on a thread; beyond it a poll costs more CPU
 * than the wake-up it saves.
 */
export const maxSpinMs = 10;

/** The spin window in milliseconds (0: off, the default); refuses it on pools without threads. */
export function validateSpin(backend: 'thread' | 'process' | 'redis', value: unknown): number {
  if (value === undefined) return 0;
  if (backend !== 'thread') {
    throw new TypeError(`spin applies to worker threads (backend: 'thread'): a ${backend === 'process' ? 'child process' : "Redis pool's worker"} cannot poll the caller's shared memory`);
  }
  if (typeof value !== 'number') throw new TypeError(`spin must be a number of milliseconds (0 to ${maxSpinMs}, e.g. 0.1), got ${describe(value)}`);
  if (!(value >= 0 && value <= maxSpinMs)) throw new RangeError(`spin must be a number of milliseconds from 0 to ${maxSpinMs} (e.g. 0.1), got ${value}`);
  return value;
}
