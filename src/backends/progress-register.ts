/**
 * The layout of a worker's progress register (see ProgressRegister in runtime.ts): three float64
 * slots, [chunk id, item index, started at (ms since the epoch)], chunk id -1 when idle. Threads
 * keep it in a SharedArrayBuffer; processes in a small file that parent and child both hold open.
 */
import type { ProgressRegister } from './runtime.js';

export const registerBytes = 24;

export interface RunningItem {
  chunkId: number;
  /** Index within the chunk, or `loadingTask` (-1) while the task module is being imported. */
  index: number;
  startedAt: number;
}

export function idleRegister(buffer: ArrayBufferLike): Float64Array {
  return new Float64Array(buffer, 0, 3).fill(-1);
}

/** The worker side: writes into the array, then lets `flush` publish it (a no-op for shared memory). */
export function arrayRegister(slots: Float64Array, flush: () => void = () => {}): ProgressRegister {
  return {
    enter(chunkId, index, startedAt) {
      slots[2] = startedAt;
      slots[1] = index;
      slots[0] = chunkId;
      flush();
    },
    leave() {
      slots[0] = -1;
      flush();
    },
  };
}

/** The parent side; `refresh` reloads the array first (a no-op for shared memory). */
export function readRegister(slots: Float64Array, refresh: () => void = () => {}): RunningItem | undefined {
  // The worker may write while we read: read until two passes agree.
  for (;;) {
    refresh();
    const chunkId = slots[0]!;
    const index = slots[1]!;
    const startedAt = slots[2]!;
    if (chunkId === -1) return undefined;
    if (slots[0] === chunkId && slots[1] === index && slots[2] === startedAt) return { chunkId, index, startedAt };
  }
}
