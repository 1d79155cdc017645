import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Pool, type ModuleTask } from 'multicore';
import { fixture, sharedInt32, waitFor } from '../helpers.js';

const run = promisify(execFile);
const blockUntil: ModuleTask<(flag: Int32Array) => string> = { module: fixture('tasks.mjs'), name: 'blockUntil' };

function threadCount(): number {
  const status = readFileSync('/proc/self/status', 'utf8');
  return Number(/^Threads:\s+(\d+)/m.exec(status)![1]);
}

describe('pool lifecycle', () => {
  it('close() refuses new work with ERR_POOL_CLOSED, join() waits for workers to exit', async () => {
    const pool = new Pool(2);
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
    const pool = new Pool(1);
    await assert.rejects(pool.join(), { code: 'ERR_POOL_NOT_CLOSED' });
    await pool.terminate();
  });

  it('terminate() rejects queued and running work with ERR_POOL_TERMINATED and never hangs', async () => {
    const pool = new Pool(1);
    const flag = sharedInt32();
    const running = pool.apply(blockUntil, [flag]);
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
      await using pool = new Pool(2);
      escaped = pool;
      assert.deepEqual(await pool.map((x: number) => -x, [1, 2]), [-1, -2]);
    }
    assert.equal(escaped.stats.workers, 0);
    await assert.rejects(escaped.apply(() => 1), { code: 'ERR_POOL_CLOSED' });
  });

  it('no worker thread is left after close/join or terminate', { skip: process.platform !== 'linux' && 'reads /proc' }, async () => {
    const warmup = new Pool(1);
    await warmup.apply(() => 0);
    await warmup.terminate();
    const before = threadCount();
    const pool = new Pool(4);
    await pool.map((x: number) => x, [1, 2, 3, 4, 5, 6, 7, 8], { chunksize: 1 });
    assert.ok(threadCount() >= before + 4, 'the workers are threads of this process');
    pool.close();
    await pool.join();
    assert.equal(threadCount(), before);
    const other = new Pool(3);
    await other.apply(() => 0);
    await other.terminate();
    assert.equal(threadCount(), before);
  });

  it('a script that forgets close() still exits on its own', async () => {
    const { stdout } = await run(process.execPath, [fileURLToPath(fixture('forgets-close.mjs'))], { timeout: 30_000 });
    assert.equal(stdout.trim(), '[1,4,9]');
  });

  it('compiled JavaScript tasks work under plain node, without tsx', async () => {
    const { stdout } = await run(process.execPath, [fileURLToPath(fixture('plain-node.mjs'))], { timeout: 30_000 });
    assert.deepEqual(JSON.parse(stdout), { inline: [2, 3, 4], named: [1, 4, 9], execArgv: [] });
  });
});
