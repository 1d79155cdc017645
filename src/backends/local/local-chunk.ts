/**
 * A chunk of the local worker group, from queued to settled; its record for crash attribution
 * too. It is also what goes over the wire (a ChunkRequest, packed by batch-codec.ts): a burst of
 * tiny apply() calls keeps many thousands queued at once, so one object per chunk, not three.
 */
import type { ChunkSpec, SubmitOptions } from '../backend.js';
import { PendingChunk, type ChunkControl } from '../backend-base.js';
import type { ChunkRequest, TaskRef } from '../../transport/messages.js';
import type { Transferable } from '../../transport/transfer.js';
import type { OrphanedChunk } from './crash-attribution.js';
import type { WorkerSlot } from './worker-slot.js';

export class LocalChunk extends PendingChunk implements ChunkRequest, OrphanedChunk {
  /** Unique in the group: how the worker's outcome finds this chunk. */
  readonly id: number;
  readonly task: TaskRef;
  readonly start: number;
  readonly items: unknown[];
  readonly spread: boolean;
  readonly settle: boolean;
  /** The worker that has it, once sent; undefined while queued. */
  slot: WorkerSlot | undefined = undefined;
  /** Its position among the chunks and messages sent to its slot's worker (see crash-attribution.ts). */
  ordinal = -1;
  batch = -1;
  deliveryFailures = 0;
  /** Per-item time limit in ms. */
  readonly timeout: number | undefined;
  /** Kept as given: every plain apply() shares one, so the flags below cost a chunk nothing. */
  readonly #options: SubmitOptions | undefined;
  /** Aborted after it was sent but before it started: if the worker starts it, the worker is stopped. */
  abandoned = false;
  /** Failed while it ran (timeout, abort) and told to stop: its worker is kept if it does within abortGrace. */
  cancelled = false;

  constructor(
    id: number,
    spec: ChunkSpec,
    readonly transfer: Transferable[],
    options: SubmitOptions | undefined,
    defaultTimeout: number | undefined,
    control: ChunkControl,
  ) {
    super(control);
    this.id = id;
    this.task = spec.task;
    this.start = spec.start;
    this.items = spec.items;
    this.spread = spec.spread;
    this.settle = spec.settle;
    this.timeout = options?.timeout ?? defaultTimeout;
    this.#options = options;
  }

  /** It has a timeout or can be aborted (see ChunkRequest.stoppable). */
  get stoppable(): boolean {
    return this.timeout !== undefined || this.#options?.abortable === true;
  }

  /** Its call listens to emit() (see ChunkRequest.emits). */
  get emits(): boolean {
    return this.#options?.onEmit !== undefined;
  }

  /** The call's emit listener (see SubmitOptions.onEmit). */
  get onEmit(): ((index: number, data: unknown) => void) | undefined {
    return this.#options?.onEmit;
  }

  /** A whole apply call: errors name the task, not "item 0". */
  get single(): boolean {
    return this.#options?.single === true;
  }

  /** Higher leaves the queue first. */
  get priority(): number {
    return this.#options?.priority ?? 0;
  }
}
