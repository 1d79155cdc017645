/**
 * The worker side of the Redis backend, run by `multicore worker`: one BullMQ Worker per task
 * module, all feeding one local thread group. A job names its task; the name is looked up in the
 * task set read from the worker's own modules, so a job can only ever run a function that this
 * machine's operator chose to serve. Nothing in a job is evaluated: items are decoded data.
 *
 * Locks are short (lockDuration 4 s, renewed every 2 s; stalled checks every second) so that the
 * jobs of a worker killed without warning go back to the queue within about 5 s. The price is
 * that a worker whose main thread is blocked for 4 s loses its jobs to others: tasks run on
 * threads, so only the decoding of huge chunks could do that.
 *
 * A job that is not a chunk this worker can run at bounded cost (too large, unsigned or wrongly
 * signed when the worker has a secret, not decodable at bounded cost, or malformed) is rejected
 * before anything is decoded further: it fails once, with BullMQ's UnrecoverableError so that no
 * attempt is spent on it, and the worker goes on.
 */
import type { Job } from 'bullmq';
import type { RedisOptions } from 'ioredis';
import { TaskNotFoundError, TaskSerializationError, TaskTimeoutError, WorkerCrashedError } from '../../errors.js';
import { serializeError } from '../../transport/error-codec.js';
import { plainData, unsendableValue } from '../../transport/unsendable.js';
import type { ChunkResult } from '../backend.js';
import { createThreadBackend } from '../thread/thread-backend.js';
import { noObserver } from '../backend.js';
import { encodeValue } from './codec.js';
import { readJob, rejectionPrefix, sealBody, type ChunkJob, type Envelope, type WireOptions } from './job-format.js';
import { bullmqConnection, loadDrivers } from './connection.js';
import { PayloadError } from './payload-check.js';
import { waitForRedis } from './reach.js';
import { loadTaskSet, queueFor, type TaskSet } from './task-set.js';

export interface ServeOptions {
  connection: RedisOptions;
  /** The queue's base name (`--queue`). */
  queue: string;
  /** Task modules, as URLs. */
  modules: string[];
  threads: number;
  /** Tasks each thread runs at once (`--tasks-per-thread`, concurrentTasksPerWorker). */
  tasksPerThread: number;
  /** Jobs must be signed with it, and results are; undefined: unsigned. */
  secret: Buffer | undefined;
  /** The largest job body accepted, and result sent, in bytes. */
  maxJobBytes: number;
  /** Times a job whose worker died is handed to another before it fails (BullMQ's maxStalledCount). */
  maxStalls: number;
  /** The first connection: retried every retryMs for timeoutMs (see reach.ts). */
  connect: { server: string; retryMs: number; timeoutMs: number };
  /** Where progress and problems are reported. */
  log(line: string): void;
}

export interface ServedQueue {
  queue: string;
  taskSet: TaskSet;
}

export interface TaskServer {
  readonly served: ServedQueue[];
  /** Takes no new jobs, finishes the running ones, then stops the threads. */
  close(): Promise<void>;
  /** Stops now: running jobs are handed back to Redis by stall detection. */
  kill(): Promise<void>;
}

export const workerTimings = { lockDuration: 4000, stalledInterval: 1000 } as const;

/** The default of `--max-stalls`. */
export const defaultMaxStalls = 2;

export async function serveTasks(options: ServeOptions): Promise<TaskServer> {
  const taskSets = await Promise.all(options.modules.map(readTaskSet));
  await waitForRedis({ connection: options.connection, ...options.connect, log: options.log });
  const { Worker, UnrecoverableError } = (await loadDrivers()).bullmq;
  const wire: WireOptions = { secret: options.secret, maxJobBytes: options.maxJobBytes };
  const threads = createThreadBackend({
    workers: options.threads,
    // A fixed group of threads: every one serves jobs for the worker's whole life.
    minWorkers: options.threads,
    idleTimeout: 0,
    // A job's task that watches taskSignal() stops at its timeout and keeps its thread.
    abortGrace: 300,
    resourceLimits: undefined,
    initializer: undefined,
    maxTasksPerWorker: undefined,
    concurrentTasksPerWorker: options.tasksPerThread,
    // Each job carries its own limit (the pool's taskTimeout or the call's timeout).
    taskTimeout: undefined,
  }, noObserver);
  const served = taskSets.map((taskSet) => ({ queue: queueFor(options.queue, taskSet), taskSet }));
  const workers = served.map(({ queue, taskSet }) => {
    const known = new Set(taskSet.names);
    const run = async (job: Job): Promise<Envelope> => {
      const context = { queue: job.queueName, jobId: String(job.id) };
      let chunk: ChunkJob;
      try {
        chunk = readJob(job.data, context, wire);
      } catch (error) {
        if (!(error instanceof PayloadError)) throw error;
        options.log(`multicore worker: ${queue}: rejected job ${JSON.stringify(context.jobId.slice(0, 100))}: ${error.message}`);
        throw new UnrecoverableError(`${rejectionPrefix}${error.message}`);
      }
      const emitter = chunk.emits === true ? progressEmitter(job, context, wire, options.log) : undefined;
      const outcome = await runChunk(threads, taskSet, known, chunk, job, emitter?.onEmit);
      // Every emitted value reaches Redis before the result, so the pool hears them first.
      await emitter?.sent();
      return sealBody('result', encodeOutcome(outcome, chunk, options.maxJobBytes), context, wire);
    };
    const worker = new Worker(queue, run, {
      connection: bullmqConnection(options.connection),
      // One chunk waiting per lane besides the running ones, so threads never wait for Redis.
      concurrency: options.threads * options.tasksPerThread * 2,
      maxStalledCount: options.maxStalls,
      ...workerTimings,
    });
    worker.on('error', (error) => options.log(`multicore worker: ${queue}: ${error.message}`));
    return worker;
  });
  await Promise.all(workers.map((worker) => worker.waitUntilReady()));
  return {
    served,
    async close() {
      await Promise.all(workers.map((worker) => worker.close()));
      await threads.shutdown();
    },
    async kill() {
      await Promise.all(workers.map((worker) => worker.close(true)));
      await threads.terminate(new Error('multicore worker stopped'));
    },
  };
}

