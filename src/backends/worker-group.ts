/**
 * A fixed-size group of local workers and the queue that feeds them. It owns everything that is
 * the same for threads and processes: dispatch, batching, crash handling, respawn and shutdown.
 * A concrete backend only supplies `Connection`s (how to start a worker and talk to it).
 */
import { TaskSerializationError, TaskTimeoutError, WorkerCrashedError, WorkerInitError } from '../errors.js';
import { describeUncloneable, findUncloneable } from '../transport/clone-check.js';
import { deserializeError } from '../transport/error-codec.js';
import type { ChunkOutcome, ChunkRequest, FromWorkerMessage, TaskRef, ToWorkerMessage } from '../transport/messages.js';
import { unknownMessage } from '../transport/messages.js';
import { PriorityQueue } from '../scheduling/priority-queue.js';
import type { Backend, BackendObserver, BackendStats, BroadcastOutcome, Submission, SubmitOptions } from './backend.js';
import { orphanFailure, type ExitDetails, type OrphanedChunk } from './orphans.js';
import type { WorkerProgress } from './progress-register.js';
import { dedupe, loadingTask } from './runtime.js';
import type { Transferable } from '../transport/transfer.js';

export type { ExitDetails } from './orphans.js';

export interface ConnectionEvents {
  message(message: FromWorkerMessage): void;
  exit(details: ExitDetails): void;
}

/** One running worker, as the group sees it. */
export interface Connection {
  /** Throws (DataCloneError) when the message cannot be copied. */
  send(message: ToWorkerMessage, transfer: Transferable[]): void;
  /** The chunk and item the worker is running and since when, and how far it got; still readable after it died. */
  progress(): WorkerProgress;
  /** Stops the worker now; `exit` follows. */
  stop(): Promise<void>;
  /** Whether this worker keeps the parent process alive. */
  ref(): void;
  unref(): void;
}

export type ConnectionFactory = (events: ConnectionEvents) => Connection;

/** What every local backend takes from the pool options. */
export interface GroupOptions {
  /** The most workers at once. */
  workers: number;
  /** Workers kept when idle; below `workers`, the group is elastic: it starts workers on demand and lets idle ones go. */
  minWorkers: number;
  /** Milliseconds an idle worker beyond minWorkers stays (elastic groups). */
  idleTimeout: number;
  /** Runs once in each worker before its first task (a promise while an inline one is parsed). */
  initializer: { task: TaskRef | Promise<TaskRef>; args: unknown[] } | undefined;
  /** Default per-item time limit in ms, for calls that give no `timeout`. */
  taskTimeout: number | undefined;
  /** Items after which a worker is replaced by a fresh one. */
  maxTasksPerWorker: number | undefined;
}

type JobState = 'queued' | 'sent' | 'settled';

/** A queued or running chunk; it is also the Submission handed back to the API. */
class Job implements Submission, OrphanedChunk {
  readonly promise: Promise<ChunkOutcome>;
  state: JobState = 'queued';
  slot: Slot | undefined = undefined;
  /** Its position among the chunks and messages sent to its slot's worker (see orphans.ts). */
  ordinal = -1;
  batch = -1;
  deliveryFailures = 0;
  /** Per-item time limit in ms. */
  timeout: number | undefined = undefined;
  /** A whole apply call: errors name the task, not "item 0". */
  single = false;
  priority = 0;
  /** The call's emit listener (see SubmitOptions.onEmit). */
  onEmit: ((index: number, data: unknown) => void) | undefined = undefined;
  /** performance.now() when it was submitted, for the pool's wait-time figures. */
  readonly submittedAt = performance.now();
  /** Aborted after it was sent but before it started: if the worker starts it, the worker is stopped. */
  abandoned = false;
  resolve!: (outcome: ChunkOutcome) => void;
  reject!: (reason: unknown) => void;

