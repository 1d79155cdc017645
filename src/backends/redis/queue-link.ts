/**
 * One queue the pool sends to, and the one listener that hears its outcomes: opening both, adding
 * chunks as jobs in bulk, matching outcomes that come before addBulk returns, removing jobs once
 * read, and closing. What an outcome means for its chunk is the backend's (see LinkEvents).
 */
import type { JobsOptions, Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Drivers } from './connection.js';
import { sealBody, type WireOptions } from './job-format.js';
import type { RedisChunk } from './redis-chunk.js';
import { queueFor, type TaskSet } from './task-set.js';

export interface LinkEvents {
  /** A worker took the chunk. */
  active(chunk: RedisChunk): void;
  completed(link: QueueLink, jobId: string, returnvalue: unknown): void;
  failed(link: QueueLink, jobId: string, failedReason: unknown): void;
  /** Redis refused to add these chunks' jobs (out of memory, ACL...): nothing was queued. */
  addFailed(chunks: RedisChunk[], error: unknown): void;
  /** Jobs were added: a good moment to count the workers. */
  added(): void;
  /** Something went wrong that the watchdog may have to report. */
  error(error: unknown): void;
  /** The pool is stopping: a link still opening closes itself. */
  stopped(): boolean;
}

export interface LinkSettings {
  /** The queue's base name (the pool's `queue` option). */
  queue: string;
  connection: Record<string, unknown>;
  jobOptions: JobsOptions;
  wire: WireOptions;
  /** Our job ids: `${prefix}${n}` (see RedisBackend). */
  newJobId(): string;
  ownsJob(jobId: string): boolean;
}

export class QueueLink {
  readonly taskSet: TaskSet;
  readonly queue: Queue;
  /** Our chunks in Redis, by job id. */
  readonly jobs = new Map<string, RedisChunk>();
  readonly #events: QueueEvents;
  /** The listener's own connection, held so that stopping can cut it whatever BullMQ waits for. */
  readonly #eventsClient: Redis;
  readonly #handlers: LinkEvents;
  readonly #settings: LinkSettings;
  /** Chunks to add with the next addBulk. */
  #toAdd: RedisChunk[] = [];
  #addScheduled = false;
  /** addBulk calls in progress: an outcome can arrive before its job id is known. */
  #adding = 0;
  readonly #early = new Map<string, () => void>();
  /** Jobs given up while running: removed when they finish. */
  readonly #abandoned = new Set<string>();
  /** The id of the last event handled, where listening resumes if BullMQ's loop dies. */
  #lastEventId: string;

  /** Opens the queue and its listener on `control`; the listener gets a connection of its own. */
  static async open(taskSet: TaskSet, control: Redis, drivers: Drivers, settings: LinkSettings, handlers: LinkEvents): Promise<QueueLink> {
    const name = queueFor(settings.queue, taskSet);
    const queue = new drivers.bullmq.Queue(name, { connection: control });
    queue.on('error', handlers.error);
    // Listen from the stream's current end, read before any job is added, so no outcome of ours
    // can come before the listener (the default '$' would miss events added while it starts).
    const streamKey = `${queue.opts.prefix ?? 'bull'}:${name}:events`;
    const last = await control.xrevrange(streamKey, '+', '-', 'COUNT', 1);
    if (handlers.stopped()) {
      await queue.close();
      throw new Error('multicore: the pool stopped while its queue was opening');
    }
    // A connection of its own (XREAD blocks it), created here so that stopping can cut it.
    const eventsClient = new drivers.ioredis.Redis({ ...settings.connection, maxRetriesPerRequest: null });
    eventsClient.on('error', handlers.error);
    const link = new QueueLink(taskSet, queue, eventsClient, last[0]?.[0] ?? '0-0', drivers, settings, handlers);
    link.#listen(control, streamKey);
    return link;
  }

  /** Use QueueLink.open(), which reads where to listen from before the listener exists. */
  constructor(taskSet: TaskSet, queue: Queue, eventsClient: Redis, lastEventId: string, drivers: Drivers, settings: LinkSettings, handlers: LinkEvents) {
    this.taskSet = taskSet;
    this.queue = queue;
    this.#eventsClient = eventsClient;
    this.#lastEventId = lastEventId;
    this.#settings = settings;
    this.#handlers = handlers;
    const events = new drivers.bullmq.QueueEvents(queue.name, { connection: eventsClient as never, lastEventId, autorun: false });
    this.#events = events;
    events.on('error', handlers.error);
    events.on('active', ({ jobId }, id) => {
      this.#lastEventId = id;
      const chunk = this.jobs.get(jobId);
      if (chunk !== undefined && chunk.state === 'waiting') chunk.state = 'active';
      if (chunk !== undefined) handlers.active(chunk);
    });
    events.on('completed', ({ jobId, returnvalue }, id) => {
      this.#lastEventId = id;
      this.#onFinished(jobId, () => handlers.completed(this, jobId, returnvalue));
    });
    events.on('failed', ({ jobId, failedReason }, id) => {
      this.#lastEventId = id;
      this.#onFinished(jobId, () => handlers.failed(this, jobId, failedReason));
    });
  }

