/**
 * Per-item time limits, and chunks aborted while they waited in a worker. Items start in the
 * worker, so the clock is the worker's progress register (one lane per chunk running at once);
 * one timer, set for the earliest deadline, looks at every worker when it fires.
 */
import type { LocalChunk } from './local-chunk.js';
import { runningItem } from './progress-register.js';
import type { WorkerSlot } from './worker-slot.js';

/** How often to look whether a worker started a chunk that was aborted while waiting in it. */
export const abandonedPollMs = 20;

export interface DeadlineActions {
  /** Every worker of the group, retiring ones included. */
  slots(): Iterable<WorkerSlot>;
  /** `chunk` ran past its timeout on item `index` (within the chunk). */
  timedOut(slot: WorkerSlot, chunk: LocalChunk, index: number): void;
  /** The worker started a chunk that was aborted while it waited there. */
  startedAbandoned(slot: WorkerSlot, chunk: LocalChunk): void;
}

export class Deadlines {
  readonly #actions: DeadlineActions;
  #timer: NodeJS.Timeout | undefined;
  #checkAt = Infinity;

  constructor(actions: DeadlineActions) {
    this.#actions = actions;
  }

  /** Chunks with a timeout were sent: look again `timeout` ms from now at the latest. */
  sent(timeout: number): void {
    this.#schedule(Date.now() + timeout);
  }

  /** A chunk waiting in a worker was aborted: look soon whether the worker started it. */
  abandoned(): void {
    this.#schedule(Date.now() + abandonedPollMs);
  }

  clear(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#checkAt = Infinity;
  }

  #schedule(at: number): void {
    if (at >= this.#checkAt) return;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#checkAt = at;
    this.#timer = setTimeout(() => this.#check(), Math.max(0, at - Date.now()));
    this.#timer.unref();
  }

  /** Acts on every running item past its timeout; chunks waiting behind are checked again later. */
  #check(): void {
    this.#timer = undefined;
    this.#checkAt = Infinity;
    const now = Date.now();
    let next = Infinity;
    for (const slot of this.#actions.slots()) {
      if (!slot.alive || slot.chunks.size === 0) continue;
      const progress = slot.progress();
      // A snapshot: an action may stop the worker (and so empty its chunks).
      for (const chunk of [...slot.chunks.values()]) {
        if (slot.stopping) break;
        // Failed and told to stop already; the group's grace timer decides about its worker.
        if (chunk.cancelled) continue;
        const running = runningItem(progress, chunk.id);
        if (chunk.abandoned) {
          if (running !== undefined) this.#actions.startedAbandoned(slot, chunk);
          else next = Math.min(next, now + abandonedPollMs);
          continue;
        }
        if (chunk.timeout === undefined) continue;
        if (running === undefined) {
          next = Math.min(next, now + chunk.timeout);
          continue;
        }
        const deadline = running.startedAt + chunk.timeout;
        if (now < deadline) next = Math.min(next, deadline);
        else this.#actions.timedOut(slot, chunk, running.index);
      }
    }
    if (next !== Infinity) this.#schedule(next);
  }
}
