/**
 * A fixed-size group of local workers and the queue that feeds them. It owns everything that is
 * the same for threads and processes: dispatch, batching, crash handling, respawn and shutdown.
 * A concrete backend only supplies `Connection`s (how to start a worker and talk to it).
 */
import { TaskSerializationError, WorkerCrashedError } from '../errors.js';
import { findUncloneable } from '../transport/clone-check.js';
import type { ChunkOutcome, ChunkRequest, FromWorkerMessage, TaskRef, ToWorkerMessage } from '../transport/messages.js';
import { unknownMessage } from '../transport/messages.js';
import type { Backend, BackendStats, Submission } from './backend.js';
import { dedupe } from './runtime.js';
import type { Transferable } from '../transport/transfer.js';

export interface ExitDetails {
  exitCode: number | null;
  signal: string | null;
  /** The uncaught error that ended the worker, when there was one. */
  error: unknown;
}

export interface ConnectionEvents {
  message(message: FromWorkerMessage): void;
  exit(details: ExitDetails): void;
}

/** One running worker, as the group sees it. */
export interface Connection {
  /** Throws (DataCloneError) when the message cannot be copied. */
  send(message: ToWorkerMessage, transfer: Transferable[]): void;
  /** The chunk and item the worker was running, readable after it died. */
  runningItem(): { chunkId: number; index: number } | undefined;
  /** Stops the worker now; `exit` follows. */
  stop(): Promise<void>;
  /** Whether this worker keeps the parent process alive. */
  ref(): void;
  unref(): void;
}

export type ConnectionFactory = (events: ConnectionEvents) => Connection;

type JobState = 'queued' | 'sent' | 'settled';

interface Job {
  chunk: ChunkRequest;
  transfer: Transferable[];
  state: JobState;
  slot: Slot | undefined;
  resolve(outcome: ChunkOutcome): void;
  reject(reason: unknown): void;
}

interface Slot {
  connection: Connection;
  /** Jobs sent to this worker and not settled, by chunk id, in the order sent. */
  jobs: Map<number, Job>;
  batchesInFlight: number;
  /** Hashes of the inline sources this worker has received. */
  sentInline: Set<string>;
  alive: boolean;
  /** Set once the worker has said it is ready; a worker that dies before is a failed start. */
  ready: boolean;
  /** Set when we stop the worker on purpose, so its exit is not taken for a crash. */
  stopping: boolean;
  exited: Promise<void>;
  markExited(): void;
}

/** Chunks shorter than this are worth sending in batches and pipelining. */
const shortChunkMs = 2;
const maxBatch = 64;
/** Workers that exit before they are ready, in a row, before the group stops respawning. */
const maxStartFailures = 5;

export class WorkerGroup implements Backend {
  readonly concurrency: number;
  readonly origin: string;
  readonly sharesMemory: boolean;
  readonly #createConnection: ConnectionFactory;
  readonly #slots: Slot[] = [];
  readonly #queue: Job[] = [];
  #nextChunkId = 0;
  /** Moving average of the time workers spend per chunk; undefined until the first outcome. */
  #chunkMs: number | undefined;
  #startFailures = 0;
  #completedItems = 0;
  #failedItems = 0;
  #pumpScheduled = false;
  #closing = false;
  #stopped: Promise<void> | undefined;

  constructor(size: number, kind: { origin: string; sharesMemory: boolean }, createConnection: ConnectionFactory) {
    this.concurrency = size;
    this.origin = kind.origin;
    this.sharesMemory = kind.sharesMemory;
    this.#createConnection = createConnection;
    for (let i = 0; i < size; i++) this.#slots.push(this.#spawn());
  }

