/**
 * The producer side of the Redis backend: each chunk becomes one BullMQ job on the queue of its
 * task module's task set (see task-set.ts), added in bulk; outcomes come back as the jobs' return
 * values through one QueueEvents listener per queue, and each job is removed once its outcome has
 * been read. Remote workers (`multicore worker`) run the jobs; see serve.ts.
 *
 * Redis being away is watched on one control connection: work that waits longer than
 * `redisTimeout` for it fails with ERR_REDIS_UNAVAILABLE. When the connection comes back, every
 * pending job is checked, and jobs that Redis lost (a restart without persistence) are added
 * again, so that items are never silently lost; a job can therefore run twice (at-least-once).
 *
 * Nothing read from Redis is trusted: results are opened as job-format.ts says (size, signature,
 * bounded decoding, shape), and a result that fails fails its chunk with ERR_JOB_REJECTED. Stopping
 * never waits on Redis for long: closing the connections is given closeGraceMs, then they are cut.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { JobsOptions, Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { JobRejectedError, MissingDependencyError, RedisUnavailableError, RemoteJobFailedError, TaskLoadError, TaskNotFoundError, TaskSerializationError } from '../../errors.js';
import type { NormalizedRedisOptions } from '../../options/redis-options.js';
import { findUncloneable } from '../../transport/clone-check.js';
import { noObserver, type Backend, type BackendObserver, type BackendStats, type BroadcastOutcome, type ChunkResult, type ChunkSpec, type SubmitOptions, type Submission } from '../backend.js';
import type { Transferable } from '../../transport/transfer.js';
import { encodeValue } from './codec.js';
import { bullmqConnection, loadDrivers, type Drivers } from './connection.js';
import { readEmitted, readOutcome, rejectionPrefix, sealBody, type ChunkJob, type EmittedValue, type WireOptions } from './job-format.js';
import { checkPayload, PayloadError } from './payload-check.js';
import { loadTaskSet, queueFor, type TaskSet } from './task-set.js';

type ChunkState = 'preparing' | 'waiting' | 'active' | 'settled';

interface Chunk {
  request: ChunkSpec;
  /** The task's name, also the BullMQ job's name. */
  task: string;
  /** The encoded ChunkJob in base64: signed, when a secret is set, once its job id is known. */
  body: string;
  state: ChunkState;
  link: QueueLink | undefined;
  jobId: string | undefined;
  resolve(outcome: ChunkResult): void;
  reject(reason: unknown): void;
  /** performance.now() when it was submitted, for the pool's wait-time figures. */
  submittedAt: number;
  /** The call's emit listener (see SubmitOptions.onEmit). */
  onEmit: ((index: number, data: unknown) => void) | undefined;
}

/** One queue the pool sends to, and the one listener that hears its outcomes. */
interface QueueLink {
  taskSet: TaskSet;
  queue: Queue;
  events: QueueEvents;
  /** The listener's own connection, held so that stopping can cut it whatever BullMQ waits for. */
  eventsClient: Redis;
  /** Our chunks in Redis, by job id. */
  jobs: Map<string, Chunk>;
  /** Chunks to add with the next addBulk. */
  toAdd: Chunk[];
  addScheduled: boolean;
  /** addBulk calls in progress: an outcome can arrive before its job id is known. */
  adding: number;
  /** Events of our jobs heard before addBulk returned their ids, in the order heard. */
  early: Map<string, (() => void)[]>;
  /** Jobs given up while running: removed when they finish. */
  abandoned: Set<string>;
  /** The id of the last event handled, where listening resumes if BullMQ's loop dies. */
  lastEventId: string;
}

/** Kept in Redis at most this long when nobody reads them (the pool died or was terminated). */
const orphanAgeSeconds = 3600;

/** How long stopping waits for Redis to acknowledge removals and closes before it cuts the connections. */
const closeGraceMs = 1000;

/** Reasons from Redis are shown to the user: only so much of them. */
const maxReasonLength = 500;


