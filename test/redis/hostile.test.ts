/**
 * Anyone who can write to Redis, against a real redis-server and real `multicore worker`
 * processes: forged jobs and forged results, fuzzed and hand-written, never crash, hang or bloat a
 * worker or the producer; a rejected job fails once and the worker goes on.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { serialize } from 'node:v8';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { JobRejectedError, Pool, type ModuleTask } from 'multicore';
import { attacks, fuzzed, random } from './fuzz.js';
import { listeningQueue, remoteTasks, startRedis, startWorker, stopWorker, type RedisServer, type WorkerProcess } from './servers.js';
import { envelope, jobBytes } from './wire.js';

const add: ModuleTask<(a: number, b: number) => number> = { module: remoteTasks, name: 'add' };

/** Resident memory of a process we started, from /proc (the tests run on Linux). */
function rssOf(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match![1]) * 1024;
}

const mib = 1024 * 1024;

describe('forged jobs against a real worker', () => {
  let redis: RedisServer;
  let worker: WorkerProcess;
  let queue: Queue;
  let events: QueueEvents;
  let closeQueue: () => Promise<void>;
  let pool: Pool;

  before(async () => {
    redis = await startRedis();
    worker = await startWorker(redis.url, { threads: 1 });
    ({ queue, events, close: closeQueue } = await listeningQueue(worker.queue, redis.port));
    pool = new Pool({ backend: 'redis', redis: redis.url });
  });

  after(async () => {
    await pool.terminate();
    await closeQueue();
    await stopWorker(worker);
    await redis.stop();
  });

  it('fault 1: a job of 2^32 - 1 spread arguments fails once, with ERR_JOB_REJECTED, and the worker lives', async () => {
    for (const [items, spread] of [[[new Array(2 ** 32 - 1)], true], [new Array(2 ** 32 - 1), false]] as const) {
      const bytes = serialize({ task: 'add', start: 0, spread, settle: false, items });
      assert.ok(bytes.length < 100, `${bytes.length} bytes`);
      const job = await queue.add('add', envelope(bytes), { attempts: 3 });
      await assert.rejects(job.waitUntilFinished(events), /ERR_JOB_REJECTED: it holds holey arrays of 4294967295/);
      const failed = await queue.getJob(job.id!);
      assert.equal(failed!.attemptsMade, 1, 'one attempt, not three');
    }
    assert.equal(worker.child.exitCode, null, 'the worker is alive');
    assert.equal(await pool.apply(add, [40, 2]), 42, 'and serves the next job');
  });

  it('fuzzed: a few hundred hostile jobs leave the worker alive, serving, and under 400 MiB', { timeout: 120_000 }, async () => {
    const next = random(1201);
    const bodies = [...attacks(), ...Array.from({ length: 300 }, () => fuzzed(next))];
    // Valid-looking jobs around the fuzz too, so that decoding, spreading and running are all reached.
    bodies.push(jobBytes('add', [[1, 2], [3, 4]], true), jobBytes('echo', [new Map([[1, 2]]), new Date(0)]), jobBytes('add', [[], [1], new Array(3)], true));
    const ids = new Set<string>();
    const finished = new Promise<void>((resolve) => {
      const done = ({ jobId }: { jobId: string }) => {
        ids.delete(jobId);
        if (ids.size === 0) resolve();
      };
      events.on('completed', done);
      events.on('failed', done);
    });
    const jobs = await queue.addBulk(bodies.map((bytes, i) => ({ name: i % 2 === 0 ? 'add' : 'echo', data: envelope(bytes), opts: { jobId: `fuzz-${i}`, attempts: 2 } })));
    for (const job of jobs) ids.add(job.id!);
    await finished;
    assert.equal(worker.child.exitCode, null, 'the worker is alive');
    assert.ok(rssOf(worker.pid) < 400 * mib, `worker RSS ${Math.round(rssOf(worker.pid) / mib)} MiB`);
    for (const job of await queue.getFailed(0, -1)) assert.equal(job.attemptsMade, 1, `${job.id}: ${job.failedReason}`);
    assert.equal(await pool.apply(add, [1, 1]), 2);
  });

  it('a job that the worker finds too large is one rejected item in mapSettled, the rest fulfil', async () => {
    const small = await startWorker(redis.url, { threads: 1, queue: 'small', args: ['--max-job-bytes', '1024'] });
    const smallPool = new Pool({ backend: 'redis', redis: redis.url, queue: 'small' });
    const size: ModuleTask<(text: string) => number> = { module: remoteTasks, name: 'size' };
    try {
      const outcomes = await smallPool.mapSettled(size, ['a', 'b'.repeat(5000), 'cc'], { chunksize: 1 });
      assert.deepEqual(outcomes[0], { status: 'fulfilled', value: 1 });
      assert.deepEqual(outcomes[2], { status: 'fulfilled', value: 2 });
      assert.equal(outcomes[1]!.status, 'rejected');
      const reason = (outcomes[1] as PromiseRejectedResult).reason as JobRejectedError;
      assert.ok(reason instanceof JobRejectedError);
      assert.equal(reason.code, 'ERR_JOB_REJECTED');
      assert.equal(reason.rejectedBy, 'worker');
      assert.deepEqual(reason.items, [1]);
      assert.match(reason.message, /more than maxJobBytes \(1024\)/);
    } finally {
      await smallPool.terminate();
      await stopWorker(small);
    }
  });
});

