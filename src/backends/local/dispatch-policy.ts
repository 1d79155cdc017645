/**
 * How many chunks go to a worker per message, and how many messages a worker may hold: a pure
 * policy fed by the time workers spend per chunk, so that it can be tested without a worker.
 * Short chunks leave in batches and are pipelined (a worker gets its next batch before it
 * finishes the current one, so it never waits a round trip); longer chunks go one at a time, so
 * that a chunk is never stuck behind a long one on a busy worker while another worker is idle.
 * A worker that runs several chunks at once (concurrentTasksPerWorker: `lanes`) is kept fed with
 * at least that many: one message per lane for long chunks, messages of at least `lanes` chunks
 * for short ones.
 */

import type { TaskRef } from '../../transport/messages.js';

/** Chunks shorter than this are worth sending several per message. */
export const shortChunkMs = 2;
/** Chunks shorter than this are pipelined. */
export const pipelineBelowMs = 20;
// 256, not 64: a burst of tiny calls then leaves in a quarter of the messages, about a tenth more calls/s
// (A/B on this machine); a batch still holds at most shortChunkMs of measured work.
export const maxBatch = 256;

export class DispatchPolicy {
  /** Moving average of the time workers spend per chunk of #timedTask; undefined until the first result. */
  #chunkMs: number | undefined;
  /**
   * The task whose chunks the average is of. A pool's calls often run other tasks one after the
   * other (a million tiny items, then heavy ones): the next task's chunks must not be batched by
   * the last task's times, or a few large chunks would leave at once for one worker.
   */
  #timedTask: TaskRef | undefined;

  /** `lanes`: chunks a worker runs at once. */
  constructor(readonly lanes = 1) {}

  /** A worker spent `durationMs` on a chunk (of `task`, when known); a chunk of another task starts the average anew. */
  record(durationMs: number, task?: TaskRef): void {
    if (task !== undefined && (this.#timedTask === undefined || !sameTask(task, this.#timedTask))) {
      this.#timedTask = task;
      this.#chunkMs = durationMs;
      return;
    }
    this.#chunkMs = this.#chunkMs === undefined ? durationMs : this.#chunkMs * 0.8 + durationMs * 0.2;
  }

  /** The average for chunks of `next` (the chunk about to leave): undefined for a task not timed last. */
  averageChunkMs(next?: { task: TaskRef }): number | undefined {
    if (next !== undefined && this.#timedTask !== undefined && !sameTask(next.task, this.#timedTask)) return undefined;
    return this.#chunkMs;
  }

  pipelining(next?: { task: TaskRef }): boolean {
    const chunkMs = this.averageChunkMs(next);
    return chunkMs !== undefined && chunkMs < pipelineBelowMs;
  }

  /**
   * Messages a worker may hold at once: one per lane, and 2 when chunks are short enough to
   * pipeline (calls that trickle in leave in messages of one chunk: a lane each, still).
   */
  depth(next?: { task: TaskRef }): number {
    return this.pipelining(next) ? Math.max(2, this.lanes) : this.lanes;
  }

  /**
   * Chunks for the next message to one of `openWorkers` workers, with `queued` chunks waiting:
   * about shortChunkMs of work when pipelining, never more than a fair share of the queue.
   */
  batchSize(queued: number, openWorkers: number, next?: { task: TaskRef }): number {
    if (!this.pipelining(next)) return 1;
    const chunkMs = Math.max(this.#chunkMs ?? shortChunkMs, 0.001);
    const worthSending = Math.max(this.lanes, Math.min(maxBatch, Math.floor(shortChunkMs / chunkMs)));
    return Math.min(Math.ceil(queued / openWorkers), worthSending);
  }
}

/** Whether two references name the same task (compared field by field: a hot path, no key strings). */
function sameTask(a: TaskRef, b: TaskRef): boolean {
  if (a === b) return true;
  if (a.kind === 'module') return b.kind === 'module' && a.module === b.module && a.name === b.name;
  return b.kind === 'inline' && a.hash === b.hash;
}
