import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { Pool, type ModuleTask } from 'multicore';
import { remoteTasks, startRedis, startWorker, stopWorker, type RedisServer, type WorkerProcess } from './servers.js';
import { reasons, unsupportedOn } from '../runtimes/support.js';

/** Polls a condition that the pool's own events make true. */
async function waitUntil(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}

const ref = <F extends (...args: any[]) => unknown>(name: string): ModuleTask<F> => ({ module: remoteTasks, name });

describe('Pool over Redis: the methods behave as with threads', () => {
  let redis: RedisServer;
  let workers: WorkerProcess[];
  let pool: Pool;

  before(async () => {
    redis = await startRedis();
    workers = await Promise.all([startWorker(redis.url, { threads: 1 }), startWorker(redis.url, { threads: 1 })]);
    pool = new Pool({ backend: 'redis', redis: redis.url });
  });

  after(async () => {
    await pool.terminate();
    const exits = [];
    for (const worker of workers) exits.push(await stopWorker(worker));
    if (!unsupportedOn({ deno: reasons.denoExitStatus }, 'redis methods: the workers exit 0 on SIGTERM')) {
      for (const exit of exits) assert.deepEqual(exit, { code: 0, signal: null }, 'worker exits cleanly on SIGTERM');
    }
    await redis.stop();
  });

  it('map returns every result in input order, across both workers', async () => {
    const input = Array.from({ length: 2000 }, (_, i) => i);
    const squares = await pool.map(ref<(x: number) => number>('square'), input);
    assert.deepEqual(squares, input.map((x) => x * x));
    const who = await pool.map(ref<(x: number) => [number, number]>('napWho'), [1, 2, 3, 4, 5, 6, 7, 8], { chunksize: 1 });
    assert.deepEqual(who.map(([value]) => value), [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.deepEqual(new Set(who.map(([, pid]) => pid)), new Set(workers.map((worker) => worker.pid)), 'both workers took jobs');
  });

  it('the task(import.meta, fn) form works as well as { module, name }', async () => {
    const { square } = (await import(remoteTasks)) as { square: (x: number) => number };
    assert.deepEqual(await pool.map(square, [1, 2, 3]), [1, 4, 9]);
  });

  it('starmap spreads argument lists, apply runs one call', async () => {
    assert.deepEqual(await pool.starmap(ref<(a: number, b: number) => number>('add'), [[1, 2], [3, 4]]), [3, 7]);
    assert.equal(await pool.apply(ref<(a: number, b: number) => number>('add'), [20, 22]), 42);
  });

  it('imap yields in order, imapUnordered yields every item once', async () => {
    const ordered: number[] = [];
    for await (const value of pool.imap(ref<(x: number) => number>('square'), [1, 2, 3, 4, 5], { chunksize: 2 })) ordered.push(value);
    assert.deepEqual(ordered, [1, 4, 9, 16, 25]);
    const unordered: number[] = [];
    for await (const value of pool.imapUnordered(ref<(x: number) => number>('square'), Array.from({ length: 50 }, (_, i) => i), { chunksize: 3 })) unordered.push(value);
    assert.deepEqual(unordered.sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i * i));
  });

  it('values keep what structured clone keeps: Date, Map, Set, typed arrays, BigInt, undefined', async () => {
    const value = {
      when: new Date(1_700_000_000_000),
      map: new Map<unknown, unknown>([['a', 1], [2, new Set(['x'])]]),
      bytes: new Uint8Array([1, 2, 255]),
      floats: new Float64Array([0.5, -0]),
      big: 12345678901234567890n,
      missing: undefined,
      nested: [undefined, null, NaN, 'text', { deep: true }],
      pattern: /a+b/gi,
    };
    const back = await pool.apply(ref<(v: typeof value) => typeof value>('echo'), [value]);
    assert.deepEqual(back, value);
    assert.ok(back.when instanceof Date && back.map instanceof Map && back.bytes instanceof Uint8Array);
    assert.ok(Object.hasOwn(back, 'missing'), 'undefined properties survive');
    assert.ok(Object.is(back.floats[1], -0));
  });

  it('an AbortSignal rejects the call with its reason, before or while a worker runs it', async () => {
    const early = new AbortController();
    const dropped = pool.apply(ref<(v: string, ms: number) => unknown>('slowWho'), ['never sent', 1500], { signal: early.signal });
    early.abort(new Error('changed my mind'));
    await assert.rejects(dropped, /changed my mind/);

    const late = new AbortController();
    const running = pool.apply(ref<(v: string, ms: number) => unknown>('slowWho'), ['running', 1500], { signal: late.signal });
    await waitUntil(() => pool.stats.busy === 1);
    late.abort(new Error('too slow'));
    await assert.rejects(running, /too slow/);
    assert.equal(pool.stats.busy, 0);
    assert.equal(await pool.apply(ref<(a: number, b: number) => number>('add'), [1, 2]), 3, 'the pool goes on');
  });

  it('a call timeout, or the pool taskTimeout, fails the late item with ERR_TASK_TIMEOUT on the worker; the rest go on', async () => {
    const slow = ref<(v: string, ms: number) => [string, number]>('slowWho');
    await assert.rejects(pool.apply(slow, ['late', 10_000], { timeout: 300 }), { name: 'TaskTimeoutError', code: 'ERR_TASK_TIMEOUT', timeout: 300 });
    const [value] = await pool.apply(slow, ['in time', 10], { timeout: 5_000 });
    assert.equal(value, 'in time');

    // 3 s, not less: the first item's time on a worker includes importing the task module into a
    // fresh thread, which took over 300 ms on a loaded machine.
    const limited = new Pool({ backend: 'redis', redis: redis.url, taskTimeout: 3_000 });
    try {
      const outcomes = await limited.starmapSettled(slow, [['quick', 1], ['stuck', 60_000], ['quick too', 1]], { chunksize: 1 });
      assert.deepEqual(outcomes.map((outcome) => outcome.status), ['fulfilled', 'rejected', 'fulfilled']);
      assert.equal((outcomes[1] as PromiseRejectedResult).reason.code, 'ERR_TASK_TIMEOUT');
    } finally {
      await limited.terminate();
    }
  });

  it('stats count the remote work', async () => {
    const before = pool.stats.completed;
    await pool.map(ref<(x: number) => number>('square'), [1, 2, 3]);
    assert.equal(pool.stats.completed - before, 3);
    assert.equal(pool.stats.queued, 0);
  });
});

describe('Pool over Redis: lifecycle', () => {
  it('close() lets submitted work finish, then join() resolves; await using closes too', async () => {
    const redis = await startRedis();
    const worker = await startWorker(redis.url);
    try {
      const pool = new Pool({ backend: 'redis', redis: redis.url });
      const pending = pool.map(ref<(x: number) => number>('square'), [1, 2, 3]);
      pool.close();
      await assert.rejects(pool.map(ref<(x: number) => number>('square'), [1]), { code: 'ERR_POOL_CLOSED' });
      assert.deepEqual(await pending, [1, 4, 9]);
      await pool.join();
      assert.equal(pool.stats.workers, 0);
      {
        await using scoped = new Pool({ backend: 'redis', redis: redis.url });
        assert.equal(await scoped.apply(ref<(a: number, b: number) => number>('add'), [1, 1]), 2);
      }
    } finally {
      await stopWorker(worker);
      await redis.stop();
    }
  });

  it('a program that closes its pool exits on its own: no connection or timer is left behind', { timeout: 60_000 }, async () => {
    const redis = await startRedis();
    const worker = await startWorker(redis.url);
    try {
      const child = spawn(process.execPath, [fileURLToPath(new URL('../fixtures/redis-client.mjs', import.meta.url)), redis.url], { stdio: ['ignore', 'pipe', 'inherit'] });
      let output = '';
      child.stdout.on('data', (data: Buffer) => {
        output += data.toString();
      });
      const [code] = await once(child, 'exit');
      assert.equal(code, 0);
      assert.equal(output.trim(), '[1,4,9]');
    } finally {
      await stopWorker(worker);
      await redis.stop();
    }
  });

  it('terminate() rejects pending work with ERR_POOL_TERMINATED and removes its waiting jobs', async () => {
    const redis = await startRedis();
    // No worker: the jobs stay waiting in Redis.
    try {
      const pool = new Pool({ backend: 'redis', redis: redis.url });
      const pending = pool.map(ref<(x: number) => number>('square'), [1, 2, 3], { chunksize: 1 }).catch((error: unknown) => error);
      // Wait until the jobs are in Redis.
      const { Redis } = await import('ioredis');
      const client = new Redis(redis.url);
      while ((await client.keys('bull:*:wait')).length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      await pool.terminate();
      assert.equal(((await pending) as { code?: string }).code, 'ERR_POOL_TERMINATED');
      const waiting = await client.keys('bull:*:wait');
      const lengths = await Promise.all(waiting.map((key) => client.llen(key)));
      client.disconnect();
      assert.deepEqual(lengths.filter((n) => n > 0), [], 'no job left waiting');
    } finally {
      await redis.stop();
    }
  });
});
