/**
 * `multicore run --redis URL`: jobs go to a BullMQ queue instead of a local shell, and
 * `multicore worker --shell` processes anywhere run them with their own slots. Each queued job
 * stands in for a child process (the runner handles it like one): its stdout and stderr arrive
 * whole when it ends, then 'close' with its exit status. A worker that dies mid-job loses no job:
 * its lock expires and BullMQ gives the job to another worker.
 */
import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import type { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { bullmqConnection, loadDrivers } from '../../backends/redis/connection.js';
import { redisConnection } from '../../options/redis-options.js';
import { RunUsageError } from '../errors.js';
import { parseJobResult, type ShellJobData } from './protocol.js';

/** A queued job, shaped like the child process the runner would otherwise have. */
class RemoteChild extends EventEmitter {
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  readonly stdin = null;
  readonly pid = undefined;
  #ended = false;

  finish(stdout: Buffer, stderr: Buffer, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.#ended) return;
    this.#ended = true;
    this.stdout.end(stdout);
    this.stderr.end(stderr);
    let open = 2;
    const closed = (): void => {
      if (--open === 0) this.emit('close', code, signal);
    };
    this.stdout.on("end", closed);
    this.stderr.on('end', closed);
  }

  /** A stop (signal, --halt now) cannot reach a remote process: the job is given up on here. */
  kill(): boolean {
    this.finish(Buffer.alloc(0), Buffer.alloc(0), null, 'SIGTERM');
    return true;
  }
}

export class RemoteJobs {
  readonly #runId = `${process.pid}-${Date.now().toString(36)}`;

  readonly #queue: Queue;
  readonly #events: QueueEvents;

  private constructor(queue: Queue, events: QueueEvents) {
    this.#queue = queue;
    this.#events = events;
  }

  static async open(url: string, name: string): Promise<RemoteJobs> {
    let connection;
    try {
      connection = redisConnection('--redis', url);
    } catch (error) {
      throw new RunUsageError((error as Error).message);
    }
    const { Queue, QueueEvents } = (await loadDrivers()).bullmq;
    const queue = new Queue(name, { connection: bullmqConnection(connection) });
    // Events are read from the stream's end as it is now, before any job of ours is added: the
    // default start ('$') counts from the listener's first read, which can come after a fast
    // job's end, and that job's wait would never end.
    const client = (await queue.backend.client) as unknown as Redis; // BullMQ types it as its own narrow client
    const [last] = await client.xrevrange(queue.keys.events!, '+', '-', 'COUNT', 1);
    const events = new QueueEvents(name, { connection: bullmqConnection(connection), lastEventId: last?.[0] ?? '0-0' });
    await events.waitUntilReady();
    return new RemoteJobs(queue, events);
  }

  /** Queues one job; the returned stand-in emits its output and 'close' once a worker ran it. */
  spawn(job: { command: string; seq: number; slot: number; stdin: Buffer | undefined; attempt: number }): ChildProcess {
    const child = new RemoteChild();
    const data: ShellJobData = {
      seq: job.seq, slot: job.slot, command: Buffer.from(job.command, 'latin1').toString('base64'), stdin: job.stdin?.toString('base64') ?? null,
    };
    void (async () => {
      try {
        // Kept until its result is read: waitUntilFinished looks the job up once it listens, and a
        // job that finished and was removed before that reads as missing, i.e. failed.
        const queued = await this.#queue.add('shell', data, { jobId: `${this.#runId}-${job.seq}-${job.attempt}`, removeOnComplete: false, removeOnFail: false });
        const result = parseJobResult(await queued.waitUntilFinished(this.#events));
        child.finish(Buffer.from(result.stdout, 'base64'), Buffer.from(result.stderr, 'base64'), result.code, result.signal);
        await queued.remove();
      } catch (error) {
        child.finish(Buffer.alloc(0), Buffer.from(`multicore run: job ${job.seq} failed on Redis: ${(error as Error).message}\n`), 255, null);
      }
    })();
    return child as unknown as ChildProcess;
  }

  async close(): Promise<void> {
    await Promise.all([this.#events.close(), this.#queue.close()]);
  }
}