describe('forged results against the producer', () => {
  let redis: RedisServer;
  let queueName: string;
  let client: Redis;

  before(async () => {
    redis = await startRedis();
    // A worker only to learn the queue's name; the jobs must then wait, unserved.
    const worker = await startWorker(redis.url, { threads: 1 });
    queueName = worker.queue;
    await stopWorker(worker);
    client = new Redis(redis.port, '127.0.0.1');
  });

  after(async () => {
    client.disconnect();
    await redis.stop();
  });

  /** Starts `count` applies, and returns their outcomes to come with their waiting job ids, in order. */
  async function pendingApplies(pool: Pool, count: number): Promise<{ settled: Promise<PromiseSettledResult<number>[]>; ids: string[] }> {
    const settled = Promise.allSettled(Array.from({ length: count }, (_, i) => pool.apply(add, [i, 1])));
    const queue = new Queue(queueName, { connection: { host: '127.0.0.1', port: redis.port } });
    try {
      let waiting: string[] = [];
      while (waiting.length < count) {
        waiting = (await queue.getWaiting(0, -1)).map((job) => job.id!);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return { settled, ids: waiting };
    } finally {
      await queue.close();
    }
  }

  const completed = (jobId: string, returnvalue: string) => client.xadd(`bull:${queueName}:events`, '*', 'event', 'completed', 'jobId', jobId, 'returnvalue', returnvalue);

  it('fault 2: a 2^32 - 1 results array fails the call with ERR_JOB_REJECTED, and the producer stays small', async () => {
    const pool = new Pool({ backend: 'redis', redis: redis.url });
    try {
      const rss = process.memoryUsage().rss;
      const { settled, ids } = await pendingApplies(pool, 1);
      const forged = serialize({ results: new Array(2 ** 32 - 1), duration: 1 });
      assert.ok(forged.length < 60);
      await completed(ids[0]!, JSON.stringify(envelope(forged)));
      const [outcome] = await settled;
      assert.equal(outcome!.status, 'rejected');
      assert.ok(((error: JobRejectedError) => {
        assert.ok(error instanceof JobRejectedError);
        assert.equal(error.rejectedBy, 'pool');
        assert.match(error.message, /its result was refused: it holds holey arrays/);
        return true;
      })((outcome as PromiseRejectedResult).reason as JobRejectedError));
      assert.ok(process.memoryUsage().rss - rss < 200 * mib);
    } finally {
      await pool.terminate();
    }
  });

  it('fuzzed: hundreds of forged results, and events BullMQ cannot parse, each settle their call and never bloat the producer', { timeout: 120_000 }, async () => {
    const pool = new Pool({ backend: 'redis', redis: redis.url });
    try {
      const next = random(77);
      const payloads = [...attacks(), ...Array.from({ length: 200 }, () => fuzzed(next))];
      const rss = process.memoryUsage().rss;
      const { settled: all, ids } = await pendingApplies(pool, payloads.length + 3);
      for (let i = 0; i < payloads.length; i++) await completed(ids[i]!, JSON.stringify(envelope(payloads[i]!)));
      // Not JSON at all, a JSON that is no envelope, and a failure reason of a megabyte.
      await completed(ids[payloads.length]!, '{not json');
      await completed(ids[payloads.length + 1]!, '"just a string"');
      await client.xadd(`bull:${queueName}:events`, '*', 'event', 'failed', 'jobId', ids[payloads.length + 2]!, 'failedReason', 'x'.repeat(mib));
      const settled = await all;
      for (const outcome of settled) {
        if (outcome.status === 'fulfilled') continue; // a fuzzed payload may happen to be a valid outcome
        const error = outcome.reason as Error & { code?: string };
        assert.ok(['ERR_JOB_REJECTED', 'ERR_REMOTE_JOB_FAILED'].includes(error.code!), String(error));
        assert.ok(error.message.length < 2000, 'reasons from Redis are cut short');
      }
      assert.ok(process.memoryUsage().rss - rss < 300 * mib, `producer grew ${Math.round((process.memoryUsage().rss - rss) / mib)} MiB`);
    } finally {
      await pool.terminate();
    }
  });
});
