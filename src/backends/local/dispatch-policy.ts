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

/** Chunks shorter than this are worth sending several per message. */
export const shortChunkMs = 2;
/** Chunks shorter than this are pipelined. */
export const pipelineBelowMs = 20;
// 256, not 64: a burst of tiny calls then leaves in a quarter of the messages, about a tenth more calls/s
// (A/B on this machine); a batch still holds at most shortChunkMs of measured work.
export const maxBatch = 256;

export class DispatchPolicy {
  /** Moving average of the time workers spend per chunk; undefined until the first result. */
  #chunkMs: number | undefined;

  /** `lanes`: chunks a worker runs at once. */
  constructor(readonly lanes = 1) {}

  /** A worker spent `durationMs` on a chunk. */
  record(durationMs: number): void {
    this.#chunkMs = this.#chunkMs === undefined ? durationMs : this.#chunkMs * 0.8 + durationMs * 0.2;
  }

  get averageChunkMs(): number | undefined {
    return this.#chunkMs;
  }

  get pipelining(): boolean {
    return this.#chunkMs !== undefined && this.#chunkMs < pipelineBelowMs;
  }

  /**
   * Messages a worker may hold at once: one per lane, and 2 when chunks are short enough to
   * pipeline (calls that trickle in leave in messages of one chunk: a lane each, still).
   */
  depth(): number {
    return this.pipelining ? Math.max(2, this.lanes) : this.lanes;
  }

  /**
   * Chunks for the next message to one of `openWorkers` workers, with `queued` chunks waiting:
   * about shortChunkMs of work when pipelining, never more than a fair share of the queue.
   */
  batchSize(queued: number, openWorkers: number): number {
    if (!this.pipelining) return 1;
    const chunkMs = Math.max(this.#chunkMs ?? shortChunkMs, 0.001);
    const worthSending = Math.max(this.lanes, Math.min(maxBatch, Math.floor(shortChunkMs / chunkMs)));
    return Math.min(Math.ceil(queued / openWorkers), worthSending);
  }
}
