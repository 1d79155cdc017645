/**
 * How many chunks go to a worker per message, and how many messages a worker may hold: a pure
 * policy fed by the time workers spend per chunk, so that it can be tested without a worker.
 * Short chunks leave in batches and are pipelined (a worker gets its next batch before it
 * finishes the current one, so it never waits a round trip); longer chunks go one at a time, so
 * that a chunk is never stuck behind a long one on a busy worker while another worker is idle.
 */

/** Chunks shorter than this are worth sending several per message. */
export const shortChunkMs = 2;
/** Chunks shorter than this are pipelined. */
export const pipelineBelowMs = 20;
export const maxBatch = 64;

export class DispatchPolicy {
  /** Moving average of the time workers spend per chunk; undefined until the first result. */
  #chunkMs: number | undefined;

  /** A worker spent `durationMs` on a chunk. */
  record(durationMs: number): void {
    this.#chunkMs = this.#chunkMs === undefined ? durationMs : this.#chunkMs * 0.8 + durationMs * 0.2;
  }

  get averageChunkMs(): number | undefined {
    return this.#chunkMs;
  }

  /** Messages a worker may hold at once: 2 when chunks are short enough to pipeline, else 1. */
  depth(): number {
    return this.#chunkMs !== undefined && this.#chunkMs < pipelineBelowMs ? 2 : 1;
  }

  /**
   * Chunks for the next message to one of `openWorkers` workers, with `queued` chunks waiting:
   * about shortChunkMs of work when pipelining, never more than a fair share of the queue.
   */
  batchSize(queued: number, openWorkers: number): number {
    if (this.depth() === 1) return 1;
    const chunkMs = Math.max(this.#chunkMs ?? shortChunkMs, 0.001);
    const worthSending = Math.max(1, Math.min(maxBatch, Math.floor(shortChunkMs / chunkMs)));
    return Math.min(Math.ceil(queued / openWorkers), worthSending);
  }
}