export function createRedisBackend(concurrency: number, options: NormalizedRedisOptions, taskTimeout: number | undefined, observer: BackendObserver = noObserver): RedisBackend {
  return new RedisBackend(concurrency, options, taskTimeout, observer);
}

export class RedisBackend implements Backend {
  readonly concurrency: number;
  readonly origin = 'redis worker';
  readonly capabilities = { sharedMemory: false, inlineTasks: false, priority: false, broadcast: false };
  readonly #options: NormalizedRedisOptions;
  readonly #wire: WireOptions;
  readonly #jobOptions: JobsOptions;
  /**
   * Prefix of our job ids. Ids of our own, not BullMQ's counter, so that after a Redis restart
   * (which resets the counter) a new job of another pool can never be taken for a lost one of ours.
   */
  readonly #jobIdPrefix = `p${randomBytes(6).toString('hex')}-`;
  #nextJobId = 0;
  #control: Redis | undefined;
  readonly #links = new Map<string, Promise<QueueLink>>();
  readonly #opened: QueueLink[] = [];
  /** Every chunk not yet settled. */
  readonly #pending = new Set<Chunk>();
  #completedItems = 0;
  #failedItems = 0;
  #remoteWorkers = 0;
  #workersCheckedAt = 0;
  #reachable = false;
  #unreachableSince = Date.now();
  #lastError: unknown;
  #watchdog: NodeJS.Timeout | undefined;
  #closing = false;
  #onIdle: (() => void) | undefined;
  #stopped: Promise<void> | undefined;

  /** The pool's taskTimeout: sent with every job, enforced where the job runs. */
  readonly #taskTimeout: number | undefined;

  readonly #observer: BackendObserver;
  /** Chunks were waiting since the last time none was: the next time none is, the pool's 'drain'. */
  #drainDue = false;

