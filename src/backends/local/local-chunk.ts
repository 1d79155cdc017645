/** A chunk of the local worker group, from queued to settled; its record for crash attribution too. */
import type { ChunkSpec, SubmitOptions } from '../backend.js';
import { PendingChunk } from '../backend-base.js';
import type { ChunkRequest } from '../../transport/messages.js';
import type { Transferable } from '../../transport/transfer.js';
import type { OrphanedChunk } from './crash-attribution.js';
import type { WorkerSlot } from './worker-slot.js';

export class LocalChunk extends PendingChunk implements OrphanedChunk {
  /** What goes over the wire; its id, unique in the group, is how the worker's outcome finds this chunk. */
  readonly request: ChunkRequest;
  /** The worker that has it, once sent; undefined while queued. */
  slot: WorkerSlot | undefined = undefined;
  /** Its position among the chunks and messages sent to its slot's worker (see crash-attribution.ts). */
  ordinal = -1;
  batch = -1;
  deliveryFailures = 0;
  /** Per-item time limit in ms. */
  readonly timeout: number | undefined;
  /** A whole apply call: errors name the task, not "item 0". */
  readonly single: boolean;
  /** Higher leaves the queue first. */
  readonly priority: number;
  /** Aborted after it was sent but before it started: if the worker starts it, the worker is stopped. */
  abandoned = false;

  constructor(
    id: number,
    spec: ChunkSpec,
    readonly transfer: Transferable[],
    options: SubmitOptions | undefined,
    defaultTimeout: number | undefined,
    control: ConstructorParameters<typeof PendingChunk>[1],
  ) {
    super(spec, control);
    const { task, start, items, spread, settle } = spec;
    this.request = { id, task, start, items, spread, settle };
    this.timeout = options?.timeout ?? defaultTimeout;
    if (this.timeout !== undefined || options?.abortable === true) this.request.stoppable = true;
    this.single = options?.single === true;
    this.priority = options?.priority ?? 0;
  }
}
