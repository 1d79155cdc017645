import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Pool, PoolClosedError, WorkerCrashedError } from 'multicore';
import { backends, eventually, fixture, markFile, withPool } from '../helpers.js';

const tasks = fixture('serving-tasks.mjs');
const remember = { module: tasks, name: 'remember' };
const remembered = { module: tasks, name: 'remembered' };
const refuse = { module: tasks, name: 'refuse' };
const exitWith = { module: tasks, name: 'exitWith' };
const waitForFile = { module: tasks, name: 'waitForFile' };

for (const backend of backends) {
  describe(`pool.broadcast (${backend})`, () => {
    it('runs once on every live worker and resolves to their results', async () => {
      await withPool({ workers: 3, backend }, async (pool) => {
        const identities = await pool.broadcast(remember, ['v1']);
        assert.equal(identities.length, 3);
        assert.equal(new Set(identities).size, 3, 'three different workers answered');
        const seen = await pool.map(remembered, Array.from({ length: 12 }, () => null), { chunksize: 1 });
        assert.deepEqual(seen, Array(12).fill('v1'), 'every worker kept the value');
      });
    });

    it('reaches a worker that is busy awaiting a task, beside that task', async () => {
      await withPool({ workers: 1, backend }, async (pool) => {
        const release = markFile();
        const blocked = pool.apply(waitForFile, [release]);
        await eventually(() => pool.stats.busy === 1, 'the worker to hold the blocking task');
        assert.equal((await pool.broadcast(remember, ['beside'])).length, 1);
        writeFileSync(release, '');
        assert.equal(await blocked, 'released');
      });
    });

    it("rejects with the error a worker threw, rebuilt with its class", async () => {
      await withPool({ workers: 2, backend }, async (pool) => {
        await assert.rejects(pool.broadcast(refuse, ['no config here']), { name: 'RangeError', message: 'no config here' });
        assert.equal(await pool.apply((x: number) => x + 1, [1]), 2);
      });
    });

    it('a worker that dies before it answers rejects the broadcast with ERR_WORKER_CRASHED; the pool goes on', async () => {
      await withPool({ workers: 2, backend }, async (pool) => {
        await assert.rejects(pool.broadcast(exitWith, [5]), (error: unknown) => {
          assert.ok(error instanceof WorkerCrashedError);
          assert.equal(error.exitCode, 5);
          assert.match(error.message, /during pool\.broadcast\(\)/);
          return true;
        });
        assert.deepEqual(await pool.map((x: number) => x * 2, [1, 2, 3]), [2, 4, 6]);
      });
    });

    it('shares shared memory with threads, and refuses it where it would be copied', async () => {
      await withPool({ workers: 1, backend }, async (pool) => {
        const shared = new Int32Array(new SharedArrayBuffer(4));
        if (backend === 'thread') assert.equal((await pool.broadcast(remember, [shared])).length, 1);
        else await assert.rejects(pool.broadcast(remember, [shared]), { code: 'ERR_SHARED_MEMORY_BACKEND', message: /arguments\[0\]/ });
      });
    });

    it('checks its arguments and the pool state', async () => {
      const pool = new Pool({ workers: 1, backend });
      await assert.rejects(pool.broadcast(remember, 'v' as never), { name: 'TypeError', message: 'broadcast(fn, args): args must be an array of arguments, got the string "v"' });
      await assert.rejects(pool.broadcast(remember, null as never), { name: 'TypeError', message: 'broadcast(fn, args): args must be an array of arguments, got null' });
      pool.close();
      await assert.rejects(pool.broadcast(remember, ['late']), PoolClosedError);
      await pool.join();
      assert.equal(pool.stats.workers, 0);
    });
  });
}
