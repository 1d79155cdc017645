/**
 * A group of local workers (fixed, or elastic: elastic-sizing.ts) and the queue that feeds them:
 * everything that is the same for threads and processes. BackendBase keeps the pending chunks and
 * the counters; this class dispatches (dispatch-policy.ts), hands the workers' messages and exits
 * on (worker-messages.ts, worker-exits.ts), respawns, and enforces deadlines (deadlines.ts). A
 * concrete backend only supplies a StartWorker (how to start a worker and talk to it).
 */
import { PoolTerminatedError, TaskTimeoutError, WorkerInitError } from '../../errors.js';
import type { TaskRef } from '../../transport/messages.js';
import { dedupe, type Transferable } from '../../transport/transfer.js';
import { PriorityQueue } from './priority-queue.js';
import { unsendableArguments } from '../../transport/unsendable.js';
import type { BackendObserver, BroadcastOutcome, Capabilities, ChunkSpec, SubmitOptions } from '../backend.js';
import { BackendBase, type WorkerCounts } from '../backend-base.js';
import { BusyPoll, pollForReplies } from './busy-poll.js';
import { cancelRunning } from './cancel-grace.js';
import { StartFailureGuard, type ExitDetails } from './crash-attribution.js';
import { Deadlines } from './deadlines.js';
import { DispatchPolicy } from './dispatch-policy.js';
import { ElasticSizing } from './elastic-sizing.js';
import { LocalChunk } from './local-chunk.js';
import { runningItem } from './progress-register.js';
import type { GroupOptions, StartWorker } from './worker-handle.js';
import { settleWorkerExit, type ExitTarget } from './worker-exits.js';
import { handleWorkerMessage, type MessageTarget } from './worker-messages.js';
import { broadcastTo, WorkerSlot, type SlotEvents } from './worker-slot.js';

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
  readonly #queue = new PriorityQueue<LocalChunk>((chunk) => chunk.priority, (chunk) => chunk.items.length);
  readonly #policy: DispatchPolicy;
  readonly #startFailures = new StartFailureGuard();
  readonly #sizing: ElasticSizing;
  readonly #deadlines = new Deadlines({
    slots: () => this.#allSlots(),
    timedOut: (slot, chunk, index) => this.#timedOut(slot, chunk, index),
    startedAbandoned: (slot, chunk) => cancelRunning(slot, chunk, 'abort', this.#options.abortGrace),
  });
  readonly #messageTarget: MessageTarget = {
    record: (durationMs, task) => this.#policy.record(durationMs, task),
    startFailures: this.#startFailures,
    complete: (chunk, outcome) => this.complete(chunk, outcome),
    broken: (error) => this.#break(error),
    idle: (slot) => this.#armIdleTimer(slot),
    emptied: (slot) => {
      if (this.#retired.has(slot)) return slot.stop();
      slot.release();
      if (slot.broadcasts.size === 0) this.#armIdleTimer(slot);
    },
    pump: () => this.#schedulePump(),
  };
  readonly #exitTarget: ExitTarget = {
    observer: this.observer,
    startFailures: this.#startFailures,
    fail: (chunk, error, items) => this.fail(chunk, error, items),
    requeueFirst: (chunk) => {
      this.#queue.unshift(chunk);
      this.noteRequeued();
    },
  };
  readonly #slotEvents: SlotEvents = {
    message: (slot, message) => handleWorkerMessage(this.#messageTarget, slot, message),
    exit: (slot, details) => this.#onExit(slot, details),
    initFailed: (error) => this.#break(new WorkerInitError(error)),
  };
  #nextChunkId = 0;
  #nextWorkerId = 0;
  #nextBroadcastId = 0;
  #pumpScheduled = false;
  readonly #replyPoll = new BusyPoll(); // the spin option's polls for replies (busy-poll.ts)

  constructor(options: GroupOptions, kind: { origin: string; capabilities: Capabilities }, startWorker: StartWorker, observer: BackendObserver) {
    super(observer);
    // Chunks at once: what chunk sizing and map's window count on.
    this.concurrency = options.workers * options.concurrentTasksPerWorker;
    this.origin = kind.origin;
    this.capabilities = kind.capabilities;
    this.#options = options;
    this.#startWorker = startWorker;
    this.#policy = new DispatchPolicy(options.concurrentTasksPerWorker);
    this.#sizing = new ElasticSizing(options.minWorkers, options.workers, options.idleTimeout, options.concurrentTasksPerWorker);
    // A fixed group starts every worker now; an elastic one its minimum, the rest on demand (ElasticSizing.grow).
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
    return broadcastTo(this.#slots, ++this.#nextBroadcastId, task, args);
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
    if (runningItem(slot.progress(), chunk.id) === undefined) {
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
      slot.rejectBroadcasts(() => new PoolTerminatedError());
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
    if (this.#queue.length > 0) return;
    this.noteDrained();
    if (this.#options.spin) pollForReplies(this.#replyPoll, this.#options.spin, { slots: this.#slots, concurrency: this.concurrency, chunkMs: this.#policy.averageChunkMs(), pending: () => this.pending.size });
  }

  /** Hands queued chunks to workers: idle workers first, then pipelines for short chunks. */
  #fillWorkers(): void {
    if (this.#queue.length === 0) return;
    if (!this.closing) this.#sizing.grow(this.#slots, this.#queue.length, () => this.#spawn());
    const live = this.#slots.filter((slot) => slot.alive && !slot.stopping && !slot.cancelling);
    // Sized by the times of the task at the head of the queue: the next to leave.
    const depth = this.#policy.depth(this.#queue.first);
    for (let round = 0; round < depth && this.#queue.length > 0; round++) {
      const open = live.filter((slot) => slot.batchesInFlight <= round);
      // One size for the round: each open worker gets the same share of what waits now.
      const size = this.#policy.batchSize(this.#queue.length, open.length, this.#queue.first);
      for (const slot of open) {
        if (this.#queue.length === 0) return;
        if (slot.stopping) continue; // retired in an earlier round
        this.#send(slot, this.#queue.take(size, this.#allowance(slot)));
      }
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
        this.fail(chunks[0]!, unsendableArguments(chunks[0]!, error, 'a worker'));
        this.#schedulePump();
      }
      return;
    }
    const earliestTimeout = Math.min(...chunks.map((chunk) => chunk.timeout ?? Infinity));
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

  #onExit(slot: WorkerSlot, exit: ExitDetails): void {
    if (!slot.markExited()) return; // a worker declared gone before it exited (see WorkerHandle.stop)
    this.#retired.delete(slot);
    const details = settleWorkerExit(this.#exitTarget, slot, exit);
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
      slot.rejectBroadcasts(() => error);
      slot.stop();
    }
  }

  #timedOut(slot: WorkerSlot, chunk: LocalChunk, index: number): void {
    const position = chunk.start + Math.max(index, 0);
    this.fail(chunk, new TaskTimeoutError(chunk.timeout!, position, chunk.single ? 'The task' : undefined), 1);
    cancelRunning(slot, chunk, 'timeout', this.#options.abortGrace);
  }
}