  constructor(
    readonly chunk: ChunkRequest,
    readonly transfer: Transferable[],
    readonly control: JobControl,
  ) {
    this.promise = new Promise<ChunkOutcome>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  withdraw(): void {
    this.control.withdraw(this);
  }

  abort(reason: unknown): void {
    this.control.abort(this, reason);
  }
}

/** The group's side of withdraw() and abort(), shared by all its jobs. */
interface JobControl {
  withdraw(job: Job): void;
  abort(job: Job, reason: unknown): void;
}

interface Slot {
  /** Its number in this group, as the pool's workerstart and workerexit events report it. */
  id: number;
  connection: Connection;
  /** Jobs sent to this worker and not settled, by chunk id, in the order sent. */
  jobs: Map<number, Job>;
  batchesInFlight: number;
  /** Hashes of the inline sources this worker has received. */
  sentInline: Set<string>;
  /** pool.broadcast() calls this worker has not answered, by id. */
  broadcasts: Map<number, { resolve(outcome: BroadcastOutcome): void; reject(reason: unknown): void }>;
  alive: boolean;
  /** Set once the worker has said it is ready; a worker that dies before is a failed start. */
  ready: boolean;
  /** Set when we stop the worker on purpose (or retire it), so its exit is not taken for a crash. */
  stopping: boolean;
  /** Items sent to this worker, counted against maxTasksPerWorker. */
  itemsSent: number;
  chunksSent: number;
  batchesSent: number;
  /** The uncaught error a child process reported just before dying. */
  lastWords: unknown;
  /** Elastic groups: the timer that lets this worker go once it has been idle for idleTimeout. */
  idleTimer: NodeJS.Timeout | undefined;
  /** Why the worker could not be started, when its connection threw at once. */
  spawnError: unknown;
  exited: Promise<void>;
  markExited(): void;
}

/** Chunks shorter than this are worth sending several per message. */
const shortChunkMs = 2;
/**
 * Chunks shorter than this are pipelined: each worker gets its next batch before it finishes the
 * current one, so it never waits a round trip. Longer chunks go one at a time, so that a chunk is
 * never stuck behind a long one on a busy worker while another worker is idle.
 */
const pipelineBelowMs = 20;
const maxBatch = 64;
/**
 * Workers that die before they are ready or while importing a task module, in a row with no
 * chunk finished in between, before the group stops respawning and fails the pending work.
 */
const maxStartFailures = 5;
/** How often to look whether a worker started a chunk that was aborted while waiting in it. */
const abandonedPollMs = 20;

export class WorkerGroup implements Backend {
  readonly concurrency: number;
  readonly origin: string;
  readonly sharesMemory: boolean;
  readonly #createConnection: ConnectionFactory;
  readonly #options: GroupOptions;
  readonly #slots: Slot[] = [];
  /** Workers leaving: past maxTasksPerWorker, finishing what they hold (already replaced in #slots), or idle past idleTimeout. */
  readonly #retired = new Set<Slot>();
  /** Set when the pool can run nothing (initializer failed, respawn storm): the error for every task. */
  #broken: Error | undefined;
  #timeoutTimer: NodeJS.Timeout | undefined;
  #timeoutCheckAt = Infinity;
  readonly #queue = new PriorityQueue<Job>((job) => job.priority, itemCount);
  readonly #observer: BackendObserver;
  #nextWorkerId = 0;
  #nextBroadcastId = 0;
  /** Work was queued since the queue was last empty: the next empty queue is a 'drain'. */
  #drainDue = false;
  /** Work was submitted since the group was last idle: the next idle moment is an 'idle'. */
  #idleDue = false;
  #nextChunkId = 0;
  /** Moving average of the time workers spend per chunk; undefined until the first outcome. */
  #chunkMs: number | undefined;
  #startFailures = 0;
  #completedItems = 0;
  #failedItems = 0;
  #pumpScheduled = false;
  #closing = false;
  #stopped: Promise<void> | undefined;
  readonly #jobControl: JobControl = {
    withdraw: (job) => this.#withdraw(job),
    abort: (job, reason) => this.#abort(job, reason),
  };

