/**
 * One place in the worker group and the worker that fills it: starting it (and its first
 * message, the initializer), what it has been sent, and the one way to stop it.
 */
import type { BroadcastOutcome } from '../backend.js';
import { packChunks } from '../../transport/batch-codec.js';
import type { TaskRef } from '../../transport/messages.js';
import type { FromWorkerMessage } from '../../transport/messages.js';
import type { Transferable } from '../../transport/transfer.js';
import { unsendableValue } from '../../transport/unsendable.js';
import { InlineSourceCache } from './inline-cache.js';
import type { LocalChunk } from './local-chunk.js';
import type { WorkerProgress } from './progress-register.js';
import { notStarted, type ExitDetails, type GroupOptions, type StartWorker, type WorkerHandle } from './worker-handle.js';

export interface SlotEvents {
  message(slot: WorkerSlot, message: FromWorkerMessage): void;
  exit(slot: WorkerSlot, details: ExitDetails): void;
  /** The initializer is an inline function whose source could not be parsed. */
  initFailed(error: unknown): void;
}

export class WorkerSlot {
  /** Its number in the group, as the pool's workerstart and workerexit events report it. */
  readonly id: number;
  readonly handle: WorkerHandle;
  /** Chunks sent to this worker and not settled or dropped, by chunk id, in the order sent. */
  readonly chunks = new Map<number, LocalChunk>();
  readonly inline = new InlineSourceCache();
  batchesInFlight = 0;
  alive = true;
  /** Set once the worker has said it is ready; a worker that dies before is a failed start. */
  ready = false;
  /** Set when we stop the worker on purpose (or retire it), so its exit is not taken for a crash. */
  stopping = false;
  /** Items sent to this worker, counted against maxTasksPerWorker. */
  itemsSent = 0;
  chunksSent = 0;
  batchesSent = 0;
  /** The uncaught error a child process reported just before dying. */
  lastWords: unknown;
  /** pool.broadcast() calls this worker has not answered, by id. */
  readonly broadcasts = new Map<number, { resolve(outcome: BroadcastOutcome): void; reject(reason: unknown): void }>();
  /** Elastic groups: the timer that lets this worker go once it has been idle for idleTimeout. */
  idleTimer: NodeJS.Timeout | undefined;
  /** Why the worker could not be started, when starting it threw at once. */
  readonly spawnError: unknown;
  readonly exited: Promise<void>;
  #markExited!: () => void;
  #stopSent = false;

  constructor(id: number, startWorker: StartWorker, initializer: GroupOptions['initializer'], events: SlotEvents) {
    this.id = id;
    this.exited = new Promise<void>((resolve) => {
      this.#markExited = resolve;
    });
    let handle: WorkerHandle;
    try {
      handle = startWorker({
        message: (message) => events.message(this, message),
        exit: (details) => events.exit(this, details),
      });
    } catch (error) {
      // Out of threads, processes or file descriptors: a failed start, reported like an exit.
      this.handle = notStarted;
      this.spawnError = error;
      queueMicrotask(() => events.exit(this, { exitCode: null, signal: null, error, spawnError: error }));
      return;
    }
    this.handle = handle;
    this.#sendInit(initializer, events);
    handle.unref();
  }

  /**
   * A chunk of it was failed while it ran and told to stop (cancel-grace.ts): the worker may be
   * stopped soon, so it takes no new work, which would die with it, until then.
   */
  get cancelling(): boolean {
    for (const chunk of this.chunks.values()) if (chunk.cancelled) return true;
    return false;
  }

  progress(): WorkerProgress {
    return this.handle.progress();
  }

  /** Hands chunks to the worker as one message; throws, having recorded nothing, if it could not be sent. */
  send(chunks: LocalChunk[], transfer: Transferable[]): void {
    const added: string[] = [];
    try {
      const packed = packChunks(chunks, (task) => this.inline.forWorker(task, added));
      this.handle.send({ type: 'run', chunks: packed }, transfer);
    } catch (error) {
      this.inline.forget(added);
      throw error;
    }
    const batch = this.batchesSent++;
    for (const chunk of chunks) {
      chunk.slot = this;
      chunk.ordinal = this.chunksSent++;
      chunk.batch = batch;
      this.chunks.set(chunk.id, chunk);
      this.itemsSent += chunk.items.length;
    }
    this.batchesInFlight++;
    this.busy();
    this.handle.ref();
  }

  /** The worker holds nothing more: it no longer keeps the process alive (one being stopped does until it exits). */
  release(): void {
    if (!this.stopping && this.chunks.size === 0 && this.broadcasts.size === 0) this.handle.unref();
  }

  /** Sends a broadcast; its answer settles the returned promise (see WorkerGroup). Throws if it cannot be sent. */
  broadcast(id: number, task: TaskRef, args: unknown[]): Promise<BroadcastOutcome> {
    this.handle.send({ type: 'broadcast', id, task, args }, []);
    this.handle.ref();
    return new Promise((resolve, reject) => this.broadcasts.set(id, { resolve, reject }));
  }

  /** The answer to broadcast `id`. */
  answered(id: number, outcome: BroadcastOutcome): void {
    const pending = this.broadcasts.get(id);
    if (pending === undefined) return;
    this.broadcasts.delete(id);
    pending.resolve(outcome);
    this.release();
  }

  /**
   * Fails every broadcast this worker has not answered with the error `reason` makes: made only
   * when one is waiting, since most exits (every terminate()) have none and an error's stack is
   * not free.
   */
  rejectBroadcasts(reason: () => unknown): void {
    if (this.broadcasts.size === 0) return;
    const error = reason();
    for (const pending of this.broadcasts.values()) pending.reject(error);
    this.broadcasts.clear();
  }

  /** Elastic groups: clears the idle timer (the worker got work, or is being stopped). */
  busy(): void {
    if (this.idleTimer === undefined) return;
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  /** Takes no more work; stops once what it holds is done (maxTasksPerWorker). */
  retire(): void {
    this.stopping = true;
    if (this.chunks.size === 0) this.stop();
  }

  /** The one way a worker is stopped: on purpose (its exit is no crash), once, held until it exits. */
  stop(): void {
    this.stopping = true;
    if (!this.alive || this.#stopSent) return;
    this.#stopSent = true;
    void this.handle.stop();
  }

  /** Its exit was reported; false if it was already (a worker declared gone before it exited). */
  markExited(): boolean {
    if (!this.alive) return false;
    this.alive = false;
    this.#markExited();
    return true;
  }

  /** The first message to a worker; chunks sent before it wait in the worker until it is done. */
  #sendInit(initializer: GroupOptions['initializer'], events: SlotEvents): void {
    if (!(initializer?.task instanceof Promise)) {
      this.handle.send({ type: 'init', initializer: initializer as { task: TaskRef; args: unknown[] } | undefined }, []);
      return;
    }
    initializer.task.then(
      (task) => {
        if (this.alive) this.handle.send({ type: 'init', initializer: { task, args: initializer.args } }, []);
      },
      (error: unknown) => events.initFailed(error),
    );
  }
}

/** pool.broadcast(): sends `task(...args)` to every live worker; resolves to their answers, in order. */
export function broadcastTo(slots: readonly WorkerSlot[], id: number, task: TaskRef, args: unknown[]): Promise<BroadcastOutcome[]> {
  const answers = slots
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
