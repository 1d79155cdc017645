/**
 * Faults at the edges of a task (issue 12): while its arguments or results are serialized, while
 * its worker starts or is stopped, in pipelined batches. Each test failed before its fix.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Pool, TaskSerializationError, WorkerCrashedError, WorkerInitError, type ModuleTask } from 'multicore';
import { backends, fixture, markFile, readMarks, waitFor, withPool } from '../helpers.js';
import { runtimeName } from '../runtimes/support.js';

const edge = fixture('edge-tasks.mjs');
const ref = <F extends (...args: any[]) => unknown>(name: string, module = edge): ModuleTask<F> => ({ module, name });
const markOrExit = ref<(path: string, value: number, exitAt: number[]) => number>('markOrExit');
const resultWithThrowingGetter = ref<(value: number) => { value: number }>('resultWithThrowingGetter');
const resultThatExits = ref<(path: string, value: number) => unknown>('resultThatExits');
const spinForever = ref<() => never>('spinForever', fixture('tasks.mjs'));
const exitWorker = ref<(code: number) => never>('exitWorker', fixture('tasks.mjs'));

/** How many times each value was marked. */
function markCounts(path: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const mark of readMarks(path)) counts.set(mark, (counts.get(mark) ?? 0) + 1);
  return counts;
}

for (const backend of backends) {
  describe(`every task settles exactly once (${backend})`, () => {
    it('fault 1: an argument whose getter throws while it is serialized rejects with ERR_TASK_SERIALIZATION, cause kept', async () => {
      await withPool({ workers: 1, backend }, async (pool) => {
        const thrown = new RangeError('getter of argument');
        const argument = {
          get bad() {
            throw thrown;
          },
        };
        const outcomes = await Promise.allSettled([pool.apply((x: unknown) => x, [argument]), pool.apply((x: number) => x + 1, [1])]);
        const reason = (outcomes[0] as PromiseRejectedResult).reason as TaskSerializationError;
        assert.ok(reason instanceof TaskSerializationError, String(reason));
        assert.equal(reason.code, 'ERR_TASK_SERIALIZATION');
        assert.equal(reason.cause, thrown);
        assert.match(reason.message, /arguments\[0\]\.bad is a getter that threw/);
        assert.deepEqual(outcomes[1], { status: 'fulfilled', value: 2 }, 'the call batched with it still runs');
      });
    });

    it('fault 2: a result whose getter throws fails that item once with ERR_TASK_SERIALIZATION; it is not run again', async () => {
      await withPool({ workers: 1, backend }, async (pool) => {
        const outcomes = await pool.mapSettled(resultWithThrowingGetter, [1, 2, 3], { chunksize: 1 });
        for (const [i, outcome] of outcomes.entries()) {
          assert.equal(outcome.status, 'rejected');
          const reason = (outcome as PromiseRejectedResult).reason as TaskSerializationError & { cause: Error };
          assert.equal(reason.code, 'ERR_TASK_SERIALIZATION');
          assert.equal(reason.index, i);
          assert.match(reason.message, /result\.bad is a getter that threw/);
        }
        assert.equal(pool.stats.failed, 3);
      });
    });

    it('fault 2: a result whose getter ends the worker fails that item once with ERR_WORKER_CRASHED; it is not run again', async () => {
      await withPool({ workers: 1, backend }, async (pool) => {
        const marks = markFile();
        await assert.rejects(pool.apply(resultThatExits, [marks, 7]), (error: WorkerCrashedError) => {
          assert.equal(error.code, 'ERR_WORKER_CRASHED');
          assert.match(error.message, /while sending its results back/);
          return true;
        });
        assert.deepEqual(readMarks(marks), ['7'], 'the task ran once');
        assert.equal(await pool.apply(() => 'alive'), 'alive');
      });
    });

    it('fault 8: items of a pipelined batch that finished before a crash are not run again', async () => {
      // A Deno child that calls process.exit() drops the IPC messages it has not written yet.
      const resultsMayBeLost = backend === 'process' && runtimeName === 'deno';
      await withPool({ workers: 2, backend }, async (pool) => {
        const marks = markFile();
        const exitAt = [150, 400, 401, 777, 1200];
        const items = Array.from({ length: 1500 }, (_, i) => [marks, i, exitAt] as [string, number, number[]]);
        const outcomes = await pool.starmapSettled(markOrExit, items, { chunksize: 1 });
        const counts = markCounts(marks);
        const twice = [...counts].filter(([, count]) => count > 1).map(([value]) => value);
        assert.deepEqual(twice, [], 'no item ran twice');
        for (const [i, outcome] of outcomes.entries()) {
          if (exitAt.includes(i)) assert.equal(((outcome as PromiseRejectedResult).reason as WorkerCrashedError).code, 'ERR_WORKER_CRASHED');
          else if (resultsMayBeLost && outcome.status === 'rejected') {
            // docs/runtimes.md, "Deno, a child's last messages": a finished item's result may be lost with the child; it must say so.
            assert.match((outcome.reason as WorkerCrashedError).message, /the task had finished, but its results were lost with the worker/, `item ${i}`);
          } else assert.deepEqual(outcome, { status: 'fulfilled', value: i }, `item ${i}`);
        }
        assert.equal(counts.size, 1500, 'every item ran');
      });
    });

    it('fault 7: chunks aborted while they wait in a booting worker never run; later calls settle', async () => {
      await withPool({ workers: 1, backend }, async (pool) => {
        const controllers = Array.from({ length: 6 }, () => new AbortController());
        const aborted = controllers.map((controller) => pool.apply(spinForever, [], { signal: controller.signal }));
        // Let the pump hand them to the worker, which is still starting.
        await new Promise((resolve) => setImmediate(resolve));
        for (const controller of controllers) controller.abort();
        for (const call of aborted) await assert.rejects(call, { name: 'AbortError' });
        assert.equal(await pool.apply((x: number) => x * 2, [21]), 42);
        assert.equal(await pool.apply((x: number) => x * 2, [22]), 44);
      });
    });

    it('fault 6: maxTasksPerWorker is never overshot by many apply calls in flight', async () => {
      await withPool({ workers: 2, backend, maxTasksPerWorker: 20 }, async (pool) => {
        const identities = await Promise.all(Array.from({ length: 200 }, () => pool.apply(ref<() => string>('workerIdentity', fixture('tasks.mjs')))));
        const perWorker = new Map<string, number>();
        for (const id of identities) perWorker.set(id, (perWorker.get(id) ?? 0) + 1);
        const over = [...perWorker.values()].filter((count) => count > 20);
        assert.deepEqual(over, [], `no worker ran more than 20 items (${[...perWorker.values()].join(', ')})`);
      });
    });

    it('fault 6: ... nor by map with chunksize 1', async () => {
      await withPool({ workers: 2, backend, maxTasksPerWorker: 7 }, async (pool) => {
        const identities = await pool.map(ref<() => string>('workerIdentity', fixture('tasks.mjs')), Array.from({ length: 300 }, () => 0), { chunksize: 1 });
        const perWorker = new Map<string, number>();
        for (const id of identities) perWorker.set(id, (perWorker.get(id) ?? 0) + 1);
        assert.deepEqual([...perWorker.values()].filter((count) => count > 7), [], `at most 7 each (${[...perWorker.values()].join(', ')})`);
      });
    });

    it('issue 13.9: an apply timeout names the task, not "Item 0"', async () => {
      await withPool({ workers: 1, backend }, async (pool) => {
        await assert.rejects(pool.apply(spinForever, [], { timeout: 50 }), (error: Error) => {
          assert.match(error.message, /^The task ran longer than its timeout of 50 ms/);
          return true;
        });
      });
    });

    it('an apply whose worker dies names the task, not "item 0"', async () => {
      await withPool({ workers: 1, backend }, async (pool) => {
        await assert.rejects(pool.apply(exitWorker, [3]), (error: WorkerCrashedError) => {
          assert.ok(error instanceof WorkerCrashedError);
          assert.match(error.message, /^The worker exited with code 3 while running the task\./);
          assert.doesNotMatch(error.message, /item/i);
          assert.deepEqual(error.items, [0]);
          return true;
        });
      });
    });
  });
}

