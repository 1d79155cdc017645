/**
 * The producer side of the Redis backend: each chunk becomes one BullMQ job on the queue of its
 * task module's task set (see task-set.ts), added in bulk (queue-link.ts); outcomes come back as
 * the jobs' return values through one listener per queue, and each job is removed once its
 * outcome has been read. Remote workers (`multicore worker`) run the jobs; see serve.ts.
 *
 * Redis being away is watched on one control connection (reachability.ts); after a reconnection
 * jobs that Redis lost are added again (lost-jobs.ts). Nothing read from Redis is trusted:
 * results are opened as job-format.ts says, and a result that fails fails its chunk with
 * ERR_JOB_REJECTED. Stopping never waits on Redis for long: closing the connections is given
 * closeGraceMs, then they are cut.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { JobRejectedError, MissingDependencyError, RedisUnavailableError, RemoteJobFailedError, TaskNotFoundError } from '../../errors.js';
import type { NormalizedRedisOptions } from '../../options/redis-options.js';
import type { Transferable } from '../../transport/transfer.js';
import { noObserver, type BackendObserver, type BroadcastOutcome, type ChunkSpec, type SubmitOptions } from '../backend.js';
import { redisKind } from '../backend-kinds.js';
import { BackendBase, type WorkerCounts } from '../backend-base.js';
import { loadDrivers } from './connection.js';
import { readEmitted, readOutcome, rejectionPrefix, type EmittedValue, type WireOptions } from './job-format.js';
import { recoverLostJobs } from './lost-jobs.js';
import { PayloadError } from './payload-check.js';
import { QueueLink, type LinkEvents, type LinkSettings } from './queue-link.js';
import { Reachability } from './reachability.js';
import { encodeJob, RedisChunk } from './redis-chunk.js';
import { loadTaskSet } from './task-set.js';

/** Kept in Redis at most this long when nobody reads them (the pool died or was terminated). */
const orphanAgeSeconds = 3600;

/** How long stopping waits for Redis to acknowledge removals and closes before it cuts the connections. */
const closeGraceMs = 1000;

/** Reasons from Redis are shown to the user: only so much of them. */
const maxReasonLength = 500;

export function createRedisBackend(concurrency: number, options: NormalizedRedisOptions, taskTimeout: number | undefined, observer: BackendObserver = noObserver): RedisBackend {
  return new RedisBackend(concurrency, options, taskTimeout, observer);
}

