/**
 * The spin option (docs/pool.md "Latency"): the same results, errors, crash handling and
 * cleanup as a pool that sleeps between messages, async tasks still progress, and an idle pool
 * stops polling once the window has passed. The channel itself: test/backends/spin-channel.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Pool, type ModuleTask } from 'multicore';
import { fixture, markFile, readMarks, sharedInt32, waitFor, withPool } from '../helpers.js';

const tasks = fixture('tasks.mjs');
const squareRef: ModuleTask<(x: number) => number> = { module: tasks, name: 'square' };
const exitWorker: ModuleTask<(code: number) => never> = { module: tasks, name: 'exitWorker' };
const throwCustom: ModuleTask<(field: string) => never> = { module: tasks, name: 'throwCustom' };
const blockUntil: ModuleTask<(flag: Int32Array) => string> = { module: tasks, name: 'blockUntil' };
const sleepThen: ModuleTask<(ms: number, value?: string) => string> = { module: tasks, name: 'sleepThen' };
const workerIdentity: ModuleTask<() => string> = { module: tasks, name: 'workerIdentity' };
const markAndEcho: ModuleTask<(path: string, value: string) => string> = { module: tasks, name: 'markAndEcho' };

describe('the spin option', () => {
  it('takes milliseconds from 0 to 10 on thread pools, and says what is wrong otherwise', () => {
    // @ts-expect-error a type error too
    assert.throws(() => new Pool({ spin: 'fast' }), { name: 'TypeError', message: /spin must be a number of milliseconds \(0 to 10, e\.g\. 0\.1\), got the string "fast"/ });
    for (const bad of [-1, 10.5, Number.NaN, Infinity]) {
      assert.throws(() => new Pool({ spin: bad }), { name: 'RangeError', message: /spin must be a number of milliseconds from 0 to 10/ }, String(bad));
    }
    // @ts-expect-error a type error too (a thread-only option); here the run-time check is tested
    assert.throws(() => new Pool({ backend: 'process', spin: 0.1 }), { name: 'TypeError', message: /spin applies to worker threads \(backend: 'thread'\): a child process/ });
    // @ts-expect-error a type error too
    assert.throws(() => new Pool({ backend: 'redis', redis: 'redis://127.0.0.1:1', spin: 0.1 }), { name: 'TypeError', message: /spin applies to worker threads/ });
  });

  it('every method gives the same results as without it', async () => {
    await withPool({ workers: 2, spin: 0.2 }, async (pool) => {
      for (let i = 0; i < 200; i++) assert.equal(await pool.apply((x: number) => x + 1, [i]), i + 1);
      const items = Array.from({ length: 1000 }, (_, i) => i);
      assert.deepEqual(await pool.map(squareRef, items), items.map((x) => x * x));
      assert.deepEqual(await pool.starmap((a: number, b: number) => a * b, [[2, 3], [4, 5]]), [6, 20]);
      const ordered: number[] = [];
      for await (const value of pool.imap(squareRef, items.slice(0, 50), { chunksize: 3 })) ordered.push(value);
      assert.deepEqual(ordered, items.slice(0, 50).map((x) => x * x));
      const unordered: number[] = [];
      for await (const value of pool.imapUnordered(squareRef, items.slice(0, 50))) unordered.push(value);
      assert.deepEqual(unordered.sort((a, b) => a - b), items.slice(0, 50).map((x) => x * x));
      assert.equal((await pool.broadcast((x: number) => x * 2, [21])).length, 2);
    });
  });

  it('errors keep their code and fields; a crash, a timeout and an abort fail only their own calls', async () => {
    await withPool({ workers: 2, spin: 0.2, abortGrace: 0 }, async (pool) => {
      await assert.rejects(pool.apply(throwCustom, ['email']), { name: 'ValidationError', field: 'email' });
      const crashed = await Promise.allSettled([pool.apply(exitWorker, [3]), pool.apply(squareRef, [4])]);
      assert.equal(crashed[0].status, 'rejected');
      assert.equal((crashed[0] as PromiseRejectedResult).reason.code, 'ERR_WORKER_CRASHED');
      assert.deepEqual(crashed[1], { status: 'fulfilled', value: 16 });
      await assert.rejects(pool.apply(blockUntil, [sharedInt32()], { timeout: 50 }), { code: 'ERR_TASK_TIMEOUT' });
      const controller = new AbortController();
      const aborted = pool.apply(blockUntil, [sharedInt32()], { signal: controller.signal });
      await waitFor(() => pool.stats.busy === 1);
      controller.abort();
      await assert.rejects(aborted, { name: 'AbortError' });
      assert.equal(await pool.apply(squareRef, [5]), 25, 'the pool goes on with fresh workers');
    });
  });

  it('results a worker posted just before it exited are kept, and those items never run again', async () => {
    await withPool({ workers: 1, spin: 0.2 }, async (pool) => {
      for (let i = 0; i < 20; i++) await pool.apply(squareRef, [i]); // timed: the next calls leave in one batch
      const marks = markFile();
      const outcomes = await Promise.allSettled([pool.apply(markAndEcho, [marks, 'a']), pool.apply(markAndEcho, [marks, 'b']), pool.apply(exitWorker, [3])]);
      assert.deepEqual(outcomes.slice(0, 2), [{ status: 'fulfilled', value: 'a' }, { status: 'fulfilled', value: 'b' }]);
      assert.equal((outcomes[2] as PromiseRejectedResult).reason.code, 'ERR_WORKER_CRASHED');
      assert.deepEqual(readMarks(marks), ['a', 'b'], 'each item ran once');
    });
  });

  it('tasks that await still share a worker while it polls between messages', async () => {
    await withPool({ workers: 1, spin: 10, concurrentTasksPerWorker: 4 }, async (pool) => {
      const values = await Promise.all(['a', 'b', 'c', 'd', 'e', 'f'].map((value) => pool.apply(sleepThen, [5, value])));
      assert.deepEqual(values, ['a', 'b', 'c', 'd', 'e', 'f']);
    });
  });

  it('workers replaced by maxTasksPerWorker and let go by an elastic pool take the option with them', async () => {
    await withPool({ workers: 1, spin: 0.2, maxTasksPerWorker: 2 }, async (pool) => {
      const seen = new Set<string>();
      for (let i = 0; i < 6; i++) seen.add(await pool.apply(workerIdentity, []));
      assert.equal(seen.size, 3, 'a fresh worker every two items');
    });
    await withPool({ minWorkers: 0, maxWorkers: 2, idleTimeout: 20, spin: 0.2 }, async (pool) => {
      assert.equal(await pool.apply(squareRef, [3]), 9);
      await waitFor(() => pool.stats.workers === 0);
      assert.equal(await pool.apply(squareRef, [6]), 36, 'a worker started on demand answers');
    });
  });

  it('an idle pool stops polling once the window has passed', async () => {
    await withPool({ workers: 2, spin: 10 }, async (pool) => {
      await pool.map(squareRef, [1, 2, 3, 4]);
      await new Promise((resolve) => setTimeout(resolve, 100)); // ten windows: every poll has ended
      const before = process.cpuUsage();
      await new Promise((resolve) => setTimeout(resolve, 400));
      const used = process.cpuUsage(before);
      const cpuMs = (used.user + used.system) / 1000;
      // Two workers that never stopped polling would use 800 ms of CPU in these 400 ms.
      assert.ok(cpuMs < 200, `the idle pool used ${cpuMs.toFixed(1)} ms of CPU in 400 ms`);
    });
  });
});