describe('process workers that cannot be spawned (fault 4)', () => {
  it('a cwd that does not exist fails pending work with ERR_WORKER_INIT and the spawn error as cause', async () => {
    const pool = new Pool({ workers: 3, backend: 'process', cwd: '/no/such/dir' });
    try {
      await assert.rejects(pool.apply(() => 1), (error: WorkerInitError & { cause: NodeJS.ErrnoException }) => {
        assert.ok(error instanceof WorkerInitError);
        assert.equal(error.code, 'ERR_WORKER_INIT');
        assert.equal(error.cause.code, 'ENOENT');
        assert.match(error.message, /Only 0 of the 3 workers .*could be started/);
        return true;
      });
      await waitFor(() => pool.stats.workers === 0);
    } finally {
      await pool.terminate();
    }
    assert.equal(pool.stats.workers, 0);
  });

  it('a cwd deleted while the pool runs: the replacement cannot start, work fails, join() resolves', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'multicore-cwd-'));
    // No tsx (execArgv: []): it would be looked up from that directory.
    const pool = new Pool({ workers: 1, backend: 'process', cwd: dir, execArgv: [] });
    try {
      assert.equal(await pool.apply(() => 'started'), 'started');
      rmSync(dir, { recursive: true });
      await assert.rejects(pool.apply(exitWorker, [2]), { code: 'ERR_WORKER_CRASHED' });
      await assert.rejects(pool.apply(() => 1), { code: 'ERR_WORKER_INIT' });
      pool.close();
      await pool.join();
    } finally {
      await pool.terminate();
    }
    assert.equal(pool.stats.workers, 0);
  });
});
