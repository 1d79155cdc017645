import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Pool, MulticoreError } from 'multicore';
import { childProcesses } from '../helpers.js';
import { fixtureScript, otherRuntimes, report, runWith } from './runtimes.js';

test('a process worker that cannot spawn (missing cwd) fails the call instead of hanging, and leaves no child', async () => {
  const childrenBefore = childProcesses().live.length;
  const pool = new Pool({ workers: 2, backend: 'process', cwd: '/nonexistent/multicore-test-cwd' });
  try {
    await assert.rejects(pool.map((x: number) => x, [1, 2]), (error: unknown) => {
      assert.ok(error instanceof MulticoreError);
      assert.equal((error.cause as { code?: string }).code, 'ENOENT');
      return true;
    });
  } finally {
    await pool.terminate();
  }
  assert.equal(pool.stats.workers, 0);
  assert.equal(childProcesses().live.length, childrenBefore);
});

for (const runtime of otherRuntimes) {
  test(`${runtime}: thread and process pools run, and a failed spawn cleans up, and a process pool terminated while its children start ends the script`, async () => {
    const result = await runWith(runtime, fixtureScript('pools.mjs'));
    const out = report(result);
    assert.equal(result.code, 0, result.stderr);
    assert.equal((out.runtime as { name: string }).name, runtime);
    assert.deepEqual(out.thread, [2, 4, 6]);
    assert.deepEqual(out.process, [2, 4, 6]);
    assert.equal(out.threadWorkers, 0);
    assert.equal(out.processWorkers, 0);
    assert.deepEqual(out.brokenSpawn, { code: 'ERR_WORKER_INIT', cause: 'ENOENT' });
    assert.equal(out.brokenWorkers, 0);
    assert.equal(out.startingWorkers, 0);
  });
}