  constructor(concurrency: number, options: NormalizedRedisOptions, taskTimeout: number | undefined, observer: BackendObserver) {
    this.concurrency = concurrency;
    this.#observer = observer;
    this.#options = options;
    this.#taskTimeout = taskTimeout;
    this.#wire = { secret: options.secret, maxJobBytes: options.maxJobBytes };
    this.#jobOptions = {
      attempts: options.attempts,
      backoff: { type: 'exponential', delay: options.backoff },
      removeOnComplete: { age: orphanAgeSeconds },
      removeOnFail: { age: orphanAgeSeconds },
    };
  }

  submit(request: ChunkSpec, _transfer: Transferable[], submitOptions?: SubmitOptions): Submission {
    let resolve!: (outcome: ChunkResult) => void;
    let reject!: (reason: unknown) => void;
    const promise = new Promise<ChunkResult>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const { task } = request;
    // Inline functions were refused by the API's guard (capabilities.inlineTasks).
    if (task.kind === 'inline') throw new Error('multicore internal error: an inline task reached the Redis backend');
    const job: ChunkJob = { task: task.name, start: request.start, spread: request.spread, settle: request.settle, items: request.items };
    const timeout = submitOptions?.timeout ?? this.#taskTimeout;
    if (timeout !== undefined) job.timeout = timeout;
    if (submitOptions?.onEmit !== undefined) job.emits = true;
    let body: string;
    try {
      body = this.#encodeJob(job);
    } catch (error) {
      reject(error instanceof JobRejectedError ? error : unsendable(request, error));
      return { promise, withdraw() {}, abort() {} };
    }
    const chunk: Chunk = { request, task: task.name, body, state: 'preparing', link: undefined, jobId: undefined, resolve, reject, submittedAt: performance.now(), onEmit: submitOptions?.onEmit };
    this.#pending.add(chunk);
    this.#drainDue = true;
    // Reachability is measured from the first connection attempt (see #controlClient), not from
    // when the pool was created, nor while the drivers load (most of a second on a busy machine).
    if (this.#control !== undefined) this.#armWatchdog();
    this.#linkFor(task.module).then(
      (link) => this.#enqueue(link, chunk, task.name),
      (error: unknown) => this.#settle(chunk, () => reject(error)),
    );
    return {
      promise,
      withdraw: () => this.#giveUp(chunk, undefined),
      abort: (reason) => this.#giveUp(chunk, { reason }),
    };
  }

  broadcast(): Promise<BroadcastOutcome[]> {
    // Refused by the API's guard (capabilities.broadcast): no message reaches each remote worker.
    throw new Error('multicore internal error: a broadcast reached the Redis backend');
  }

  /** Refuses, before anything is sent, what a worker would refuse: too large, or not decodable at bounded cost. */
  #encodeJob(job: ChunkJob): string {
    const bytes = encodeValue(job);
    const items = job.items.map((_, i) => job.start + i);
    const { maxJobBytes } = this.#wire;
    if (bytes.length > maxJobBytes) {
      throw new JobRejectedError('pool', `it encodes to ${bytes.length} bytes, more than maxJobBytes (${maxJobBytes}); pass a smaller chunksize, or raise maxJobBytes here and --max-job-bytes on the workers`, items);
    }
    try {
      checkPayload(bytes);
    } catch (error) {
      if (!(error instanceof PayloadError)) throw error;
      throw new JobRejectedError('pool', `it cannot be sent, as a worker would refuse it: ${error.message}`, items);
    }
    return bytes.toString('base64');
  }

  stats(): BackendStats {
    this.#refreshWorkerCount();
    let busy = 0;
    let queued = 0;
    for (const chunk of this.#pending) {
      if (chunk.state === 'active') busy++;
      else queued += chunk.request.items.length;
    }
    return { workers: this.#stopped === undefined ? this.#remoteWorkers : 0, busy, queued, completed: this.#completedItems, failed: this.#failedItems };
  }

  shutdown(): Promise<void> {
    this.#closing = true;
    if (this.#pending.size === 0) return this.#stop();
    return new Promise((resolve) => {
      this.#onIdle = () => resolve(this.#stop());
    });
  }

  async terminate(reason: unknown): Promise<void> {
    this.#closing = true;
    const removals: Promise<unknown>[] = [];
    for (const chunk of [...this.#pending]) {
      if (chunk.link !== undefined && chunk.jobId !== undefined && this.#reachable) removals.push(this.#removeJob(chunk.link, chunk.jobId));
      this.#settle(chunk, () => chunk.reject(reason));
    }
    // Best effort, and bounded: jobs that cannot be removed now expire after orphanAgeSeconds.
    await Promise.race([Promise.allSettled(removals), delay(closeGraceMs, undefined, { ref: false })]);
    await this.#stop();
  }

  // --- connections -------------------------------------------------------------------------

  #controlClient({ Redis }: Drivers['ioredis']): Redis {
    if (this.#control !== undefined) return this.#control;
    // Commands wait for a reconnection (see bullmqConnection); the watchdog bounds the wait.
    const control = new Redis({ ...this.#options.connection, maxRetriesPerRequest: null });
    control.on('ready', () => this.#onReachable());
    control.on('close', () => this.#onUnreachable());
    control.on('error', (error: unknown) => {
      this.#lastError = error;
    });
    this.#control = control;
    this.#unreachableSince = Date.now();
    this.#armWatchdog();
    return control;
  }

  #linkFor(moduleUrl: string): Promise<QueueLink> {
    let link = this.#links.get(moduleUrl);
    if (link === undefined) {
      link = this.#openLink(moduleUrl);
      this.#links.set(moduleUrl, link);
    }
    return link;
  }

  async #openLink(moduleUrl: string): Promise<QueueLink> {
    let taskSet: TaskSet;
    try {
      taskSet = await loadTaskSet(moduleUrl);
    } catch (error) {
      throw new TaskLoadError(moduleUrl, error);
    }
    try {
      return await this.#openQueue(taskSet);
    } catch (error) {
      // Refused by Redis (wrong password, ACL) or cut off: the same answer as unreachable.
      // Drivers that are not installed are no Redis trouble: that error says what to install.
      if (error instanceof RedisUnavailableError || error instanceof MissingDependencyError) throw error;
      throw new RedisUnavailableError(this.#options.server, this.#reachable ? undefined : Date.now() - this.#unreachableSince, { cause: error });
    }
  }

  async #openQueue(taskSet: TaskSet): Promise<QueueLink> {
    const { bullmq, ioredis } = await loadDrivers();
    const { Queue, QueueEvents } = bullmq;
    const control = this.#controlClient(ioredis);
    const name = queueFor(this.#options.queue, taskSet);
    const queue = new Queue(name, { connection: control });
    queue.on('error', (error: unknown) => {
      this.#lastError = error;
    });
    // Listen from the stream's current end, read before any job is added, so no outcome of ours
    // can come before the listener (the default '$' would miss events added while it starts).
    const streamKey = `${queue.opts.prefix ?? 'bull'}:${name}:events`;
    const last = await control.xrevrange(streamKey, '+', '-', 'COUNT', 1);
    if (this.#stopped !== undefined) {
      await queue.close();
      throw new Error('multicore: the pool stopped while its queue was opening');
    }
    // A connection of its own (XREAD blocks it), created here so that stopping can cut it.
    const eventsClient = new ioredis.Redis({ ...this.#options.connection, maxRetriesPerRequest: null });
    eventsClient.on('error', (error: unknown) => {
      this.#lastError = error;
    });
    const lastEventId = last[0]?.[0] ?? '0-0';
    const events = new QueueEvents(name, { connection: eventsClient as never, lastEventId, autorun: false });
    const link: QueueLink = { taskSet, queue, events, eventsClient, jobs: new Map(), toAdd: [], addScheduled: false, adding: 0, early: new Map(), abandoned: new Set(), lastEventId };
    events.on('error', (error: unknown) => {
      this.#lastError = error;
    });
    events.on('active', ({ jobId }, id) => {
      link.lastEventId = id;
      const chunk = link.jobs.get(jobId);
      if (chunk !== undefined && chunk.state === 'waiting') chunk.state = 'active';
      this.#noteDrained();
    });
    events.on('progress', ({ jobId, data }, id) => {
      link.lastEventId = id;
      this.#onJobEvent(link, jobId, () => this.#emitted(link, jobId, data));
    });
    events.on('completed', ({ jobId, returnvalue }, id) => {
      link.lastEventId = id;
      this.#onFinished(link, jobId, () => this.#deliver(link, jobId, returnvalue));
    });
    events.on('failed', ({ jobId, failedReason }, id) => {
      link.lastEventId = id;
      this.#onFinished(link, jobId, () => this.#fail(link, jobId, failedReason));
    });
    this.#listen(link, control, streamKey);
    this.#opened.push(link);
    return link;
  }

  /**
   * Runs BullMQ's event loop, and runs it again past the entry that stopped it. It rides out lost
   * connections itself, but dies on an entry it cannot parse (a returnvalue that is not JSON,
   * which anyone who can write to Redis can add), and would then leave every pending call waiting
   * forever. The entries after the last one handled are only those we do not listen to, up to the
   * bad one: each restart skips one of them.
   */
  #listen(link: QueueLink, control: Redis, streamKey: string): void {
    link.events.run().catch(async (error: unknown) => {
      if (this.#stopped !== undefined) return;
      this.#lastError = error;
      try {
        const [next] = await control.xrange(streamKey, `(${link.lastEventId}`, '+', 'COUNT', 1);
        if (next !== undefined) {
          link.lastEventId = next[0];
          // If it was the completion of one of our jobs, that job's result is unreadable: its chunk fails.
          const fields = next[1];
          const field = (name: string) => {
            const at = fields.findIndex((text, i) => i % 2 === 0 && text === name);
            return at === -1 ? undefined : fields[at + 1];
          };
          const jobId = field('jobId');
          if (field('event') === 'completed' && jobId !== undefined) this.#onFinished(link, jobId, () => this.#deliver(link, jobId, undefined));
        }
      } catch (lookup) {
        this.#lastError = lookup;
      }
      if (this.#stopped !== undefined) return;
      (link.events.opts as { lastEventId?: string }).lastEventId = link.lastEventId;
      this.#listen(link, control, streamKey);
    });
  }

  /**
   * Bounded whatever Redis does: BullMQ's close() waits for Redis to acknowledge, forever when it
   * has gone away (QueueEvents waits for an 'end' that ioredis never emits once reconnecting).
   * So the closes get closeGraceMs (none when Redis is known to be away), then every connection is
   * cut; a cut connection holds no timer, so the process can exit.
   */
  async #stop(): Promise<void> {
    this.#stopped ??= (async () => {
      this.#disarmWatchdog();
      // Links still opening (Redis unreachable) are not waited for: they close themselves on opening.
      const closing = Promise.allSettled(this.#opened.map(async (link) => {
        await link.events.close();
        await link.queue.close();
      }));
      if (this.#reachable) await Promise.race([closing, delay(closeGraceMs, undefined, { ref: false })]);
      for (const link of this.#opened) link.eventsClient.disconnect();
      this.#control?.disconnect();
    })();
    return this.#stopped;
  }

  // --- adding jobs -------------------------------------------------------------------------

  #enqueue(link: QueueLink, chunk: Chunk, name: string): void {
    if (chunk.state === 'settled') return;
    if (!link.taskSet.names.includes(name)) {
      this.#settle(chunk, () => chunk.reject(new TaskNotFoundError(name, link.taskSet.module, [...link.taskSet.names])));
      return;
    }
    chunk.link = link;
    link.toAdd.push(chunk);
    if (link.addScheduled) return;
    link.addScheduled = true;
    // Chunks submitted in the same turn (a map's first window) leave in one addBulk.
    setImmediate(() => {
      link.addScheduled = false;
      void this.#addJobs(link);
    });
  }

  async #addJobs(link: QueueLink): Promise<void> {
    const batch = link.toAdd.splice(0).filter((chunk) => chunk.state !== 'settled');
    if (batch.length === 0) return;
    link.adding++;
    try {
      const jobs = await link.queue.addBulk(
        batch.map((chunk) => {
          const jobId = `${this.#jobIdPrefix}${++this.#nextJobId}`;
          const data = sealBody('job', chunk.body, { queue: link.queue.name, jobId }, this.#wire);
          return { name: chunk.task, data, opts: { ...this.#jobOptions, jobId } };
        }),
      );
      jobs.forEach((job, i) => this.#added(link, batch[i]!, job.id!));
    } catch (error) {
      // Redis refused the jobs (out of memory, ACL...): nothing was queued, so they fail now.
      for (const chunk of batch) this.#settle(chunk, () => chunk.reject(new RedisUnavailableError(this.#options.server, undefined, { cause: error })));
    } finally {
      link.adding--;
      for (const [jobId, handlers] of link.early) {
        if (!link.jobs.has(jobId)) continue;
        link.early.delete(jobId);
        for (const handle of handlers) handle();
      }
      if (link.adding === 0) link.early.clear();
    }
  }

  #added(link: QueueLink, chunk: Chunk, jobId: string): void {
    if (chunk.state === 'settled') {
      // Given up while its job was being added.
      void this.#removeJob(link, jobId);
      return;
    }
    chunk.jobId = jobId;
    if (chunk.state === 'preparing') chunk.state = 'waiting';
    link.jobs.set(jobId, chunk);
    this.#refreshWorkerCount();
  }

  // --- outcomes ----------------------------------------------------------------------------

  #onFinished(link: QueueLink, jobId: string, finish: () => void): void {
    if (link.jobs.has(jobId)) {
      finish();
      return;
    }
    if (link.abandoned.delete(jobId)) {
      void this.#removeJob(link, jobId);
      return;
    }
    this.#onJobEvent(link, jobId, finish);
  }

  /** Handles an event of one of our jobs now, or once addBulk has told us its id. */
  #onJobEvent(link: QueueLink, jobId: string, handle: () => void): void {
    if (link.jobs.has(jobId)) {
      handle();
      return;
    }
    // Ours, heard before addBulk returned; other pools' jobs are none of our business.
    if (link.adding > 0 && jobId.startsWith(this.#jobIdPrefix)) {
      const handlers = link.early.get(jobId);
      if (handlers === undefined) link.early.set(jobId, [handle]);
      else handlers.push(handle);
    }
  }

  /** One value a job's task emitted; a forged or corrupt one is dropped, as it belongs to no task. */
  #emitted(link: QueueLink, jobId: string, progress: unknown): void {
    const chunk = link.jobs.get(jobId);
    if (chunk?.onEmit === undefined) return;
    let emitted: EmittedValue;
    try {
      emitted = readEmitted(progress, chunk.request.items.length, { queue: link.queue.name, jobId }, this.#wire);
    } catch (error) {
      if (error instanceof PayloadError) return;
      throw error;
    }
    chunk.onEmit(emitted.index, emitted.data);
  }

  #deliver(link: QueueLink, jobId: string, returnvalue: unknown): void {
    const chunk = link.jobs.get(jobId);
    if (chunk === undefined) return;
    link.jobs.delete(jobId);
    void this.#removeJob(link, jobId);
    let outcome: ChunkResult;
    const { start, items } = chunk.request;
    try {
      outcome = readOutcome(returnvalue, items.length, { queue: link.queue.name, jobId }, this.#wire);
    } catch (error) {
      // Forged or corrupted (or a worker without the pool's secret): the items fail, nothing is decoded further.
      const reason = error instanceof PayloadError ? error.message : `its result could not be decoded (${String(error)})`;
      this.#failedItems += items.length;
      this.#settle(chunk, () => chunk.reject(new JobRejectedError('pool', `its result was refused: ${reason}`, items.map((_, i) => start + i))));
      return;
    }
    const failures = outcome.errors?.length ?? 0;
    this.#failedItems += failures;
    this.#completedItems += outcome.results.length - (chunk.request.settle ? failures : 0);
    this.#observer.chunkFinished(performance.now() - chunk.submittedAt, outcome.duration);
    this.#settle(chunk, () => chunk.resolve(outcome));
  }

  #fail(link: QueueLink, jobId: string, failedReason: unknown): void {
    const chunk = link.jobs.get(jobId);
    if (chunk === undefined) return;
    link.jobs.delete(jobId);
    void this.#removeJob(link, jobId);
    const { start, items } = chunk.request;
    const positions = items.map((_, i) => start + i);
    this.#failedItems += items.length;
    const reason = String(failedReason).slice(0, maxReasonLength);
    const error = reason.startsWith(rejectionPrefix) ? new JobRejectedError('worker', reason.slice(rejectionPrefix.length), positions) : new RemoteJobFailedError(reason, positions);
    this.#settle(chunk, () => chunk.reject(error));
  }

  async #removeJob(link: QueueLink, jobId: string): Promise<void> {
    try {
      const removed = await link.queue.remove(jobId);
      if (removed === 0) link.abandoned.add(jobId); // running (locked): removed when it finishes
    } catch (error) {
      // Redis went away: the job expires on its own (removeOnComplete age); nothing is lost.
      this.#lastError = error;
    }
  }

  // --- giving up, settling -----------------------------------------------------------------

  #giveUp(chunk: Chunk, abort: { reason: unknown } | undefined): void {
    if (chunk.state === 'settled') return;
    const { link, jobId } = chunk;
    if (link !== undefined && jobId !== undefined) {
      link.jobs.delete(jobId);
      void this.#removeJob(link, jobId);
    }
    this.#settle(chunk, () => abort !== undefined && chunk.reject(abort.reason));
  }

  #settle(chunk: Chunk, settle: () => void): void {
    if (chunk.state === 'settled') return;
    chunk.state = 'settled';
    this.#pending.delete(chunk);
    settle();
    this.#noteDrained();
    if (this.#pending.size === 0) {
      this.#observer.idle();
      this.#disarmWatchdog();
      if (this.#closing) {
        const onIdle = this.#onIdle;
        this.#onIdle = undefined;
        onIdle?.();
      }
    }
  }

  /** The pool's 'drain': no chunk of ours waits for a remote worker any more. */
  #noteDrained(): void {
    if (!this.#drainDue) return;
    for (const chunk of this.#pending) if (chunk.state === 'preparing' || chunk.state === 'waiting') return;
    this.#drainDue = false;
    this.#observer.drained();
  }

  // --- reachability ------------------------------------------------------------------------

  #onReachable(): void {
    const wasAway = !this.#reachable;
    this.#reachable = true;
    this.#disarmWatchdog();
    if (wasAway) this.#recoverLostJobs();
  }

  #onUnreachable(): void {
    if (!this.#reachable) return;
    this.#reachable = false;
    this.#unreachableSince = Date.now();
    this.#armWatchdog();
  }

  #armWatchdog(): void {
    if (this.#reachable || this.#watchdog !== undefined || this.#pending.size === 0) return;
    const { redisTimeout, server } = this.#options;
    const delay = Math.max(0, this.#unreachableSince + redisTimeout - Date.now());
    this.#watchdog = setTimeout(() => {
      this.#watchdog = undefined;
      const waited = Date.now() - this.#unreachableSince;
      for (const chunk of [...this.#pending]) {
        this.#settle(chunk, () => chunk.reject(new RedisUnavailableError(server, waited, { cause: this.#lastError })));
      }
    }, delay);
  }

  #disarmWatchdog(): void {
    clearTimeout(this.#watchdog);
    this.#watchdog = undefined;
  }

  /**
   * After a reconnection: outcomes we missed are read from the jobs, and jobs that Redis lost
   * (restarted without persistence) are added again. If Redis drops again meanwhile, the next
   * reconnection starts over.
   */
  #recoverLostJobs(): void {
    const check = async () => {
      for (const link of this.#opened) {
        for (const [jobId, chunk] of [...link.jobs]) {
          const state = await link.queue.getJobState(jobId);
          if (link.jobs.get(jobId) !== chunk) continue; // settled meanwhile
          if (state === 'unknown') {
            link.jobs.delete(jobId);
            chunk.jobId = undefined;
            chunk.state = 'preparing';
            this.#enqueue(link, chunk, chunk.task);
          } else if (state === 'completed' || state === 'failed') {
            const job = await link.queue.getJob(jobId);
            if (job === undefined) continue;
            if (state === 'completed') this.#deliver(link, jobId, job.returnvalue);
            else this.#fail(link, jobId, job.failedReason);
          }
        }
      }
    };
    check().catch((error: unknown) => {
      this.#lastError = error;
    });
  }

  /** The number of remote workers, for stats(); refreshed in the background at most once a second. */
  #refreshWorkerCount(): void {
    if (this.#stopped !== undefined || !this.#reachable || Date.now() - this.#workersCheckedAt < 1000) return;
    const link = this.#links.values().next().value;
    if (link === undefined) return;
    this.#workersCheckedAt = Date.now();
    link
      .then((opened) => opened.queue.getWorkersCount())
      .then(
        (count) => {
          this.#remoteWorkers = count;
        },
        (error: unknown) => {
          this.#lastError = error;
        },
      );
  }
}

function unsendable(request: ChunkSpec, error: unknown): TaskSerializationError {
  const { items, spread, start } = request;
  for (let i = 0; i < items.length; i++) {
    const culprit = findUncloneable(items[i], spread ? 'arguments' : 'item');
    if (culprit === undefined) continue;
    return new TaskSerializationError(
      `Item ${start + i} cannot be sent to a Redis worker: ${culprit.path} is ${culprit.type}, which cannot be serialized. ` +
        'Pass plain data (objects, arrays, strings, numbers, BigInt, typed arrays, Map, Set, Date).',
      start + i,
      { cause: error },
    );
  }
  return new TaskSerializationError(`The arguments could not be serialized for Redis: ${error instanceof Error ? error.message : String(error)}`, undefined, { cause: error });
}

