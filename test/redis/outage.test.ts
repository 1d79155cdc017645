/**
 * Redis going away, or refusing us: terminate() and join() resolve whatever Redis does, and
 * `multicore worker` says what it waits for and gives up when it should.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Pool, type ModuleTask } from 'multicore';
import { multicore } from '../helpers.js';
import { freePort, remoteTasks, startRedis, startWorker, stopWorker } from './servers.js';

const slowWho: ModuleTask<(value: number, ms: number) => [number, number]> = { module: remoteTasks, name: 'slowWho' };
const add: ModuleTask<(a: number, b: number) => number> = { module: remoteTasks, name: 'add' };
const runCli = (args: string[], env: NodeJS.ProcessEnv = {}) => multicore(...args, { env });

describe('Redis going away during a call', () => {
  it('fault 3: the call fails with ERR_REDIS_UNAVAILABLE, then terminate() resolves, and stays resolved when Redis is back', { timeout: 60_000 }, async () => {
    const redis = await startRedis();
    const worker = await startWorker(redis.url, { threads: 2 });
    const pool = new Pool({ backend: 'redis', redis: redis.url, redisTimeout: 500 });
    try {
      assert.equal(await pool.apply(add, [1, 2]), 3, 'the pool works, and its listener is open');
      const running = pool.starmap(slowWho, [[1, 60_000], [2, 60_000]]).catch((error: unknown) => error);
      await redis.kill();
      assert.equal(((await running) as { code: string }).code, 'ERR_REDIS_UNAVAILABLE');
      await pool.terminate();
      await redis.start();
    } finally {
      await pool.terminate();
      await stopWorker(worker, 'SIGKILL');
      await redis.stop();
    }
  });

  it('terminate() while Redis is away and the call still waits for it: the call fails with ERR_POOL_TERMINATED, terminate() resolves', { timeout: 60_000 }, async () => {
    const redis = await startRedis();
    const worker = await startWorker(redis.url, { threads: 1 });
    const pool = new Pool({ backend: 'redis', redis: redis.url, redisTimeout: 600_000 });
    try {
      assert.equal(await pool.apply(add, [1, 2]), 3);
      const call = pool.starmap(slowWho, [[1, 60_000]]).catch((error: unknown) => error);
      await redis.kill();
      await pool.terminate();
      assert.equal(((await call) as { code: string }).code, 'ERR_POOL_TERMINATED');
    } finally {
      await stopWorker(worker, 'SIGKILL');
      await redis.stop();
    }
  });

  it('close() and join() while Redis is away: join() resolves once the pending work has failed', { timeout: 60_000 }, async () => {
    const redis = await startRedis();
    const worker = await startWorker(redis.url, { threads: 1 });
    const pool = new Pool({ backend: 'redis', redis: redis.url, redisTimeout: 500 });
    try {
      assert.equal(await pool.apply(add, [1, 2]), 3);
      const call = pool.starmap(slowWho, [[1, 60_000]]).catch((error: unknown) => error);
      await redis.kill();
      pool.close();
      await pool.join();
      assert.equal(((await call) as { code: string }).code, 'ERR_REDIS_UNAVAILABLE');
    } finally {
      await pool.terminate();
      await stopWorker(worker, 'SIGKILL');
      await redis.stop();
    }
  });
});

describe('multicore worker: reaching Redis', () => {
  it('unreachable: says which address it retries (no password) and how often, then gives up after --connect-timeout with exit 1', { timeout: 60_000 }, async () => {
    const port = await freePort(); // nothing listens there
    const result = await runCli(['worker', '--tasks', remoteTasks, '--redis', `redis://app:Sekr3tPassw0rd@127.0.0.1:${port}`, '--connect-timeout', '1500']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, new RegExp(`cannot reach Redis at 127\\.0\\.0\\.1:${port} \\(.*ECONNREFUSED.*\\); retrying every 1000 ms`));
    assert.match(result.stderr, /gave up after 1500 ms \(--connect-timeout\)/);
    assert.doesNotMatch(result.stderr + result.stdout, /Sekr3tPassw0rd/);
  });

  it('fault 5: a wrong password exits 1 at once, saying the server refused the credentials', { timeout: 60_000 }, async () => {
    const redis = await startRedis(() => ['--user', 'default', 'off', '--user', 'app', 'on', '>right-password', '~bull:*', '&*', '+@all']);
    try {
      // A connect timeout far beyond the test's: exiting proves that the refusal was not retried.
      const wrong = await runCli(['worker', '--tasks', remoteTasks, '--redis', `redis://app:Wr0ngPassw0rd@127.0.0.1:${redis.port}`, '--connect-timeout', '600000']);
      assert.equal(wrong.code, 1);
      assert.match(wrong.stderr, new RegExp(`Redis at 127\\.0\\.0\\.1:${redis.port} refused the credentials \\(WRONGPASS`));
      assert.doesNotMatch(wrong.stderr + wrong.stdout, /Wr0ngPassw0rd/);
      const none = await runCli(['worker', '--tasks', remoteTasks, '--redis', `redis://127.0.0.1:${redis.port}`, '--connect-timeout', '600000']);
      assert.equal(none.code, 1);
      assert.match(none.stderr, /refused the credentials/);
    } finally {
      await redis.stop();
    }
  });

  it('bad values of the new options exit 2', async () => {
    for (const [args, message] of [
      [['--connect-timeout', 'soon'], /--connect-timeout must be a whole number/],
      [['--connect-timeout', '0'], /--connect-timeout must be a positive integer/],
      [['--max-job-bytes', '10'], /--max-job-bytes must be from 1024/],
      [['--max-stalls', 'many'], /--max-stalls must be a whole number/],
      [['--secret-file', '/no/such/secret'], /--secret-file \/no\/such\/secret cannot be read/],
    ] as const) {
      const result = await runCli(['worker', '--tasks', remoteTasks, ...args]);
      assert.equal(result.code, 2, args.join(' '));
      assert.match(result.stderr, message);
    }
    const short = await runCli(['worker', '--tasks', remoteTasks], { MULTICORE_SECRET: 'short' });
    assert.equal(short.code, 2);
    assert.match(short.stderr, /MULTICORE_SECRET must be at least 16 bytes/);
  });
});
