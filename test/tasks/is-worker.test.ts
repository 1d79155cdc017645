import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { isWorker, Pool, PoolInWorkerError } from 'multicore';
import { backends, markFile, readMarks, withPool } from '../helpers.js';
import { startRedis, startWorker, stopWorker } from '../redis/servers.js';
import { reasons, unsupportedOn } from '../runtimes/support.js';

const run = promisify(execFile);
const guarded = new URL('./fixtures/guarded-main.mjs', import.meta.url);

describe('isWorker()', () => {
  it('is false in the main program', () => {
    assert.equal(isWorker(), false);
  });

  for (const backend of backends) {
    it(`is true in a ${backend} worker, also while it imports the task module`, async () => {
      await withPool({ workers: 1, backend }, async (pool) => {
        assert.equal(await pool.apply({ module: guarded, name: 'inWorker' }), true);
      });
    });

    it(`guards a module that is both the program and its own task module (${backend})`, async () => {
      const { stdout } = await run(process.execPath, [fileURLToPath(guarded)], { env: { ...process.env, MULTICORE_TEST_BACKEND: backend }, timeout: 60_000 });
      assert.equal(stdout, 'true\n');
    });
  }

  const inRedisWorker = 'is true in `multicore worker`, in its main thread as in its task threads';
  it(inRedisWorker, { skip: unsupportedOn({ bun: reasons.bunWorker }, inRedisWorker) }, async () => {
    const marks = markFile();
    const redis = await startRedis();
    try {
      const tasks = fileURLToPath(new URL('./fixtures/worker-flag.mjs', import.meta.url));
      const worker = await startWorker(redis.url, { tasks, threads: 1, env: { MULTICORE_TEST_MARKS: marks } });
      const pool = new Pool({ backend: 'redis', redis: redis.url });
      try {
        assert.equal(await pool.apply({ module: new URL('./fixtures/worker-flag.mjs', import.meta.url), name: 'inWorker' }), true);
      } finally {
        await pool.terminate();
        await stopWorker(worker);
      }
      assert.deepEqual(readMarks(marks).sort(), ['main thread true', 'thread true']);
    } finally {
      await redis.stop();
    }
  });

  it('is what the ERR_POOL_IN_WORKER message recommends, not isMainThread', () => {
    const { message } = new PoolInWorkerError('file:///app/tasks.js');
    assert.match(message, /if \(!isWorker\(\)\)/);
    assert.doesNotMatch(message, /behind `if \(isMainThread\)`/);
  });
});
