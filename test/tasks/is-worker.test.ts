import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { isWorker, PoolInWorkerError } from 'multicore';
import { backends, withPool } from '../helpers.js';

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

  it('is what the ERR_POOL_IN_WORKER message recommends, not isMainThread', () => {
    const { message } = new PoolInWorkerError('file:///app/tasks.js');
    assert.match(message, /if \(!isWorker\(\)\)/);
    assert.doesNotMatch(message, /behind `if \(isMainThread\)`/);
  });
});
