/**
 * How many items go into each chunk. A chunk is the unit sent to a worker: larger chunks cost
 * fewer messages, smaller ones balance better and deliver results sooner.
 */

export interface ChunkSizer {
  /** Size of the next chunk. */
  next(): number;
  /** Reports how long a worker took for a chunk of `items`. */
  record(items: number, durationMs: number): void;
}

/** Time an adaptive chunk aims to take: long enough to amortise a round trip (~0.1 ms). */
const targetChunkMs = 5;
const maxAdaptiveChunk = 100_000;

/**
 * `chunksize` when the caller gave one; Python's ceil(n / (4 × workers)) when the input's length
 * is known; otherwise an adaptive size that starts at 1 and follows measured task durations.
 */
export function chooseChunkSizer(chunksize: number | undefined, length: number | undefined, workers: number): ChunkSizer {
  if (chunksize !== undefined) return fixedSize(chunksize);
  if (length !== undefined) return fixedSize(Math.max(1, Math.ceil(length / (4 * workers))));
  return adaptiveSize();
}

function fixedSize(size: number): ChunkSizer {
  return { next: () => size, record: () => {} };
}

/** Like joblib's auto batching: grow (at most ×4 a step) or shrink toward the target duration. */
function adaptiveSize(): ChunkSizer {
  let size = 1;
  return {
    next: () => size,
    record(items, durationMs) {
      if (items === 0) return;
      const perItemMs = Math.max(durationMs / items, 1e-6);
      const ideal = Math.floor(targetChunkMs / perItemMs);
      size = Math.max(1, Math.min(maxAdaptiveChunk, ideal, size * 4));
    },
  };
}
