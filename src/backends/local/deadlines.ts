/**
 * Per-item time limits, and chunks aborted while they waited in a worker. Items start in the
 * worker, so the clock is the worker's progress register; one timer, set for the earliest
 * deadline, looks at every worker when it fires.
 */
import type { LocalChunk } from './local-chunk.js';
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

  /** Stops workers whose current item has run past its timeout; chunks waiting behind it are checked later. */
  #check(): void {
    this.#timer = undefined;
    this.#checkAt = Infinity;
    const now = Date.now();
    let next = Infinity;
    for (const slot of this.#actions.slots()) {
      if (!slot.alive || slot.chunks.size === 0) continue;
      const running = slot.progress().running;
      const runningChunk = running === undefined ? undefined : slot.chunks.get(running.chunkId);
      for (const chunk of slot.chunks.values()) {
        if (chunk.abandoned) {
          if (chunk === runningChunk) {
            this.#actions.startedAbandoned(slot, chunk);
            break;
          }
          next = Math.min(next, now + abandonedPollMs);
          continue;
        }
        if (chunk.timeout === undefined) continue;
        if (chunk !== runningChunk) {
          next = Math.min(next, now + chunk.timeout);
          continue;
        }
        const deadline = running!.startedAt + chunk.timeout;
        if (now < deadline) {
          next = Math.min(next, deadline);
          continue;
        }
        this.#actions.timedOut(slot, chunk, running!.index);
        break;
      }
    }
    if (next !== Infinity) this.#schedule(next);
  }
}