export class RedisBackend extends BackendBase<RedisChunk> {
  readonly concurrency: number;
  readonly origin = redisKind.origin;
  readonly capabilities = redisKind.capabilities;
  readonly #options: NormalizedRedisOptions;
  readonly #wire: WireOptions;
  /** The pool's taskTimeout: sent with every job, enforced where the job runs. */
  readonly #taskTimeout: number | undefined;
  readonly #settings: LinkSettings;
  readonly #links = new Map<string, Promise<QueueLink>>();
  readonly #opened: QueueLink[] = [];
  #remoteWorkers = 0;
  #workersCheckedAt = 0;
  readonly #reach: Reachability;
  readonly #linkEvents: LinkEvents = {
    active: () => this.#checkDrained(),
    progress: (link, jobId, data) => this.#emitted(link, jobId, data),
    completed: (link, jobId, returnvalue) => this.#deliver(link, jobId, returnvalue),
    failed: (link, jobId, failedReason) => this.#failJob(link, jobId, failedReason),
    addFailed: (chunks, error) => {
      for (const chunk of chunks) this.fail(chunk, new RedisUnavailableError(this.#options.server, undefined, { cause: error }));
    },
    added: () => this.#refreshWorkerCount(),
    error: (error) => this.#reach.record(error),
    stopped: () => this.stopped,
  };

  constructor(concurrency: number, options: NormalizedRedisOptions, taskTimeout: number | undefined, observer: BackendObserver) {
    super(observer);
    this.concurrency = concurrency;
    this.#options = options;
    this.#taskTimeout = taskTimeout;
    this.#wire = { secret: options.secret, maxJobBytes: options.maxJobBytes };
    // Ids of our own, not BullMQ's counter, so that after a Redis restart (which resets the
    // counter) a new job of another pool can never be taken for a lost one of ours.
    const jobIdPrefix = `p${randomBytes(6).toString('hex')}-`;
    let lastJobId = 0;
    this.#settings = {
      queue: options.queue,
      connection: options.connection,
      jobOptions: { attempts: options.attempts, backoff: { type: 'exponential', delay: options.backoff }, removeOnComplete: { age: orphanAgeSeconds }, removeOnFail: { age: orphanAgeSeconds } },
      wire: this.#wire,
      newJobId: () => `${jobIdPrefix}${++lastJobId}`,
      ownsJob: (jobId) => jobId.startsWith(jobIdPrefix),
    };
    this.#reach = new Reachability(options, {
      reconnected: () => this.#recover(),
      timedOut: (unavailable) => {
        for (const chunk of [...this.pending]) this.fail(chunk, unavailable());
      },
      busy: () => this.pending.size > 0,
    });
  }

  protected createChunk(spec: ChunkSpec, _transfer: Transferable[], options: SubmitOptions | undefined): RedisChunk {
    // Inline functions were refused by the API's guard (capabilities.inlineTasks).
    if (spec.task.kind === 'inline') throw new Error('multicore internal error: an inline task reached the Redis backend');
    const chunk = new RedisChunk(spec, this.chunkControl);
    chunk.onEmit = options?.onEmit;
    try {
      chunk.body = encodeJob(spec, options?.timeout ?? this.#taskTimeout, options?.onEmit !== undefined, this.#wire);
    } catch (error) {
      chunk.refusal = error as Error;
    }
    return chunk;
  }

  protected dispatch(chunk: RedisChunk): void {
    if (chunk.refusal !== undefined) {
      this.fail(chunk, chunk.refusal);
      return;
    }
    // Reachability is measured from the first connection attempt (see Reachability.client), not
    // from when the pool was created, nor while the drivers load (most of a second on a busy machine).
    if (this.#reach.connecting) this.#reach.arm();
    const moduleUrl = (chunk.spec.task as { module: string }).module;
    this.#linkFor(moduleUrl).then(
      (link) => this.#enqueue(link, chunk),
      (error: unknown) => this.fail(chunk, error),
    );
  }

  protected cancel(chunk: RedisChunk, abort: { reason: unknown } | undefined): void {
    if (chunk.link !== undefined && chunk.jobId !== undefined) chunk.link.take(chunk.jobId);
    if (abort === undefined) this.drop(chunk);
    else this.fail(chunk, abort.reason);
  }

  broadcast(): Promise<BroadcastOutcome[]> {
    // Refused by the API's guard (capabilities.broadcast): no message reaches each remote worker.
    throw new Error('multicore internal error: a broadcast reached the Redis backend');
  }

  protected workerCounts(): WorkerCounts {
    this.#refreshWorkerCount();
    let busy = 0;
    let queued = 0;
    for (const chunk of this.pending) {
      if (chunk.state === 'active') busy++;
      else queued += chunk.spec.items.length;
    }
    return { workers: this.stopped ? 0 : this.#remoteWorkers, busy, queued };
  }

  /**
   * Bounded whatever Redis does: BullMQ's close() waits for Redis to acknowledge, forever when it
   * has gone away (QueueEvents waits for an 'end' that ioredis never emits once reconnecting).
   * So removals and closes get closeGraceMs each (none when Redis is known to be away), then
   * every connection is cut; a cut connection holds no timer, so the process can exit.
   */
  protected async stopWorkers(abandoned: readonly RedisChunk[]): Promise<void> {
    this.#reach.disarm();
    if (this.#reach.reachable) {
      // Best effort: jobs that cannot be removed now expire after orphanAgeSeconds.
      const removals = abandoned.flatMap((chunk) => (chunk.link !== undefined && chunk.jobId !== undefined ? [chunk.link.remove(chunk.jobId)] : []));
      if (removals.length > 0) await Promise.race([Promise.allSettled(removals), delay(closeGraceMs, undefined, { ref: false })]);
    }
    // Links still opening (Redis unreachable) are not waited for: they close themselves on opening.
    const closing = Promise.allSettled(this.#opened.map((link) => link.close()));
    if (this.#reach.reachable) await Promise.race([closing, delay(closeGraceMs, undefined, { ref: false })]);
    for (const link of this.#opened) link.cut();
    this.#reach.disconnect();
  }

  protected override onSettled(): void {
    this.#checkDrained();
  }

  protected override onIdle(): void {
    this.#reach.disarm();
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
    const taskSet = await loadTaskSet(moduleUrl);
    try {
      const drivers = await loadDrivers();
      const link = await QueueLink.open(taskSet, this.#reach.client(drivers.ioredis), drivers, this.#settings, this.#linkEvents);
      this.#opened.push(link);
      return link;
    } catch (error) {
      // Drivers that are not installed are no Redis trouble: that error says what to install.
      if (error instanceof RedisUnavailableError || error instanceof MissingDependencyError) throw error;
      throw this.#reach.unavailable(error);
    }
  }

  #enqueue(link: QueueLink, chunk: RedisChunk): void {
    if (chunk.settled) return;
    const name = chunk.taskName;
    if (!link.taskSet.names.includes(name)) this.fail(chunk, new TaskNotFoundError(name, link.taskSet.module, [...link.taskSet.names]));
    else link.enqueue(chunk);
  }

  /** One value a job's task emitted; a forged or corrupt one is dropped, as it belongs to no task. */
  #emitted(link: QueueLink, jobId: string, progress: unknown): void {
    const chunk = link.jobs.get(jobId);
    if (chunk?.onEmit === undefined) return;
    let emitted: EmittedValue;
    try {
      emitted = readEmitted(progress, chunk.spec.items.length, { queue: link.queue.name, jobId }, this.#wire);
    } catch (error) {
      if (error instanceof PayloadError) return;
      throw error;
    }
    chunk.onEmit(emitted.index, emitted.data);
  }

  #deliver(link: QueueLink, jobId: string, returnvalue: unknown): void {
    const chunk = link.take(jobId);
    if (chunk === undefined) return;
    const count = chunk.spec.items.length;
    let result;
    try {
      result = readOutcome(returnvalue, count, { queue: link.queue.name, jobId }, this.#wire);
    } catch (error) {
      // Forged or corrupted (or a worker without the pool's secret): the items fail, nothing is decoded further.
      const reason = error instanceof PayloadError ? error.message : `its result could not be decoded (${String(error)})`;
      this.fail(chunk, new JobRejectedError('pool', `its result was refused: ${reason}`, chunk.positions), count);
      return;
    }
    this.complete(chunk, result);
  }

  #failJob(link: QueueLink, jobId: string, failedReason: unknown): void {
    const chunk = link.take(jobId);
    if (chunk === undefined) return;
    const reason = String(failedReason).slice(0, maxReasonLength);
    const positions = chunk.positions;
    const error = reason.startsWith(rejectionPrefix) ? new JobRejectedError('worker', reason.slice(rejectionPrefix.length), positions) : new RemoteJobFailedError(reason, positions);
    this.fail(chunk, error, positions.length);
  }

  /** The pool's 'drain': no chunk of ours waits for a remote worker any more. */
  #checkDrained(): void {
    for (const chunk of this.pending) if (chunk.state !== 'active') return;
    this.noteDrained();
  }

  #recover(): void {
    recoverLostJobs(this.#opened, {
      requeue: (link, chunk) => this.#enqueue(link, chunk),
      completed: (link, jobId, returnvalue) => this.#deliver(link, jobId, returnvalue),
      failed: (link, jobId, failedReason) => this.#failJob(link, jobId, failedReason),
    }).catch((error: unknown) => this.#reach.record(error));
  }

  /** The number of remote workers, for stats(); refreshed in the background at most once a second. */
  #refreshWorkerCount(): void {
    if (this.stopped || !this.#reach.reachable || Date.now() - this.#workersCheckedAt < 1000) return;
    const link = this.#links.values().next().value;
    if (link === undefined) return;
    this.#workersCheckedAt = Date.now();
    link
      .then((opened) => opened.queue.getWorkersCount())
      .then(
        (count) => {
          this.#remoteWorkers = count;
        },
        (error: unknown) => this.#reach.record(error),
      );
  }
}
