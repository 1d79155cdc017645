/**
 * What becomes of a worker's work when it exits: its broadcasts fail, the chunks it had started
 * fail (crash-attribution.ts says how), and those it had not started go back to the queue. The
 * group then decides whether to replace the worker.
 */
import { WorkerCrashedError } from '../../errors.js';
import type { BackendObserver } from '../backend.js';
import { orphanFailure, type ExitDetails, type StartFailureGuard } from './crash-attribution.js';
import type { LocalChunk } from './local-chunk.js';
import { loadingTask } from './progress-register.js';
import type { WorkerSlot } from './worker-slot.js';

export interface ExitTarget {
  readonly observer: BackendObserver;
  readonly startFailures: StartFailureGuard;
  /** Fails a chunk; `items`: how many of its items the failure names. */
  fail(chunk: LocalChunk, error: Error, items: number): void;
  /** Puts a chunk back at the front of the queue. */
  requeueFirst(chunk: LocalChunk): void;
}

/** Settles what `slot`'s worker held; returns the exit with its cause filled in, for the respawn decision. */
export function settleWorkerExit(target: ExitTarget, slot: WorkerSlot, exit: ExitDetails): ExitDetails {
  if (exit.spawnError === undefined) target.observer.workerExited({ id: slot.id, exitCode: exit.exitCode, signal: exit.signal, crashed: !slot.stopping });
  slot.busy();
  const details = { ...exit, error: exit.error ?? slot.lastWords };
  slot.rejectBroadcasts(() => new WorkerCrashedError({ exitCode: exit.exitCode, signal: exit.signal, items: [], single: true, reason: 'during pool.broadcast()' }, { cause: details.error }));
  const progress = slot.progress();
  target.startFailures.exited(!slot.stopping && (!slot.ready || progress.running.some((item) => item.index === loadingTask)));
  const orphans = [...slot.chunks.values()];
  slot.chunks.clear();
  const requeued: LocalChunk[] = [];
  for (const chunk of orphans) {
    // Aborted or timed out while it waited in this worker: already settled, never queued again.
    if (chunk.settled) continue;
    const failure = orphanFailure(chunk, progress, details, !slot.stopping && slot.ready);
    if (failure === undefined) requeued.push(chunk);
    else target.fail(chunk, failure, failure instanceof WorkerCrashedError ? failure.items.length : 1);
  }
  // Never started on this worker: back to the front of the queue, in the order they were sent.
  for (const chunk of requeued.reverse()) {
    chunk.slot = undefined;
    target.requeueFirst(chunk);
  }
  return details;
}
