/**
 * What every backend shares, in the manner of undici's DispatcherBase: the chunks not yet
 * settled, settling each exactly once, the item counters, waiting for idle, shutdown() and
 * terminate(). A backend extends it with only what differs: how a chunk is dispatched, how it is
 * taken back, and how the workers are stopped.
 */
import type { Backend, BackendObserver, BackendStats, BroadcastOutcome, Capabilities, ChunkResult, ChunkSpec, Submission, SubmitOptions } from './backend.js';
import type { TaskRef } from '../transport/messages.js';
import type { Transferable } from '../transport/transfer.js';
import { nowMs } from '../system/clock.js';
import { PendingChunks, type Listed } from './pending-chunks.js';

/** The base's side of withdraw() and abort(), shared by all the chunks of one backend. */
export interface ChunkControl {
  cancel(chunk: PendingChunk, abort: { reason: unknown } | undefined): void;
}

/** A submitted chunk until it settles; it is also the Submission handed back to the API. */
export class PendingChunk implements Submission, Listed {
  readonly promise: Promise<ChunkResult>;
  /** nowMs() when it was submitted, for the pool's wait-time figures. */
  readonly submittedAt = nowMs();
  #settled = false;
  #resolve!: (result: ChunkResult) => void;
  #reject!: (reason: unknown) => void;
  readonly #control: ChunkControl;
  /** Its neighbours among the backend's pending chunks (see pending-chunks.ts). */
  listPrevious: Listed | undefined = undefined;
  listNext: Listed | undefined = undefined;

  constructor(control: ChunkControl) {
    this.#control = control;
    this.promise = new Promise<ChunkResult>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
  }

  get settled(): boolean {
    return this.#settled;
  }

