/**
 * The size of an elastic group (minWorkers below maxWorkers): workers start on demand, one for
 * each queued chunk no idle worker can take, and those beyond the minimum leave after idleTimeout
 * without work. A fixed group (minWorkers equal to maxWorkers) never grows or shrinks.
 */
import type { WorkerSlot } from './worker-slot.js';

export class ElasticSizing {
  constructor(
    readonly minWorkers: number,
    readonly maxWorkers: number,
    readonly idleTimeout: number,
    /** Chunks a worker runs at once (concurrentTasksPerWorker). */
    readonly lanes = 1,
  ) {}

  get elastic(): boolean {
    return this.minWorkers < this.maxWorkers;
  }

  /** How many workers to start now for `queued` chunks, given the group's current slots. */
  toStart(slots: readonly WorkerSlot[], queued: number): number {
    if (!this.elastic) return 0;
    // Free lanes of the workers there are: a worker that runs one chunk of five takes four more.
    let free = 0;
    for (const slot of slots) if (slot.alive && !slot.stopping) free += Math.max(0, this.lanes - slot.chunks.size);
    return Math.max(0, Math.min(Math.ceil((queued - free) / this.lanes), this.maxWorkers - slots.length));
  }

  /** Starts a worker (spawn) for each queued chunk that no free lane can take, up to the maximum. */
  grow(slots: WorkerSlot[], queued: number, spawn: () => WorkerSlot): void {
    for (let wanted = this.toStart(slots, queued); wanted > 0; wanted--) {
      const slot = spawn();
      slots.push(slot);
      if (slot.spawnError !== undefined) return; // reported as an exit; the start-failure guard decides
    }
  }

  /** Once `slot` has nothing to do: `leave(slot)` after idleTimeout, if it is still idle and beyond the minimum then. */
  armIdleTimer(slot: WorkerSlot, slots: () => readonly WorkerSlot[], leave: (slot: WorkerSlot) => void): void {
    if (!this.elastic || slot.idleTimer !== undefined || slot.stopping) return;
    slot.idleTimer = setTimeout(() => {
      slot.idleTimer = undefined;
      if (!slot.alive || slot.stopping || slot.chunks.size > 0 || slot.broadcasts.size > 0) return;
      if (slots().filter((other) => other.alive && !other.stopping).length <= this.minWorkers) return;
      leave(slot);
    }, this.idleTimeout);
    slot.idleTimer.unref();
  }

  /** After a worker died: whether its place stays empty (nothing waits, and the minimum holds without it). */
  leavesEmpty(slots: number, queued: number): boolean {
    return this.elastic && slots > this.minWorkers && queued === 0;
  }
}
