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
 * `chunksize` when the caller gave one. For input of known length, guided self-scheduling that
 * starts at Python's ceil(n / (4 × workers)). Otherwise an adaptive size that starts at 1 and
 * follows measured task durations.
 */
export function chooseChunkSizer(chunksize: number | undefined, length: number | undefined, workers: number): ChunkSizer {
  if (chunksize !== undefined) return fixedSize(chunksize);
  if (length !== undefined) return guidedSize(length, workers);
  return adaptiveSize();
}

/**
 * Each chunk takes a quarter of a worker's share of what is left: the first is Python's
 * ceil(n / (4 × workers)), later ones shrink, down to the adaptive size (about targetChunkMs of
 * work). Python's fixed size alone leaves a worker idle for up to a whole chunk at the end (2000
 * tasks of 1 ms on 2 workers: chunks of 250 ms); shrinking chunks end together, while the few
 * large ones at the start keep the number of messages low.
 */
function guidedSize(length: number, workers: number): ChunkSizer {
  const smallest = adaptiveSize();
  let remaining = length;
  return {
    next() {
      const size = Math.max(1, smallest.next(), Math.ceil(remaining / (4 * workers)));
      remaining = Math.max(0, remaining - size);
      return size;
    },
    record: smallest.record,
  };
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