  /** Queues the chunk's job; chunks enqueued in the same turn (a map's first window) leave in one addBulk. */
  enqueue(chunk: RedisChunk): void {
    chunk.link = this;
    this.#toAdd.push(chunk);
    if (this.#addScheduled) return;
    this.#addScheduled = true;
    setImmediate(() => {
      this.#addScheduled = false;
      void this.#addJobs();
    });
  }

  /** The chunk waiting for `jobId`, no longer ours to wait for: its job is removed. */
  take(jobId: string): RedisChunk | undefined {
    const chunk = this.jobs.get(jobId);
    if (chunk === undefined) return undefined;
    this.jobs.delete(jobId);
    void this.remove(jobId);
    return chunk;
  }

  async remove(jobId: string): Promise<void> {
    try {
      const removed = await this.queue.remove(jobId);
      if (removed === 0) this.#abandoned.add(jobId); // running (locked): removed when it finishes
    } catch (error) {
      // Redis went away: the job expires on its own (removeOnComplete age); nothing is lost.
      this.#handlers.error(error);
    }
  }

  async close(): Promise<void> {
    await this.#events.close();
    await this.queue.close();
  }

  /** Cuts the listener's connection, whatever its close waits for. */
  cut(): void {
    this.#eventsClient.disconnect();
  }

  async #addJobs(): Promise<void> {
    const batch = this.#toAdd.splice(0).filter((chunk) => !chunk.settled);
    if (batch.length === 0) return;
    this.#adding++;
    const { wire, jobOptions } = this.#settings;
    try {
      const jobs = await this.queue.addBulk(
        batch.map((chunk) => {
          const jobId = this.#settings.newJobId();
          const data = sealBody('job', chunk.body, { queue: this.queue.name, jobId }, wire);
          return { name: chunk.taskName, data, opts: { ...jobOptions, jobId } };
        }),
      );
      jobs.forEach((job, i) => this.#added(batch[i]!, job.id!));
      this.#handlers.added();
    } catch (error) {
      this.#handlers.addFailed(batch, error);
    } finally {
      this.#adding--;
      for (const [jobId, finish] of this.#early) {
        if (this.jobs.has(jobId)) finish();
      }
      if (this.#adding === 0) this.#early.clear();
    }
  }

  #added(chunk: RedisChunk, jobId: string): void {
    if (chunk.settled) {
      // Given up while its job was being added.
      void this.remove(jobId);
      return;
    }
    chunk.jobId = jobId;
    if (chunk.state === 'preparing') chunk.state = 'waiting';
    this.jobs.set(jobId, chunk);
  }

  #onFinished(jobId: string, finish: () => void): void {
    if (this.jobs.has(jobId)) {
      finish();
      return;
    }
    if (this.#abandoned.delete(jobId)) {
      void this.remove(jobId);
      return;
    }
    // Ours, finished before addBulk returned; other pools' jobs are none of our business.
    if (this.#adding > 0 && this.#settings.ownsJob(jobId)) this.#early.set(jobId, finish);
  }

  /**
   * Runs BullMQ's event loop, and runs it again past the entry that stopped it. It rides out lost
   * connections itself, but dies on an entry it cannot parse (a returnvalue that is not JSON,
   * which anyone who can write to Redis can add), and would then leave every pending call waiting
   * forever. The entries after the last one handled are only those we do not listen to, up to the
   * bad one: each restart skips one of them.
   */
  #listen(control: Redis, streamKey: string): void {
    this.#events.run().catch(async (error: unknown) => {
      if (this.#handlers.stopped()) return;
      this.#handlers.error(error);
      try {
        const [next] = await control.xrange(streamKey, `(${this.#lastEventId}`, '+', 'COUNT', 1);
        if (next !== undefined) {
          this.#lastEventId = next[0];
          // If it was the completion of one of our jobs, that job's result is unreadable: its chunk fails.
          const fields = next[1];
          const field = (name: string) => {
            const at = fields.findIndex((text, i) => i % 2 === 0 && text === name);
            return at === -1 ? undefined : fields[at + 1];
          };
          const jobId = field('jobId');
          if (field('event') === 'completed' && jobId !== undefined) this.#onFinished(jobId, () => this.#handlers.completed(this, jobId, undefined));
        }
      } catch (lookup) {
        this.#handlers.error(lookup);
      }
      if (this.#handlers.stopped()) return;
      (this.#events.opts as { lastEventId?: string }).lastEventId = this.#lastEventId;
      this.#listen(control, streamKey);
    });
  }
}