  submit(request: Omit<ChunkRequest, 'id'>, transfer: Transferable[]): Submission {
    let resolve!: (outcome: ChunkOutcome) => void;
    let reject!: (reason: unknown) => void;
    const promise = new Promise<ChunkOutcome>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    this.#nextChunkId = (this.#nextChunkId + 1) & 0x7fffffff;
    const job: Job = { chunk: { ...request, id: this.#nextChunkId }, transfer, state: 'queued', slot: undefined, resolve, reject };
    this.#queue.push(job);
    this.#schedulePump();
    return {
      promise,
      withdraw: () => this.#withdraw(job),
      abort: (reason) => this.#abort(job, reason),
    };
  }

  stats(): BackendStats {
    const live = this.#slots.filter((slot) => slot.alive);
    return {
      workers: live.length,
      busy: live.filter((slot) => slot.jobs.size > 0).length,
      queued: this.#queue.reduce((items, job) => items + job.chunk.items.length, 0),
      completed: this.#completedItems,
      failed: this.#failedItems,
    };
  }

  shutdown(): Promise<void> {
    this.#closing = true;
    if (this.#idle()) return this.#stopAll();
    return new Promise((resolve) => {
      this.#onIdle = () => resolve(this.#stopAll());
    });
  }

  async terminate(reason: unknown): Promise<void> {
    this.#closing = true;
    for (const job of this.#queue.splice(0)) this.#settle(job, () => job.reject(reason));
    for (const slot of this.#slots) {
      for (const job of slot.jobs.values()) this.#settle(job, () => job.reject(reason));
      slot.jobs.clear();
    }
    await this.#stopAll();
  }

  #onIdle: (() => void) | undefined;

  #idle(): boolean {
    return this.#queue.length === 0 && this.#slots.every((slot) => slot.jobs.size === 0);
  }

  #stopAll(): Promise<void> {
    this.#stopped ??= Promise.all(
      this.#slots.map((slot) => {
        slot.stopping = true;
        if (slot.alive) void slot.connection.stop();
        return slot.exited;
      }),
    ).then(() => undefined);
    return this.#stopped;
  }

  #spawn(): Slot {
    let markExited!: () => void;
    const exited = new Promise<void>((resolve) => {
      markExited = resolve;
    });
    const slot: Slot = {
      connection: undefined as unknown as Connection,
      jobs: new Map(),
      batchesInFlight: 0,
      sentInline: new Set(),
      alive: true,
      ready: false,
      stopping: false,
      exited,
      markExited,
    };
    slot.connection = this.#createConnection({
      message: (message) => this.#onMessage(slot, message),
      exit: (details) => this.#onExit(slot, details),
    });
    slot.connection.unref();
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

  /** Hands queued chunks to workers: idle workers first, then pipelines for short chunks. */
  #pump(): void {
    if (this.#queue.length === 0) return;
    const live = this.#slots.filter((slot) => slot.alive && !slot.stopping);
    const pipelined = this.#chunkMs !== undefined && this.#chunkMs < shortChunkMs;
    const depth = pipelined ? 2 : 1;
    for (let round = 0; round < depth && this.#queue.length > 0; round++) {
      const open = live.filter((slot) => slot.batchesInFlight <= round);
      for (const slot of open) {
        if (this.#queue.length === 0) return;
        const fairShare = Math.ceil(this.#queue.length / open.length);
        const size = pipelined ? Math.min(fairShare, this.#batchSize()) : 1;
        this.#send(slot, this.#queue.splice(0, size));
      }
    }
  }

  /** Enough chunks to keep a worker busy for about shortChunkMs per message. */
  #batchSize(): number {
    const chunkMs = Math.max(this.#chunkMs ?? shortChunkMs, 0.001);
    return Math.max(1, Math.min(maxBatch, Math.floor(shortChunkMs / chunkMs)));
  }

  #send(slot: Slot, jobs: Job[]): void {
    const newInline: string[] = [];
    const chunks = jobs.map((job) => this.#chunkFor(slot, job.chunk, newInline));
    const transfer = dedupe(jobs.flatMap((job) => job.transfer));
    try {
      slot.connection.send({ type: 'run', chunks }, transfer);
    } catch (error) {
      for (const hash of newInline) slot.sentInline.delete(hash);
      if (jobs.length > 1) for (const job of jobs) this.#send(slot, [job]);
      else this.#rejectUnsendable(jobs[0]!, error);
      return;
    }
    for (const job of jobs) {
      job.state = 'sent';
      job.slot = slot;
      slot.jobs.set(job.chunk.id, job);
    }
    slot.batchesInFlight++;
    slot.connection.ref();
  }

  /** Sends an inline function's source only to workers that have not compiled it yet. */
  #chunkFor(slot: Slot, chunk: ChunkRequest, newInline: string[]): ChunkRequest {
    const task = chunk.task;
    if (task.kind !== 'inline') return chunk;
    if (!slot.sentInline.has(task.hash)) {
      slot.sentInline.add(task.hash);
      newInline.push(task.hash);
      return chunk;
    }
    return { ...chunk, task: withoutSource(task) };
  }

  #rejectUnsendable(job: Job, error: unknown): void {
    const { items, spread, start } = job.chunk;
    let message = `The arguments could not be sent to a worker: ${error instanceof Error ? error.message : String(error)}`;
    let index: number | undefined;
    for (let i = 0; i < items.length; i++) {
      const culprit = findUncloneable(items[i], spread ? 'arguments' : 'item');
      if (culprit === undefined) continue;
      index = start + i;
      message =
        `Item ${index} cannot be sent to a worker: ${culprit.path} is ${culprit.type}, which structured clone cannot copy. ` +
        'Pass plain data (objects, arrays, strings, numbers, typed arrays, Map, Set, Date), or create the value inside the task.';
      break;
    }
    this.#settle(job, () => job.reject(new TaskSerializationError(message, index, { cause: error })));
  }

  #onMessage(slot: Slot, message: FromWorkerMessage): void {
    switch (message.type) {
      case 'ready':
        slot.ready = true;
        this.#startFailures = 0;
        return;
      case 'outcomes':
        slot.batchesInFlight--;
        for (const outcome of message.outcomes) {
          this.#chunkMs = this.#chunkMs === undefined ? outcome.duration : this.#chunkMs * 0.8 + outcome.duration * 0.2;
          const job = slot.jobs.get(outcome.id);
          if (job === undefined) continue; // aborted or terminated while running: already settled
          slot.jobs.delete(outcome.id);
          const failures = outcome.errors?.length ?? 0;
          this.#failedItems += failures;
          this.#completedItems += outcome.results.length - (job.chunk.settle ? failures : 0);
          this.#settle(job, () => job.resolve(outcome));
        }
        if (slot.jobs.size === 0) slot.connection.unref();
        this.#afterProgress();
        return;
      default:
        unknownMessage(message);
    }
  }

  #onExit(slot: Slot, details: ExitDetails): void {
    slot.alive = false;
    slot.markExited();
    if (!slot.ready && !slot.stopping) this.#startFailures++;
    const running = slot.connection.runningItem();
    const orphans = [...slot.jobs.values()];
    slot.jobs.clear();
    for (const job of orphans.reverse()) {
      if (running !== undefined && job.chunk.id === running.chunkId) {
        const items = [job.chunk.start + running.index];
        const reason = describeExit(details);
        this.#failedItems++;
        this.#settle(job, () => job.reject(new WorkerCrashedError({ ...details, items, ...(reason && { reason }) }, { cause: details.error })));
      } else {
        // It never started on this worker: it goes back to the front of the queue.
        job.state = 'queued';
        job.slot = undefined;
        this.#queue.unshift(job);
      }
    }
    if (this.#closing && this.#idle()) {
      this.#afterProgress();
      return;
    }
    this.#respawn(slot, details);
  }

  #respawn(slot: Slot, details: ExitDetails): void {
    const index = this.#slots.indexOf(slot);
    if (this.#startFailures >= maxStartFailures) {
      const error = new WorkerCrashedError({ ...details, items: [], reason: 'workers keep exiting as soon as they start; not respawning' }, { cause: details.error });
      for (const job of this.#queue.splice(0)) this.#settle(job, () => job.reject(error));
      this.#afterProgress();
      return;
    }
    this.#slots[index] = this.#spawn();
    this.#schedulePump();
  }

  #withdraw(job: Job): void {
    if (job.state !== 'queued') return;
    const position = this.#queue.indexOf(job);
    if (position !== -1) this.#queue.splice(position, 1);
    job.state = 'settled';
    this.#afterProgress();
  }

  #abort(job: Job, reason: unknown): void {
    if (job.state === 'settled') return;
    if (job.state === 'queued') {
      this.#withdraw(job);
      job.reject(reason);
      return;
    }
    const slot = job.slot!;
    slot.jobs.delete(job.chunk.id);
    this.#settle(job, () => job.reject(reason));
    // The only way to stop code that is running is to stop its worker; a new one replaces it.
    slot.stopping = true;
    void slot.connection.stop();
  }

  #settle(job: Job, settle: () => void): void {
    if (job.state === 'settled') return;
    job.state = 'settled';
    settle();
  }

  #afterProgress(): void {
    if (this.#closing && this.#idle()) {
      const onIdle = this.#onIdle;
      this.#onIdle = undefined;
      onIdle?.();
      return;
    }
    this.#schedulePump();
  }
}

const strippedRefs = new WeakMap<TaskRef, TaskRef>();

function withoutSource(task: Extract<TaskRef, { kind: 'inline' }>): TaskRef {
  let stripped = strippedRefs.get(task);
  if (stripped === undefined) {
    stripped = { kind: 'inline', hash: task.hash, name: task.name };
    strippedRefs.set(task, stripped);
  }
  return stripped;
}

function describeExit(details: ExitDetails): string | undefined {
  const error = details.error;
  if (error instanceof Error) {
    if ((error as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY') return 'out of memory';
    return `uncaught ${error.name}: ${error.message}`;
  }
  return undefined;
}
