/**
 * The layout of a worker's progress register (see ProgressRegister below): five float64
 * slots, [chunk id, item index, started at (ms since the epoch), chunks started, batches
 * received], chunk id -1 when idle. The two counters never go back, so that after a worker died
 * the parent knows which of the chunks it sent had started (those are never run again) and which
 * batch it died receiving. Threads keep it in a SharedArrayBuffer; processes in a small file that
 * parent and child both hold open. Both sides use this file: the worker writes, the parent reads.
 */

/**
 * What the worker is doing, kept where the parent can read it even after the worker died (shared
 * memory for threads, a shared file for processes): which item of which chunk runs, and since
 * when. The parent uses it to fail only the item a crashed worker held, and to time items out.
 */
export interface ProgressRegister {
  /** Before each item; index `loadingTask` while the chunk's task module is being imported. */
  enter(chunkId: number, index: number, startedAt: number): void;
  /** After a batch: the worker is idle. */
  leave(): void;
  /** A message of chunks arrived and was decoded. */
  received(): void;
}

/** The item index recorded while a worker imports or compiles a chunk's task. */
export const loadingTask = -1;
/** The item index recorded while a worker sends finished chunks' results back. */
export const sendingResults = -2;

export const registerBytes = 40;

export interface RunningItem {
  chunkId: number;
  /** Index within the chunk, `loadingTask` (-1) while the task module is imported, `sendingResults` (-2) while results are sent. */
  index: number;
  startedAt: number;
}

/** How far a worker got with what it was sent: the n-th chunk sent to it started iff n < started. */
export interface WorkerProgress {
  running: RunningItem | undefined;
  /** Chunks the worker has started, counted from its first. */
  started: number;
  /** Messages of chunks the worker has received (and decoded), counted from its first. */
  received: number;
}

export function idleRegister(buffer: ArrayBufferLike): Float64Array {
  const slots = new Float64Array(buffer, 0, 5);
  slots.set([-1, -1, -1, 0, 0]);
  return slots;
}

/** The worker side: writes into the array, then lets `flush` publish it (a no-op for shared memory). */
export function arrayRegister(slots: Float64Array, flush: () => void = () => {}): ProgressRegister {
  let lastChunk = -1;
  return {
    enter(chunkId, index, startedAt) {
      if (chunkId !== lastChunk) {
        lastChunk = chunkId;
        slots[3]!++;
      }
      slots[2] = startedAt;
      slots[1] = index;
      slots[0] = chunkId;
      flush();
    },
    leave() {
      slots[0] = -1;
      flush();
    },
    received() {
      slots[4]!++;
      flush();
    },
  };
}

/** The parent side; `refresh` reloads the array first (a no-op for shared memory). */
export function readRegister(slots: Float64Array, refresh: () => void = () => {}): WorkerProgress {
  // The worker may write while we read: read until two passes agree.
  for (;;) {
    refresh();
    const [chunkId, index, startedAt, started, received] = slots as unknown as number[];
    if (slots[0] !== chunkId || slots[1] !== index || slots[2] !== startedAt || slots[3] !== started || slots[4] !== received) continue;
    return { running: chunkId === -1 ? undefined : { chunkId: chunkId!, index: index!, startedAt: startedAt! }, started: started!, received: received! };
  }
}