  withdraw(): void {
    if (!this.#settled) this.#control.cancel(this, undefined);
  }

  abort(reason: unknown): void {
    if (!this.#settled) this.#control.cancel(this, { reason });
  }

  /** Settles the promise unless it already is; false if it was. Only BackendBase calls these three. */
  resolveOnce(result: ChunkResult): boolean {
    if (this.#settled) return false;
    this.#settled = true;
    this.#resolve(result);
    return true;
  }

  rejectOnce(reason: unknown): boolean {
    if (this.#settled) return false;
    this.#settled = true;
    this.#reject(reason);
    return true;
  }

  /** Withdrawn: nobody waits for it any more, so the promise is left as it is. */
  dropOnce(): boolean {
    if (this.#settled) return false;
    this.#settled = true;
    return true;
  }
}

/** Workers, busy workers and queued items: the part of stats() that only the backend knows. */
export type WorkerCounts = Pick<BackendStats, 'workers' | 'busy' | 'queued'>;

export abstract class BackendBase<C extends PendingChunk> implements Backend {
  abstract readonly concurrency: number;
  abstract readonly origin: string;
  abstract readonly capabilities: Capabilities;
  /** Every chunk submitted and not settled. */
  readonly #pending = new PendingChunks<C>();
  #completedItems = 0;
  #failedItems = 0;
  #closing = false;
  #onIdle: (() => void) | undefined;
  #stopped: Promise<void> | undefined;
  /** Work was queued since the queue was last empty: the next empty queue is a 'drain'. */
  #drainDue = false;
  /** Work was submitted since the backend was last idle: the next idle moment is an 'idle'. */
  #idleDue = false;
  protected readonly observer: BackendObserver;
  protected readonly chunkControl: ChunkControl = {
    cancel: (chunk, abort) => this.cancel(chunk as C, abort),
  };

  /** Wraps `spec` in the backend's own chunk record (built with `this.chunkControl`). */
  protected abstract createChunk(spec: ChunkSpec, transfer: Transferable[], options: SubmitOptions | undefined): C;
  /** Starts the chunk on its way to a worker; it is pending already. */
  protected abstract dispatch(chunk: C): void;
  /**
   * withdraw() (`abort` undefined) or abort() of a pending chunk: drop it, or stop what runs it.
   * The backend settles it (or, for a chunk a worker has, lets its result come and be ignored).
   */
  protected abstract cancel(chunk: C, abort: { reason: unknown } | undefined): void;
  /** Stops every worker; called once, when the backend is done. `abandoned`: the chunks terminate() failed. */
  protected abstract stopWorkers(abandoned: readonly C[]): Promise<void>;
  protected abstract workerCounts(): WorkerCounts;
  abstract broadcast(task: TaskRef, args: unknown[]): Promise<BroadcastOutcome[]>;

  constructor(observer: BackendObserver) {
    this.observer = observer;
  }

  submit(spec: ChunkSpec, transfer: Transferable[], options?: SubmitOptions): Submission {
    const chunk = this.createChunk(spec, transfer, options);
    this.#pending.add(chunk);
    this.#drainDue = true;
    this.#idleDue = true;
    this.dispatch(chunk);
    return chunk;
  }

  stats(): BackendStats {
    return { ...this.workerCounts(), completed: this.#completedItems, failed: this.#failedItems };
  }

  shutdown(): Promise<void> {
    this.#closing = true;
    if (this.#pending.size === 0) return this.#stop([]);
    return new Promise((resolve) => {
      this.#onIdle = () => resolve(this.#stop([]));
    });
  }

  async terminate(reason: unknown): Promise<void> {
    this.#closing = true;
    const abandoned = [...this.#pending];
    // A shutdown() waiting for idle ends with this stop, which must know the abandoned chunks.
    const shutdownWaiting = this.#onIdle;
    this.#onIdle = undefined;
    for (const chunk of abandoned) this.fail(chunk, reason);
    const stopped = this.#stop(abandoned);
    shutdownWaiting?.();
    await stopped;
  }

  /** Chunks not settled, in the order they were submitted. */
  protected get pending(): Pick<PendingChunks<C>, 'size' | typeof Symbol.iterator> {
    return this.#pending;
  }

  /** shutdown() or terminate() was called: no more work will come once the pending chunks settle. */
  protected get closing(): boolean {
    return this.#closing;
  }

  /** The workers have been told to stop (shutdown or terminate finished waiting). */
  protected get stopped(): boolean {
    return this.#stopped !== undefined;
  }

  /** Settles `chunk` with its result, counting its items; false if it had settled already. */
  protected complete(chunk: C, result: ChunkResult): boolean {
    if (chunk.settled) return false;
    const errors = result.errors;
    if (errors === undefined) {
      this.#completedItems += result.results.length;
    } else {
      this.#failedItems += errors.length;
      // A failed item may hold a slot in `results` (settle, or a result that could not be sent).
      let failedSlots = 0;
      for (const [index] of errors) if (index < result.results.length) failedSlots++;
      this.#completedItems += result.results.length - failedSlots;
    }
    this.observer.chunkFinished(nowMs() - chunk.submittedAt, result.duration);
    chunk.resolveOnce(result);
    this.#settled(chunk);
    return true;
  }

  /** Rejects `chunk` with `reason`, counting `failedItems` items as failed; false if it had settled already. */
  protected fail(chunk: C, reason: unknown, failedItems = 0): boolean {
    if (!chunk.rejectOnce(reason)) return false;
    this.#failedItems += failedItems;
    this.#settled(chunk);
    return true;
  }

  /** Settles a withdrawn chunk without a word: nobody waits for it. */
  protected drop(chunk: C): boolean {
    if (!chunk.dropOnce()) return false;
    this.#settled(chunk);
    return true;
  }

  /** Called whenever a chunk settles. */
  protected onSettled(): void {}

  /** Called whenever the last pending chunk settles. */
  protected onIdle(): void {}

  /** A chunk went back to wait for a worker (its worker died before starting it). */
  protected noteRequeued(): void {
    this.#drainDue = true;
  }

  /** Nothing waits for a worker any more: the pool's 'drain', once per filling of the queue. */
  protected noteDrained(): void {
    if (!this.#drainDue) return;
    this.#drainDue = false;
    this.observer.drained();
  }

  #settled(chunk: C): void {
    this.#pending.delete(chunk);
    this.onSettled();
    if (this.#pending.size > 0) return;
    this.noteDrained();
    if (this.#idleDue) {
      this.#idleDue = false;
      this.observer.idle();
    }
    this.onIdle();
    if (!this.#closing) return;
    const onIdle = this.#onIdle;
    this.#onIdle = undefined;
    onIdle?.();
  }

  #stop(abandoned: readonly C[]): Promise<void> {
    this.#stopped ??= this.stopWorkers(abandoned);
    return this.#stopped;
  }
}
