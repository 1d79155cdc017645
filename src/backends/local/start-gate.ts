/**
 * Threads only: one Int32 in shared memory by which the pool stops a worker from starting more
 * chunks before it stops the worker on purpose (an item past its timeout and abortGrace). Without
 * it, a worker that the pool has given up on may finish the chunk it was importing, start the next
 * one and be terminated in the middle of it, or with its results unsent: a healthy item would
 * fail. The worker takes the gate for the few synchronous steps of starting a chunk; the pool
 * closes it only when the worker does not hold it, so that once it is closed, the register's count
 * of started chunks is final.
 */

const open = 0;
/** The worker is starting a chunk. */
const starting = 1;
const closed = 2;
/** The most the pool waits for the worker to finish starting a chunk (it may have died mid-way). */
const closeWaitMs = 50;

export function gateBuffer(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
}

/** The worker side. */
export interface StartGate {
  /** Takes the gate to start a chunk; false if it is closed (post what is finished, then wait). */
  enter(): boolean;
  leave(): void;
  /** Blocks while the gate is closed: the pool either reopens it or terminates the worker. */
  waitWhileClosed(): void;
}

export function workerGate(cell: Int32Array): StartGate {
  return {
    enter: () => Atomics.compareExchange(cell, 0, open, starting) === open,
    // Only from `starting`: a pool that gave up waiting has closed it for good.
    leave: () => void Atomics.compareExchange(cell, 0, starting, open),
    waitWhileClosed() {
      while (Atomics.load(cell, 0) === closed) Atomics.wait(cell, 0, closed);
    },
  };
}

/** The pool side: closes the gate, waiting for a chunk being started to be started. */
export function closeGate(cell: Int32Array): void {
  const deadline = Date.now() + closeWaitMs;
  while (Atomics.compareExchange(cell, 0, open, closed) === starting && Date.now() < deadline);
  Atomics.store(cell, 0, closed);
}

export function reopenGate(cell: Int32Array): void {
  Atomics.store(cell, 0, open);
  Atomics.notify(cell, 0);
}
