import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Pool, type ModuleTask } from 'multicore';
import { backends, childProcesses, fixture, threadCount, waitFor } from '../helpers.js';
import { reasons, unsupportedOn } from '../runtimes/support.js';

const run = promisify(execFile);
const spinForever: ModuleTask<() => never> = { module: fixture('tasks.mjs'), name: 'spinForever' };

/** What a backend's workers are, as the OS counts them: threads of this process or its children. */
const workerCount = {
  thread: () => threadCount(),
  process: () => childProcesses().live.length + childProcesses().zombies.length,
};

for (const backend of backends) {
  describe(`pool lifecycle (${backend})`, () => {
    it('close() refuses new work with ERR_POOL_CLOSED, join() waits for workers to exit', async () => {
      const pool = new Pool({ workers: 2, backend });
      const pending = pool.map((x: number) => x + 1, [1, 2, 3]);
      pool.close();
      assert.deepEqual(await pending, [2, 3, 4], 'work submitted before close still finishes');
      await assert.rejects(pool.map((x: number) => x, [1]), { code: 'ERR_POOL_CLOSED', message: /pool\.map\(\) after pool\.close\(\)/ });
      await assert.rejects(pool.apply(() => 1), { code: 'ERR_POOL_CLOSED' });
      const iterator = pool.imap((x: number) => x, [1]);
      await assert.rejects(iterator.next(), { code: 'ERR_POOL_CLOSED' });
      await pool.join();
      assert.equal(pool.stats.workers, 0);
    });

    it('join() on an open pool says to close it first', async () => {
      const pool = new Pool({ workers: 1, backend });
      await assert.rejects(pool.join(), { code: 'ERR_POOL_NOT_CLOSED' });
      await pool.terminate();
    });

    it('terminate() rejects queued and running work with ERR_POOL_TERMINATED and never hangs', async () => {
      const pool = new Pool({ workers: 1, backend });
      const running = pool.apply(spinForever);
      const queued = pool.map((x: number) => x, [1, 2, 3]);
      const outcomes = Promise.all([
        assert.rejects(running, { code: 'ERR_POOL_TERMINATED' }),
        assert.rejects(queued, { code: 'ERR_POOL_TERMINATED' }),
      ]);
      await waitFor(() => pool.stats.busy === 1);
      await pool.terminate();
      await outcomes;
      await assert.rejects(pool.apply(() => 1), { code: 'ERR_POOL_TERMINATED' });
      assert.equal(pool.stats.workers, 0);
    });

    it('await using closes and joins at the end of the block', async () => {
      let escaped: Pool | undefined;
      {
        await using pool = new Pool({ workers: 2, backend });
        escaped = pool;
        assert.deepEqual(await pool.map((x: number) => -x, [1, 2]), [-1, -2]);
      }
      assert.equal(escaped.stats.workers, 0);
      await assert.rejects(escaped.apply(() => 1), { code: 'ERR_POOL_CLOSED' });
    });

    const noWorkerLeft = 'no worker is left after close/join or terminate';
    it(noWorkerLeft, { skip: (process.platform !== 'linux' && 'reads /proc') || (backend === 'thread' && unsupportedOn({ deno: reasons.threadCount }, noWorkerLeft)) }, async () => {
      const count = workerCount[backend];
      const warmup = new Pool({ workers: 1, backend });
      await warmup.apply(() => 0);
      await warmup.terminate();
      const before = count();
      const pool = new Pool({ workers: 4, backend });
      await pool.map((x: number) => x, [1, 2, 3, 4, 5, 6, 7, 8], { chunksize: 1 });
      assert.ok(count() >= before + 4, `the workers are ${backend}s the OS sees`);
      pool.close();
      await pool.join();
      assert.equal(count(), before);
      const other = new Pool({ workers: 3, backend });
      await other.apply(() => 0);
      await other.terminate();
      assert.equal(count(), before);
    });

    it('a script that forgets close() still exits on its own', async () => {
      const { stdout } = await run(process.execPath, [fileURLToPath(fixture('forgets-close.mjs')), backend], { timeout: 30_000 });
      assert.equal(stdout.trim(), '[1,4,9]');
    });

    it('an inline apply() made before close() runs, though it waits for the parser to load', async () => {
      const { stdout } = await run(process.execPath, [fileURLToPath(fixture('inline-before-close.mjs')), backend], { timeout: 30_000 });
      assert.deepEqual(JSON.parse(stdout), [2, [3, 6]]);
    });

    it('compiled JavaScript tasks work under plain node, without tsx', async () => {
      const { stdout } = await run(process.execPath, [fileURLToPath(fixture('plain-node.mjs')), backend], { timeout: 30_000 });
      assert.deepEqual(JSON.parse(stdout), { inline: [2, 3, 4], named: [1, 4, 9], execArgv: [] });
    });
  });
}
