/** multicore worker --tasks-per-thread: a Redis pool's worker runs that many jobs at once on one thread (observed at a barrier, not timed). */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Pool, type ModuleTask } from 'multicore';
import { fixture, markFile } from '../helpers.js';
import { startRedis, startWorker, stopWorker, type RedisServer, type WorkerProcess } from './servers.js';

const tasks = fixture('concurrency-tasks.mjs');
const meet: ModuleTask<(path: string, count: number, limitMs: number) => Promise<string>> = { module: tasks, name: 'meet' };

describe('multicore worker --tasks-per-thread', () => {
  let redis: RedisServer;
  let worker: WorkerProcess;
  let pool: Pool;

  before(async () => {
    redis = await startRedis();
    worker = await startWorker(redis.url, { threads: 1, tasks: tasks.href, args: ['--tasks-per-thread', '4'] });
    pool = new Pool({ backend: 'redis', redis: redis.url });
  });

  after(async () => {
    await pool.terminate();
    await stopWorker(worker);
    await redis.stop();
  });

  it('runs 4 jobs at once on its one thread', async () => {
    const barrier = markFile();
    const where = await Promise.all(Array.from({ length: 4 }, () => pool.apply(meet, [barrier, 4, 20_000])));
    assert.equal(new Set(where).size, 1, 'all four on the one thread');
  });
});
