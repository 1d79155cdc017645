/**
 * The pool's figures beyond counts: how busy its workers were and how long work ran and waited.
 * Fed by the backend (BackendObserver.chunkFinished); read by `pool.stats`.
 */
import { DurationRecorder, type DurationSummary } from './duration-summary.js';
import { nowMs } from '../system/clock.js';

export interface PoolMetrics {
  /**
   * Time workers spent running tasks over what they could have spent since the pool was
   * created (workers × elapsed time), from 0 to 1.
   */
  utilization: number;
  /** How long tasks ran in a worker, in ms: one sample per chunk (per call for apply). */
  runTime: DurationSummary;
  /** How long tasks waited besides running (queued, in transit, behind another chunk), in ms. */
  waitTime: DurationSummary;
}

export class MetricsRecorder {
  readonly #runTime = new DurationRecorder();
  readonly #waitTime = new DurationRecorder();
  readonly #startedAt = nowMs();

  /** A chunk finished `totalMs` after its submission, of which its worker ran it for `runMs`. */
  record(totalMs: number, runMs: number): void {
    this.#runTime.record(runMs);
    this.#waitTime.record(totalMs - runMs);
  }

  /** The figures now, for a pool of `capacity` workers. */
  read(capacity: number): PoolMetrics {
    const elapsed = nowMs() - this.#startedAt;
    const possible = capacity * elapsed;
    return {
      utilization: possible > 0 ? Math.min(1, this.#runTime.total / possible) : 0,
      runTime: this.#runTime.summary(),
      waitTime: this.#waitTime.summary(),
    };
  }
}
