import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Pool, WorkerCrashedError } from 'multicore';
import { childProcesses } from '../helpers.js';
import { fixtureScript, otherRuntimes, report, runWith } from './runtimes.js';

test('a process worker that cannot spawn (missing cwd) fails the call instead of hanging, and leaves no child', async () => {
  const childrenBefore = childProcesses().live.length;
  const pool = new Pool({ workers: 2, backend: 'process', cwd: '/nonexistent/multicore-test-cwd' });
  try {
    await assert.rejects(pool.map((x: number) => x, [1, 2]), (error: unknown) => {
      assert.ok(error instanceof WorkerCrashedError);
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
  test(`${runtime}: thread and process pools run, and a failed spawn cleans up and ends the script`, async () => {
    const result = await runWith(runtime, fixtureScript('pools.mjs'));
    const out = report(result);
    assert.equal(result.code, 0, result.stderr);
    assert.equal((out.runtime as { name: string }).name, runtime);
    assert.deepEqual(out.thread, [2, 4, 6]);
    assert.deepEqual(out.process, [2, 4, 6]);
    assert.equal(out.threadWorkers, 0);
    assert.equal(out.processWorkers, 0);
    assert.deepEqual(out.brokenSpawn, { code: 'ERR_WORKER_CRASHED', cause: 'ENOENT' });
    assert.equal(out.brokenWorkers, 0);
  });
}

test('a group whose second worker fails to spawn stops the first one and rethrows: nothing is left holding the process', async () => {
  const { WorkerGroup } = await import('../../dist/backends/worker-group.js');
  const events: string[] = [];
  let spawned = 0;
  const spawnFailure = new Error('spawn failed');
  const factory = (connectionEvents: { exit(details: { exitCode: number | null; signal: string | null; error: unknown }): void }) => {
    const id = ++spawned;
    if (id === 2) throw spawnFailure;
    return {
      send: () => events.push(`send ${id}`),
      runningItem: () => undefined,
      ref: () => events.push(`ref ${id}`),
      unref: () => events.push(`unref ${id}`),
      stop: async () => {
        events.push(`stop ${id}`);
        connectionEvents.exit({ exitCode: null, signal: 'SIGKILL', error: undefined });
      },
    };
  };
  const options = { workers: 3, initializer: undefined, taskTimeout: undefined, maxTasksPerWorker: undefined };
  assert.throws(() => new WorkerGroup(options, { origin: 'test worker', sharesMemory: false }, factory as never), spawnFailure);
  assert.equal(spawned, 2, 'no third worker after the failure');
  assert.deepEqual(events, ['send 1', 'unref 1', 'ref 1', 'stop 1']);
});