  constructor(options: GroupOptions, kind: { origin: string; sharesMemory: boolean }, createConnection: ConnectionFactory, observer: BackendObserver) {
    this.concurrency = options.workers;
    this.#observer = observer;
    this.origin = kind.origin;
    this.sharesMemory = kind.sharesMemory;
    this.#options = options;
    this.#createConnection = createConnection;
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

  submit(request: Omit<ChunkRequest, 'id'>, transfer: Transferable[], options?: SubmitOptions): Submission {
    this.#nextChunkId = (this.#nextChunkId + 1) & 0x7fffffff;
    const { task, start, items, spread, settle } = request;
    const timeout = options?.timeout ?? this.#options.taskTimeout;
    const stoppable = timeout !== undefined || options?.abortable === true;
    const chunk: ChunkRequest = { id: this.#nextChunkId, task, start, items, spread, settle };
    if (stoppable) chunk.stoppable = true;
    if (options?.onEmit !== undefined) chunk.emits = true;
    const job = new Job(chunk, transfer, this.#jobControl);
    job.timeout = timeout;
    job.single = options?.single === true;
    job.priority = options?.priority ?? 0;
    job.onEmit = options?.onEmit;
    if (this.#broken !== undefined) {
      this.#reject(job, this.#broken);
      return job;
    }
    this.#queue.push(job);
    this.#drainDue = true;
    this.#idleDue = true;
    this.#schedulePump();
    return job;
  }

  broadcast(task: TaskRef, args: unknown[]): Promise<BroadcastOutcome[]> {
    if (this.#broken !== undefined) return Promise.reject(this.#broken);
    const id = ++this.#nextBroadcastId;
    const targets = this.#slots.filter((slot) => slot.alive && !slot.stopping);
    const answers = targets.map(
      (slot) =>
        new Promise<BroadcastOutcome>((resolve, reject) => {
          try {
            slot.connection.send({ type: 'broadcast', id, task, args }, []);
          } catch (error) {
            const culprit = findUncloneable(args, 'arguments');
            const what = culprit === undefined ? (error instanceof Error ? error.message : String(error)) : `${culprit.path} is ${describeUncloneable(culprit)}`;
            reject(new TaskSerializationError(`The arguments of pool.broadcast() could not be sent to a worker: ${what}.`, undefined, { cause: error }));
            return;
          }
          slot.broadcasts.set(id, { resolve, reject });
          slot.connection.ref();
        }),
    );
    return Promise.all(answers);
  }

  stats(): BackendStats {
    const live = this.#slots.filter((slot) => slot.alive);
    let retiring = 0;
    for (const slot of this.#retired) if (slot.alive) retiring++;
    return {
      workers: live.length + retiring,
      busy: live.filter((slot) => slot.jobs.size > 0).length,
      queued: this.#queue.weight,
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
    for (const job of this.#queue.drain()) this.#reject(job, reason);
    for (const slot of this.#allSlots()) {
      for (const job of slot.jobs.values()) this.#reject(job, reason);
      slot.jobs.clear();
      rejectBroadcasts(slot, reason);
    }
    this.#noteProgress();
    await this.#stopAll();
  }

  #onIdle: (() => void) | undefined;

  #idle(): boolean {
    return this.#queue.length === 0 && this.#allSlots().every((slot) => slot.jobs.size === 0 && slot.broadcasts.size === 0);
  }

  #allSlots(): Slot[] {
    return this.#retired.size === 0 ? this.#slots : [...this.#slots, ...this.#retired];
  }

  #stopAll(): Promise<void> {
    if (this.#timeoutTimer !== undefined) clearTimeout(this.#timeoutTimer);
    for (const slot of this.#allSlots()) if (slot.idleTimer !== undefined) clearTimeout(slot.idleTimer);
    this.#stopped ??= Promise.all(
      this.#allSlots().map((slot) => {
        slot.stopping = true;
        if (slot.alive) {
          // Held until it exits: whoever awaits join() or terminate() must see the end.
          slot.connection.ref();
          void slot.connection.stop();
        }
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
      id: this.#nextWorkerId++,
      connection: undefined as unknown as Connection,
      jobs: new Map(),
      batchesInFlight: 0,
      sentInline: new Set(),
      broadcasts: new Map(),
      alive: true,
      ready: false,
      stopping: false,
      itemsSent: 0,
      chunksSent: 0,
      batchesSent: 0,
      lastWords: undefined,
      idleTimer: undefined,
      spawnError: undefined,
      exited,
      markExited,
    };
    try {
      slot.connection = this.#createConnection({
        message: (message) => this.#onMessage(slot, message),
        exit: (details) => this.#onExit(slot, details),
      });
    } catch (error) {
      // Out of threads, processes or file descriptors: a failed start, reported like an exit.
      slot.spawnError = error;
      slot.connection = notStarted;
      queueMicrotask(() => this.#onExit(slot, { exitCode: null, signal: null, error, spawnError: error }));
      return slot;
    }
    this.#sendInit(slot);
    slot.connection.unref();
    this.#observer.workerStarted(slot.id);
    return slot;
  }

  /** The first message to a worker; chunks sent before it wait in the worker until it is done. */
  #sendInit(slot: Slot): void {
    const initializer = this.#options.initializer;
    if (!(initializer?.task instanceof Promise)) {
      slot.connection.send({ type: 'init', initializer: initializer as { task: TaskRef; args: unknown[] } | undefined }, []);
      return;
    }
    initializer.task.then(
      (task) => {
        if (slot.alive) slot.connection.send({ type: 'init', initializer: { task, args: initializer.args } }, []);
      },
      (error: unknown) => this.#break(new WorkerInitError(error)),
    );
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
    this.#fillWorkers();
    this.#noteProgress();
  }

  #fillWorkers(): void {
    if (this.#queue.length === 0) return;
    if (this.#elastic) this.#grow();
    const live = this.#slots.filter((slot) => slot.alive && !slot.stopping);
    const pipelined = this.#chunkMs !== undefined && this.#chunkMs < pipelineBelowMs;
    const depth = pipelined ? 2 : 1;
    for (let round = 0; round < depth && this.#queue.length > 0; round++) {
      const open = live.filter((slot) => slot.batchesInFlight <= round);
      for (const slot of open) {
        if (this.#queue.length === 0) return;
        if (slot.stopping) continue; // retired in an earlier round
        const fairShare = Math.ceil(this.#queue.length / open.length);
        const size = pipelined ? Math.min(fairShare, this.#batchSize()) : 1;
        this.#send(slot, this.#queue.take(size, this.#allowance(slot)));
      }
    }
  }

  get #elastic(): boolean {
    return this.#options.minWorkers < this.#options.workers;
  }

  /** Elastic groups: a new worker for each queued chunk that no idle worker can take, up to the maximum. */
  #grow(): void {
    let idle = 0;
    for (const slot of this.#slots) if (slot.alive && !slot.stopping && slot.batchesInFlight === 0) idle++;
    for (let wanted = this.#queue.length - idle; wanted > 0 && this.#slots.length < this.#options.workers && !this.#closing; wanted--) {
      const slot = this.#spawn();
      this.#slots.push(slot);
      if (slot.spawnError !== undefined) return; // reported as an exit; the start-failure guard decides
    }
  }

  /** Elastic groups: a worker beyond the minimum that stays idle for idleTimeout exits. */
  #armIdleTimer(slot: Slot): void {
    if (!this.#elastic || slot.idleTimer !== undefined) return;
    slot.idleTimer = setTimeout(() => {
      slot.idleTimer = undefined;
      if (!slot.alive || slot.stopping || slot.jobs.size > 0 || slot.broadcasts.size > 0) return;
      if (this.#slots.filter((other) => other.alive && !other.stopping).length <= this.#options.minWorkers) return;
      // Counted as retired until it has exited, so that stats and shutdown still see it.
      this.#slots.splice(this.#slots.indexOf(slot), 1);
      this.#retired.add(slot);
      slot.stopping = true;
      void slot.connection.stop();
    }, this.#options.idleTimeout);
    slot.idleTimer.unref();
  }

  /** Items this worker may still be sent under maxTasksPerWorker (at least one chunk goes, whatever its size). */
  #allowance(slot: Slot): number {
    const maxTasks = this.#options.maxTasksPerWorker;
    return maxTasks === undefined ? Infinity : Math.max(1, maxTasks - slot.itemsSent);
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
      // Nothing was sent: a value failed to serialize (not cloneable, or a getter that threw).
      for (const hash of newInline) slot.sentInline.delete(hash);
      if (jobs.length > 1) for (const job of jobs) this.#send(slot, [job]);
      else this.#rejectUnsendable(jobs[0]!, error);
      return;
    }
    let earliestTimeout = Infinity;
    const batch = slot.batchesSent++;
    for (const job of jobs) {
      job.state = 'sent';
      job.slot = slot;
      job.ordinal = slot.chunksSent++;
      job.batch = batch;
      slot.jobs.set(job.chunk.id, job);
      slot.itemsSent += job.chunk.items.length;
      if (job.timeout !== undefined) earliestTimeout = Math.min(earliestTimeout, job.timeout);
    }
    slot.batchesInFlight++;
    if (slot.idleTimer !== undefined) {
      clearTimeout(slot.idleTimer);
      slot.idleTimer = undefined;
    }
    slot.connection.ref();
    if (earliestTimeout !== Infinity) this.#scheduleTimeoutCheck(Date.now() + earliestTimeout);
    const maxTasks = this.#options.maxTasksPerWorker;
    if (maxTasks !== undefined && slot.itemsSent >= maxTasks) this.#retire(slot);
  }

  /** maxTasksPerWorker: the replacement starts now, while the old worker finishes what it holds. */
  #retire(slot: Slot): void {
    slot.stopping = true;
    this.#retired.add(slot);
    this.#slots[this.#slots.indexOf(slot)] = this.#spawn();
    if (slot.jobs.size === 0) void slot.connection.stop();
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
        `Item ${index} cannot be sent to a worker: ${culprit.path} is ${describeUncloneable(culprit)}. ` +
        'Pass plain data (objects, arrays, strings, numbers, typed arrays, Map, Set, Date), or create the value inside the task.';
      break;
    }
    this.#reject(job, new TaskSerializationError(message, index, { cause: error }));
    this.#afterProgress();
  }

  #onMessage(slot: Slot, message: FromWorkerMessage): void {
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
      case 'broadcastDone': {
        const pending = slot.broadcasts.get(message.id);
        if (pending === undefined) return;
        slot.broadcasts.delete(message.id);
        pending.resolve(message.error === undefined ? { result: message.result } : { error: message.error });
        if (slot.jobs.size === 0 && slot.broadcasts.size === 0 && !slot.stopping) slot.connection.unref();
        this.#afterProgress();
        return;
      }
      case 'emit': {
        const job = slot.jobs.get(message.chunkId);
        // A chunk already settled (aborted, timed out) has nobody listening any more.
        if (job !== undefined && !job.abandoned && job.state === 'sent') job.onEmit?.(message.index, message.data);
        return;
      }
      case 'outcomes':
        if (message.batchDone) slot.batchesInFlight--;
        this.#startFailures = 0;
        for (const outcome of message.outcomes) {
          this.#chunkMs = this.#chunkMs === undefined ? outcome.duration : this.#chunkMs * 0.8 + outcome.duration * 0.2;
          const job = slot.jobs.get(outcome.id);
          if (job === undefined) continue; // aborted or terminated while running: already settled
          slot.jobs.delete(outcome.id);
          if (job.abandoned) continue;
          const failures = outcome.errors?.length ?? 0;
          this.#failedItems += failures;
          // A failed item may hold a slot in `results` (settle, or a result that could not be sent).
          const failedSlots = outcome.errors?.filter(([index]) => index < outcome.results.length).length ?? 0;
          this.#completedItems += outcome.results.length - failedSlots;
          this.#observer.chunkFinished(performance.now() - job.submittedAt, outcome.duration);
          this.#resolve(job, outcome);
        }
        if (slot.jobs.size === 0) {
          if (this.#retired.has(slot)) void slot.connection.stop();
          // A worker being stopped stays referenced until its exit is seen (see Connection.stop).
          else if (!slot.stopping) {
            slot.connection.unref();
            this.#armIdleTimer(slot);
          }
        }
        this.#afterProgress();
        return;
      default:
        unknownMessage(message);
    }
  }

  #onExit(slot: Slot, exit: ExitDetails): void {
    if (!slot.alive) return; // a worker declared gone before it exited (see Connection.stop)
    slot.alive = false;
    slot.markExited();
    this.#retired.delete(slot);
    if (exit.spawnError === undefined) this.#observer.workerExited({ id: slot.id, exitCode: exit.exitCode, signal: exit.signal, crashed: !slot.stopping });
    rejectBroadcasts(slot, new WorkerCrashedError({ exitCode: exit.exitCode, signal: exit.signal, items: [], single: true, reason: 'during pool.broadcast()' }, { cause: exit.error ?? slot.lastWords }));
    const details = { ...exit, error: exit.error ?? slot.lastWords };
    const progress = slot.connection.progress();
    const loading = progress.running?.index === loadingTask;
    if (!slot.stopping && (!slot.ready || loading)) this.#startFailures++;
    const orphans = [...slot.jobs.values()];
    slot.jobs.clear();
    const requeued: Job[] = [];
    for (const job of orphans) {
      // Aborted or timed out while it waited in this worker: already settled, never queued again.
      if (job.state === 'settled') continue;
      const failure = orphanFailure(job, progress, details, !slot.stopping && slot.ready);
      if (failure === undefined) {
        requeued.push(job);
        continue;
      }
      this.#failedItems += failure instanceof WorkerCrashedError ? failure.items.length : 1;
      this.#reject(job, failure);
    }
    // Never started on this worker: back to the front of the queue, in the order they were sent.
    for (const job of requeued.reverse()) {
      job.state = 'queued';
      job.slot = undefined;
      this.#queue.unshift(job);
      this.#drainDue = true;
    }
    if (this.#broken !== undefined || (this.#closing && this.#idle())) {
      this.#afterProgress();
      return;
    }
    this.#respawn(slot, details);
  }

  #respawn(slot: Slot, details: ExitDetails): void {
    const index = this.#slots.indexOf(slot);
    if (index === -1) {
      this.#afterProgress();
      return; // a retired worker: its replacement already runs
    }
    if (this.#startFailures >= maxStartFailures) {
      if (details.spawnError !== undefined) {
        const failure = `${maxStartFailures} workers in a row could not be started`;
        this.#break(new WorkerInitError(details.spawnError, { failure, advice: 'See the cause: fix what it names (a missing `cwd`, a limit on processes or open files) and create a new Pool.' }));
        return;
      }
      const reason = `${maxStartFailures} workers in a row died while starting or importing a task module; not respawning`;
      this.#break(new WorkerCrashedError({ ...details, items: [], reason }, { cause: details.error }));
      return;
    }
    if (this.#elastic && this.#slots.length > this.#options.minWorkers && this.#queue.length === 0) {
      // Nothing waits and the minimum is kept without it: a later chunk starts a worker on demand.
      this.#slots.splice(index, 1);
      this.#afterProgress();
      return;
    }
    this.#slots[index] = this.#spawn();
    this.#schedulePump();
  }

  /** The pool can run nothing more: every pending and future task fails with `error`. */
  #break(error: Error): void {
    if (this.#broken !== undefined) return;
    this.#broken = error;
    for (const job of this.#queue.drain()) this.#reject(job, error);
    for (const slot of this.#allSlots()) {
      for (const job of slot.jobs.values()) this.#reject(job, error);
      slot.jobs.clear();
      rejectBroadcasts(slot, error);
      slot.stopping = true;
      if (slot.alive) void slot.connection.stop();
    }
    this.#afterProgress();
  }

  #scheduleTimeoutCheck(at: number): void {
    if (at >= this.#timeoutCheckAt) return;
    if (this.#timeoutTimer !== undefined) clearTimeout(this.#timeoutTimer);
    this.#timeoutCheckAt = at;
    this.#timeoutTimer = setTimeout(() => this.#checkTimeouts(), Math.max(0, at - Date.now()));
    this.#timeoutTimer.unref();
  }

  /**
   * Stops workers whose current item has run past its timeout. Items start in the worker, so the
   * clock is the worker's progress register; chunks still waiting behind it get checked later.
   */
  #checkTimeouts(): void {
    this.#timeoutTimer = undefined;
    this.#timeoutCheckAt = Infinity;
    const now = Date.now();
    let next = Infinity;
    for (const slot of this.#allSlots()) {
      if (!slot.alive || slot.jobs.size === 0) continue;
      const running = slot.connection.progress().running;
      const runningJob = running === undefined ? undefined : slot.jobs.get(running.chunkId);
      for (const job of slot.jobs.values()) {
        if (job.abandoned) {
          if (job === runningJob) {
            this.#stopFor(slot, job);
            break;
          }
          next = Math.min(next, now + abandonedPollMs);
          continue;
        }
        if (job.timeout === undefined) continue;
        if (job !== runningJob) {
          next = Math.min(next, now + job.timeout);
          continue;
        }
        const deadline = running!.startedAt + job.timeout;
        if (now < deadline) {
          next = Math.min(next, deadline);
          continue;
        }
        this.#timeOut(slot, job, running!.index);
        break;
      }
    }
    if (next !== Infinity) this.#scheduleTimeoutCheck(next);
  }

  #timeOut(slot: Slot, job: Job, index: number): void {
    this.#failedItems++;
    const position = job.chunk.start + Math.max(index, 0);
    this.#reject(job, new TaskTimeoutError(job.timeout!, position, job.single ? 'The task' : undefined));
    this.#stopFor(slot, job);
  }

  /** As for abort: stopping the worker is the only way to stop the code; a new one replaces it. */
  #stopFor(slot: Slot, job: Job): void {
    slot.jobs.delete(job.chunk.id);
    slot.stopping = true;
    void slot.connection.stop();
  }

