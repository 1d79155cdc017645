/**
 * A group of local workers (fixed, or elastic: elastic-sizing.ts) and the queue that feeds them: everything that is the
 * same for threads and processes. BackendBase keeps the pending chunks and the counters; this
 * class dispatches (dispatch-policy.ts), handles the workers' messages and exits
 * (crash-attribution.ts), respawns, and enforces deadlines (deadlines.ts). A concrete backend
 * only supplies a StartWorker (how to start a worker and talk to it).
 */
import { PoolTerminatedError, TaskTimeoutError, WorkerCrashedError, WorkerInitError } from '../../errors.js';
import { unpackOutcomes } from '../../transport/batch-codec.js';
import { deserializeError } from '../../transport/error-codec.js';
import type { FromWorkerMessage, TaskRef } from '../../transport/messages.js';
import { unknownMessage } from '../../transport/messages.js';
import { dedupe, type Transferable } from '../../transport/transfer.js';
import { PriorityQueue } from '../../scheduling/priority-queue.js';
import { unsendableArguments, unsendableValue } from '../../transport/unsendable.js';
import type { BackendObserver, BroadcastOutcome, Capabilities, ChunkSpec, SubmitOptions } from '../backend.js';
import { BackendBase, type WorkerCounts } from '../backend-base.js';
import { cancelRunning } from './cancel-grace.js';
import { orphanFailure, StartFailureGuard, type ExitDetails } from './crash-attribution.js';
import { Deadlines } from './deadlines.js';
import { DispatchPolicy } from './dispatch-policy.js';
import { ElasticSizing } from './elastic-sizing.js';
import { LocalChunk } from './local-chunk.js';
import { loadingTask } from './progress-register.js';
import type { GroupOptions, StartWorker } from './worker-handle.js';
import { WorkerSlot, type SlotEvents } from './worker-slot.js';

