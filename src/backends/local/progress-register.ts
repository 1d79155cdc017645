/**
 * The layout of a worker's progress register (see ProgressRegister below): float64 slots
 * [chunks started, batches received, sending results (0 or 1)], then one lane per task the
 * worker may run at once (concurrentTasksPerWorker), each [chunk id, item index, started at (ms
 * since the epoch)], chunk id -1 when the lane is idle. The two counters never go back, so that
 * after a worker died the parent knows which of the chunks it sent had started (those are never
 * run again) and which batch it died receiving. Threads keep it in a SharedArrayBuffer; processes
 * in a small file that parent and child both hold open. Both sides use this file: the worker
 * writes, the parent reads. The worker learns its number of lanes from the register's size.
 */

/**
 * What the worker is doing, kept where the parent can read it even after the worker died (shared
 * memory for threads, a shared file for processes): which items of which chunks run, and since
 * when. The parent uses it to fail only the items a crashed worker held, and to time items out.
 */
export interface ProgressRegister {
  /** How many chunks the worker may run at once. */
  readonly lanes: number;
  /** A chunk starts on `lane` (before its first item, or before its task module is imported). */
  start(lane: number, chunkId: number): void;
  /** Before each item; index `loadingTask` while the chunk's task module is being imported. */
  enter(lane: number, chunkId: number, index: number, startedAt: number): void;
  /** The chunk on `lane` is done: the lane is idle. */
  leave(lane: number): void;
  /** Results are being serialized and sent (true), or that is done (false). */
  sending(on: boolean): void;
  /** A message of chunks arrived and was decoded. */
  received(): void;
}

/** The item index recorded while a worker imports or compiles a chunk's task. */
export const loadingTask = -1;

const header = 3;
const perLane = 3;

export function registerBytes(lanes: number): number {
  return Float64Array.BYTES_PER_ELEMENT * (header + perLane * lanes);
}

/** How many lanes a register of `bytes` bytes has. */
export function lanesIn(bytes: number): number {
  return (bytes / Float64Array.BYTES_PER_ELEMENT - header) / perLane;
}

export interface RunningItem {
  chunkId: number;
  /** Index within the chunk, `loadingTask` (-1) while the task module is imported. */
  index: number;
  startedAt: number;
}

/** How far a worker got with what it was sent: the n-th chunk sent to it started iff n < started. */
export interface WorkerProgress {
  /** The items running now, one per busy lane. */
  running: RunningItem[];
  /** The worker was serializing and sending finished results. */
  sending: boolean;
  /** Chunks the worker has started, counted from its first. */
  started: number;
  /** Messages of chunks the worker has received (and decoded), counted from its first. */
  received: number;
}

export function idleRegister(buffer: ArrayBufferLike): Float64Array {
  const slots = new Float64Array(buffer);
  slots.fill(-1);
  slots.set([0, 0, 0]);
  return slots;
}

/** The worker side: writes into the array, then lets `flush` publish it (a no-op for shared memory). */
export function arrayRegister(slots: Float64Array, flush: () => void = () => {}): ProgressRegister {
  return {
    lanes: lanesIn(slots.byteLength),
    start(lane, chunkId) {
      slots[0]!++;
      slots[header + lane * perLane] = chunkId;
      slots[header + lane * perLane + 1] = 0;
      slots[header + lane * perLane + 2] = Date.now();
      flush();
    },
    enter(lane, chunkId, index, startedAt) {
      const at = header + lane * perLane;
      slots[at + 2] = startedAt;
      slots[at + 1] = index;
      slots[at] = chunkId;
      flush();
    },
    leave(lane) {
      slots[header + lane * perLane] = -1;
      flush();
    },
    sending(on) {
      slots[2] = on ? 1 : 0;
      flush();
    },
    received() {
      slots[1]!++;
      flush();
    },
  };
}

/** The parent side; `refresh` reloads the array first (a no-op for shared memory). */
export function readRegister(slots: Float64Array, refresh: () => void = () => {}): WorkerProgress {
  // The worker may write while we read: read until two passes agree.
  for (;;) {
    refresh();
    const first = Array.from(slots);
    if (!first.every((value, i) => slots[i] === value)) continue;
    const running: RunningItem[] = [];
    for (let at = header; at < first.length; at += perLane) {
      if (first[at] !== -1) running.push({ chunkId: first[at]!, index: first[at + 1]!, startedAt: first[at + 2]! });
    }
    return { running, sending: first[2] === 1, started: first[0]!, received: first[1]! };
  }
}

/** The item of chunk `chunkId` running now, if it runs. */
export function runningItem(progress: WorkerProgress, chunkId: number): RunningItem | undefined {
  return progress.running.find((item) => item.chunkId === chunkId);
}