  #withdraw(job: Job): void {
    if (job.state !== 'queued') return;
    this.#queue.remove(job);
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
    this.#reject(job, reason);
    if (slot.connection.progress().running?.chunkId !== job.chunk.id) {
      // It waits in the worker behind another chunk, which must not die for it.
      job.abandoned = true;
      this.#scheduleTimeoutCheck(Date.now() + abandonedPollMs);
      return;
    }
    slot.jobs.delete(job.chunk.id);
    // The only way to stop code that is running is to stop its worker; a new one replaces it.
    // Referenced until it exits, so that queued work waiting for the replacement is not dropped.
    slot.stopping = true;
    slot.connection.ref();
    void slot.connection.stop();
  }

  #resolve(job: Job, outcome: ChunkOutcome): void {
    if (job.state === 'settled') return;
    job.state = 'settled';
    job.resolve(outcome);
  }

  #reject(job: Job, reason: unknown): void {
    if (job.state === 'settled') return;
    job.state = 'settled';
    job.reject(reason);
  }

  /** Tells the observer when the queue has just emptied, and when nothing is left to do. */
  #noteProgress(): void {
    if (this.#drainDue && this.#queue.length === 0) {
      this.#drainDue = false;
      this.#observer.drained();
    }
    if (this.#idleDue && this.#idle()) {
      this.#idleDue = false;
      this.#observer.idle();
    }
  }

  #afterProgress(): void {
    this.#noteProgress();
    if (this.#closing && this.#idle()) {
      const onIdle = this.#onIdle;
      this.#onIdle = undefined;
      onIdle?.();
      return;
    }
    this.#schedulePump();
  }
}

function rejectBroadcasts(slot: Slot, reason: unknown): void {
  for (const pending of slot.broadcasts.values()) pending.reject(reason);
  slot.broadcasts.clear();
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

function itemCount(job: Job): number {
  return job.chunk.items.length;
}

/** The connection of a worker that could not be started: it has nothing to stop or read. */
const notStarted: Connection = {
  send() {},
  progress: () => ({ running: undefined, started: 0, received: 0 }),
  stop: async () => {},
  ref() {},
  unref() {},
};