export class WorkerGroup extends BackendBase<LocalChunk> {
  readonly concurrency: number;
  readonly origin: string;
  readonly capabilities: Capabilities;
  readonly #startWorker: StartWorker;
  readonly #options: GroupOptions;
  readonly #slots: WorkerSlot[] = [];
  /** Workers leaving: past maxTasksPerWorker, finishing what they hold (already replaced in #slots), or idle past idleTimeout. */
  readonly #retired = new Set<WorkerSlot>();
  /** Set when the pool can run nothing (initializer failed, respawn storm): the error for every task. */
  #broken: Error | undefined;
  readonly #queue = new PriorityQueue<LocalChunk>((chunk) => chunk.priority, itemCount);
  readonly #policy = new DispatchPolicy();
  readonly #startFailures = new StartFailureGuard();
  readonly #sizing: ElasticSizing;
  readonly #deadlines = new Deadlines({
    slots: () => this.#allSlots(),
    timedOut: (slot, chunk, index) => this.#timedOut(slot, chunk, index),
    startedAbandoned: (slot, chunk) => cancelRunning(slot, chunk, 'abort', this.#options.abortGrace),
  });
  readonly #slotEvents: SlotEvents = {
    message: (slot, message) => this.#onMessage(slot, message),
    exit: (slot, details) => this.#onExit(slot, details),
    initFailed: (error) => this.#break(new WorkerInitError(error)),
  };
  #nextChunkId = 0;
  #nextWorkerId = 0;
  #nextBroadcastId = 0;
  #pumpScheduled = false;

  constructor(options: GroupOptions, kind: { origin: string; capabilities: Capabilities }, startWorker: StartWorker, observer: BackendObserver) {
    super(observer);
    this.concurrency = options.workers;
    this.origin = kind.origin;
    this.capabilities = kind.capabilities;
    this.#options = options;
    this.#startWorker = startWorker;
    this.#sizing = new ElasticSizing(options.minWorkers, options.workers, options.idleTimeout);
    // A fixed group starts every worker now; an elastic one its minimum, the rest on demand (#grow).
    for (let i = 0; i < options.minWorkers; i++) {
      const slot = this.#spawn();
      this.#slots.push(slot);
      if (slot.spawnError !== undefined) {
        // The machine cannot start more (EAGAIN, EMFILE): retrying would only make it worse.
        const failure = `Only ${i} of the ${options.workers} workers of the pool could be started`;
        this.#break(new WorkerInitError(slot.spawnError, { failure, advice: 'Create a pool with fewer workers (see docs/backends.md for a ceiling).' }));
        break;
      }
    }
  }

  broadcast(task: TaskRef, args: unknown[]): Promise<BroadcastOutcome[]> {
    if (this.#broken !== undefined) return Promise.reject(this.#broken);
    const id = ++this.#nextBroadcastId;
    const answers = this.#slots
      .filter((slot) => slot.alive && !slot.stopping)
      .map((slot) => {
        try {
          return slot.broadcast(id, task, args);
        } catch (error) {
          return Promise.reject(unsendableValue('The arguments of pool.broadcast() could not be sent to a worker', args, 'arguments', error));
        }
      });
    return Promise.all(answers);
  }

  protected createChunk(spec: ChunkSpec, transfer: Transferable[], options: SubmitOptions | undefined): LocalChunk {
    this.#nextChunkId = (this.#nextChunkId + 1) & 0x7fffffff;
    return new LocalChunk(this.#nextChunkId, spec, transfer, options, this.#options.taskTimeout, this.chunkControl);
  }

  protected dispatch(chunk: LocalChunk): void {
    if (this.#broken !== undefined) {
      this.fail(chunk, this.#broken);
      return;
    }
    this.#queue.push(chunk);
    this.#schedulePump();
  }

  protected cancel(chunk: LocalChunk, abort: { reason: unknown } | undefined): void {
    const slot = chunk.slot;
    if (slot === undefined) {
      this.#queue.remove(chunk);
      if (this.#queue.length === 0) this.noteDrained();
      if (abort === undefined) this.drop(chunk);
      else this.fail(chunk, abort.reason);
      this.#schedulePump();
      return;
    }
    // Withdrawn after a worker got it: it finishes there and its result is ignored.
    if (abort === undefined) return;
    this.fail(chunk, abort.reason);
    if (slot.progress().running?.chunkId !== chunk.request.id) {
      // It waits in the worker behind another chunk, which must not die for it.
      chunk.abandoned = true;
      this.#deadlines.abandoned();
      return;
    }
    // Its taskSignal() aborts; a task that ignores it is stopped with its worker (cancel-grace.ts).
    cancelRunning(slot, chunk, 'abort', this.#options.abortGrace);
  }

  protected workerCounts(): WorkerCounts {
    let workers = 0;
    let busy = 0;
    for (const slot of this.#slots) {
      if (!slot.alive) continue;
      workers++;
      if (slot.chunks.size > 0) busy++;
    }
    for (const slot of this.#retired) if (slot.alive) workers++;
    return { workers, busy, queued: this.#queue.weight };
  }

  protected stopWorkers(): Promise<void> {
    this.#deadlines.clear();
    this.#queue.drain();
    const slots = this.#allSlots();
    for (const slot of slots) {
      // close() waits for a broadcast (a call of the pool's); only terminate() leaves one here.
      slot.rejectBroadcasts(new PoolTerminatedError());
      slot.busy();
      slot.stop();
    }
    return Promise.all(slots.map((slot) => slot.exited)).then(() => undefined);
  }

  #allSlots(): WorkerSlot[] {
    return this.#retired.size === 0 ? this.#slots : [...this.#slots, ...this.#retired];
  }

  #spawn(): WorkerSlot {
    const slot = new WorkerSlot(this.#nextWorkerId++, this.#startWorker, this.#options.initializer, this.#slotEvents);
    if (slot.spawnError === undefined) this.observer.workerStarted(slot.id);
    return slot;
  }

  #schedulePump(): void {
    if (this.#pumpScheduled) return;
    this.#pumpScheduled = true;
    // Deferred so that a burst of synchronous submissions (many apply() calls) leaves in batches.
    queueMicrotask(() => {
      this.#pumpScheduled = false;
      this.#pump();
    });
  }

  #pump(): void {
    this.#fillWorkers();
    if (this.#queue.length === 0) this.noteDrained();
  }

  /** Hands queued chunks to workers: idle workers first, then pipelines for short chunks. */
  #fillWorkers(): void {
    if (this.#queue.length === 0) return;
    this.#grow();
    const live = this.#slots.filter((slot) => slot.alive && !slot.stopping);
    const depth = this.#policy.depth();
    for (let round = 0; round < depth && this.#queue.length > 0; round++) {
      const open = live.filter((slot) => slot.batchesInFlight <= round);
      for (const slot of open) {
        if (this.#queue.length === 0) return;
        if (slot.stopping) continue; // retired in an earlier round
        const size = this.#policy.batchSize(this.#queue.length, open.length);
        this.#send(slot, this.#queue.take(size, this.#allowance(slot)));
      }
    }
  }

  /** Elastic groups: a new worker for each queued chunk that no idle worker can take, up to the maximum. */
  #grow(): void {
    for (let wanted = this.#sizing.toStart(this.#slots, this.#queue.length); wanted > 0 && !this.closing; wanted--) {
      const slot = this.#spawn();
      this.#slots.push(slot);
      if (slot.spawnError !== undefined) return; // reported as an exit; the start-failure guard decides
    }
  }

  /** Elastic groups: a worker beyond the minimum that stays idle for idleTimeout exits. */
  #armIdleTimer(slot: WorkerSlot): void {
    this.#sizing.armIdleTimer(slot, () => this.#slots, (idle) => {
      // Counted as retired until it has exited, so that stats and shutdown still see it.
      this.#slots.splice(this.#slots.indexOf(idle), 1);
      this.#retired.add(idle);
      idle.stop();
    });
  }

  /** Items this worker may still be sent under maxTasksPerWorker (at least one chunk goes, whatever its size). */
  #allowance(slot: WorkerSlot): number {
    const maxTasks = this.#options.maxTasksPerWorker;
    return maxTasks === undefined ? Infinity : Math.max(1, maxTasks - slot.itemsSent);
  }

  #send(slot: WorkerSlot, chunks: LocalChunk[]): void {
    try {
      slot.send(chunks, dedupe(chunks.flatMap((chunk) => chunk.transfer)));
    } catch (error) {
      // Nothing was sent: a value failed to serialize (not cloneable, or a getter that threw).
      if (chunks.length > 1) for (const chunk of chunks) this.#send(slot, [chunk]);
      else {
        this.fail(chunks[0]!, unsendableArguments(chunks[0]!.request, error, 'a worker'));
        this.#schedulePump();
      }
      return;
    }
    let earliestTimeout = Infinity;
    for (const chunk of chunks) if (chunk.timeout !== undefined) earliestTimeout = Math.min(earliestTimeout, chunk.timeout);
    if (earliestTimeout !== Infinity) this.#deadlines.sent(earliestTimeout);
    const maxTasks = this.#options.maxTasksPerWorker;
    if (maxTasks !== undefined && slot.itemsSent >= maxTasks) this.#retire(slot);
  }

  /** maxTasksPerWorker: the replacement starts now, while the old worker finishes what it holds. */
  #retire(slot: WorkerSlot): void {
    this.#retired.add(slot);
    this.#slots[this.#slots.indexOf(slot)] = this.#spawn();
    slot.retire();
  }

  #onMessage(slot: WorkerSlot, message: FromWorkerMessage): void {
    switch (message.type) {
      case 'ready':
        slot.ready = true;
        return;
      case 'initFailed':
        this.#break(new WorkerInitError(deserializeError(message.error)));
        return;
      case 'fatal':
        slot.lastWords = deserializeError(message.error);
        return;
      case 'emit': {
        const chunk = slot.chunks.get(message.chunkId);
        // A chunk already settled (aborted, timed out) has nobody listening any more.
        if (chunk !== undefined && !chunk.abandoned && !chunk.settled) chunk.onEmit?.(message.index, message.data);
        return;
      }
      case 'broadcastDone':
        slot.answered(message.id, message.error === undefined ? { result: message.result } : { error: message.error });
        if (slot.chunks.size === 0 && slot.broadcasts.size === 0) this.#armIdleTimer(slot);
        return;
      case 'outcomes':
        if (message.batchDone) slot.batchesInFlight--;
        this.#startFailures.succeeded();
        for (const outcome of unpackOutcomes(message.outcomes)) {
          this.#policy.record(outcome.duration);
          const chunk = slot.chunks.get(outcome.id);
          if (chunk === undefined) continue; // aborted or terminated while running: already settled
          slot.chunks.delete(outcome.id);
          if (!chunk.abandoned) this.complete(chunk, outcome);
        }
        if (slot.chunks.size === 0) {
          if (this.#retired.has(slot)) slot.stop();
          else {
            slot.release();
            if (slot.broadcasts.size === 0) this.#armIdleTimer(slot);
          }
        }
        this.#schedulePump();
        return;
      default:
        unknownMessage(message);
    }
  }

  #onExit(slot: WorkerSlot, exit: ExitDetails): void {
    if (!slot.markExited()) return; // a worker declared gone before it exited (see WorkerHandle.stop)
    this.#retired.delete(slot);
    if (exit.spawnError === undefined) this.observer.workerExited({ id: slot.id, exitCode: exit.exitCode, signal: exit.signal, crashed: !slot.stopping });
    slot.busy();
    slot.rejectBroadcasts(new WorkerCrashedError({ exitCode: exit.exitCode, signal: exit.signal, items: [], single: true, reason: 'during pool.broadcast()' }, { cause: exit.error ?? slot.lastWords }));
    const details = { ...exit, error: exit.error ?? slot.lastWords };
    const progress = slot.progress();
    this.#startFailures.exited(!slot.stopping && (!slot.ready || progress.running?.index === loadingTask));
    const orphans = [...slot.chunks.values()];
    slot.chunks.clear();
    const requeued: LocalChunk[] = [];
    for (const chunk of orphans) {
      // Aborted or timed out while it waited in this worker: already settled, never queued again.
      if (chunk.settled) continue;
      const failure = orphanFailure(chunk, progress, details, !slot.stopping && slot.ready);
      if (failure === undefined) requeued.push(chunk);
      else this.fail(chunk, failure, failure instanceof WorkerCrashedError ? failure.items.length : 1);
    }
    // Never started on this worker: back to the front of the queue, in the order they were sent.
    for (const chunk of requeued.reverse()) {
      chunk.slot = undefined;
      this.#queue.unshift(chunk);
      this.noteRequeued();
    }
    if (this.#broken !== undefined || (this.closing && this.pending.size === 0)) return;
    const index = this.#slots.indexOf(slot);
    if (index === -1) {
      this.#schedulePump();
      return; // a retired worker: its replacement already runs
    }
    const verdict = this.#startFailures.verdict(details);
    if (verdict !== undefined) {
      this.#break(verdict);
      return;
    }
    if (this.#sizing.leavesEmpty(this.#slots.length, this.#queue.length)) {
      // Nothing waits and the minimum is kept without it: a later chunk starts a worker on demand.
      this.#slots.splice(index, 1);
      return;
    }
    this.#slots[index] = this.#spawn();
    this.#schedulePump();
  }

  /** The pool can run nothing more: every pending and future task fails with `error`. */
  #break(error: Error): void {
    if (this.#broken !== undefined) return;
    this.#broken = error;
    this.#queue.drain();
    for (const chunk of [...this.pending]) this.fail(chunk, error);
    for (const slot of this.#allSlots()) {
      slot.chunks.clear();
      slot.rejectBroadcasts(error);
      slot.stop();
    }
  }

  #timedOut(slot: WorkerSlot, chunk: LocalChunk, index: number): void {
    const position = chunk.request.start + Math.max(index, 0);
    this.fail(chunk, new TaskTimeoutError(chunk.timeout!, position, chunk.single ? 'The task' : undefined), 1);
    cancelRunning(slot, chunk, 'timeout', this.#options.abortGrace);
  }
}

function itemCount(chunk: LocalChunk): number {
  return chunk.request.items.length;
}