async function readTaskSet(moduleUrl: string): Promise<TaskSet> {
  const taskSet = await loadTaskSet(moduleUrl);
  if (taskSet.names.length === 0) throw new TypeError(`--tasks ${moduleUrl} exports no functions, so there is nothing to serve`);
  return taskSet;
}

type Threads = ReturnType<typeof createThreadBackend>;

/**
 * Sends what a job's tasks emit as the job's progress, one sealed value at a time, in order.
 * A value that cannot be sent is logged and dropped: the task itself goes on.
 */
function progressEmitter(job: Job, context: { queue: string; jobId: string }, wire: WireOptions, log: (line: string) => void) {
  let chain = Promise.resolve();
  return {
    onEmit(index: number, data: unknown): void {
      let body: string;
      try {
        const bytes = encodeValue({ index, data });
        if (bytes.length > wire.maxJobBytes) throw new RangeError(`it encodes to ${bytes.length} bytes, more than --max-job-bytes (${wire.maxJobBytes})`);
        body = bytes.toString('base64');
      } catch (error) {
        log(`multicore worker: ${context.queue}: job ${context.jobId}: an emitted value was dropped: ${error instanceof Error ? error.message : String(error)}`);
        return;
      }
      const envelope = sealBody('emit', body, context, wire);
      chain = chain.then(
        () => job.updateProgress(envelope as never),
      ).catch((error: unknown) => log(`multicore worker: ${context.queue}: job ${context.jobId}: an emitted value was lost: ${error instanceof Error ? error.message : String(error)}`));
    },
    sent: () => chain,
  };
}

/** Runs a chunk on the threads. Throws for a chunk whose task failed while the job has attempts left, so that BullMQ retries it. */
async function runChunk(threads: Threads, taskSet: TaskSet, known: Set<string>, chunk: ChunkJob, job: Job, onEmit: ((index: number, data: unknown) => void) | undefined): Promise<ChunkResult> {
  if (!known.has(chunk.task)) {
    const error = new TaskNotFoundError(chunk.task, taskSet.module, [...taskSet.names]);
    return { results: [], errors: [[0, serializeError(error)]], duration: 0 };
  }
  const { timeout, emits: _emits, ...request } = chunk;
  const submission = threads.submit({ ...request, task: { kind: 'module', module: taskSet.module, name: chunk.task } }, [], { timeout, ...(onEmit && { onEmit }) });
  let outcome: ChunkResult;
  try {
    outcome = await submission.promise;
  } catch (error) {
    // A thread died under an item (out of memory, process.exit) or ran past the job's timeout:
    // that item fails, with its class.
    const index =
      error instanceof WorkerCrashedError && error.items.length > 0
        ? error.items[0]! - chunk.start
        : error instanceof TaskTimeoutError
          ? error.index - chunk.start
          : 0;
    return { results: [], errors: [[index, serializeError(error)]], duration: 0 };
  }
  const { results, errors, duration } = outcome;
  if (errors === undefined) return { results, duration };
  if (job.attemptsMade + 1 < (job.opts.attempts ?? 1)) {
    // Throwing makes BullMQ run the whole chunk again after the pool's backoff; the last attempt
    // returns the errors, so the caller sees the task's own error, never this one.
    throw new Error(`a task failed in chunk at item ${chunk.start}; attempt ${job.attemptsMade + 1} of ${job.opts.attempts}, trying again`);
  }
  return { results, errors, duration };
}

/** The outcome in base64; results that cannot cross, or are over maxJobBytes, become the items' error. */
function encodeOutcome(outcome: ChunkResult, chunk: ChunkJob, maxJobBytes: number): string {
  let failure: Error;
  try {
    const bytes = encodeValue(outcome);
    if (bytes.length <= maxJobBytes) return bytes.toString('base64');
    failure = new TaskSerializationError(
      `The results of the job holding items from ${chunk.start} encode to ${bytes.length} bytes, more than this worker's --max-job-bytes (${maxJobBytes}): ` +
        'return less per item, pass a smaller chunksize, or raise --max-job-bytes here and maxJobBytes in the pool.',
      chunk.start,
    );
  } catch (error) {
    // Results that crossed from the thread can be cloned, so this is rare (a SharedArrayBuffer).
    failure = unsendableValue(`The results of the job holding items from ${chunk.start} cannot be sent back through Redis`, outcome.results, 'results', error, chunk.start, ` Return plain data (${plainData}): shared memory stays on its machine.`);
  }
  const serialized = serializeError(failure);
  const errors: [number, ReturnType<typeof serializeError>][] = chunk.settle ? chunk.items.map((_, i) => [i, serialized]) : [[0, serialized]];
  return encodeValue({ results: [], errors, duration: outcome.duration }).toString('base64');
}
