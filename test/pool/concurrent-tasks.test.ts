/**
 * concurrentTasksPerWorker: a worker runs up to that many items at once. Proved by observation
 * (tasks that meet at a barrier only pass it when that many run at the same time, with a bounded
 * wait), never by timing; and crashes, timeouts, aborts and emits stay attributed per item.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Pool, type ModuleTask, type WorkerCrashedError } from 'multicore';
import { backends, fixture, markFile, readMarks, withPool } from '../helpers.js';

const module = fixture('concurrency-tasks.mjs');
const meet: ModuleTask<(path: string, count: number, limitMs: number) => Promise<string>> = { module, name: 'meet' };
const crashPlanItem: ModuleTask<(barrier: string, count: number, kind: string, marks: string, index: number) => Promise<number>> = { module, name: 'crashPlanItem' };
const meetThen: ModuleTask<(barrier: string, count: number, then: 'return' | 'watch' | 'ignore') => Promise<string>> = { module, name: 'meetThen' };
const emitOwn: ModuleTask<(barrier: string, count: number, value: number) => Promise<number>> = { module, name: 'emitOwn' };

describe('concurrentTasksPerWorker: validation', () => {
  it('takes a positive integer, and names the option otherwise', () => {
    assert.throws(() => new Pool({ concurrentTasksPerWorker: 0 }), (error: Error) => error instanceof RangeError && /concurrentTasksPerWorker must be a positive integer, got 0/.test(error.message));
    assert.throws(() => new Pool({ concurrentTasksPerWorker: 2.5 }), RangeError);
    assert.throws(() => new Pool({ concurrentTasksPerWorker: '4' as never }), (error: Error) => error instanceof TypeError && /concurrentTasksPerWorker/.test(error.message));
  });

  it('is refused for Redis pools, whose workers set their own (multicore worker --tasks-per-thread)', () => {
    assert.throws(() => new Pool({ backend: 'redis', concurrentTasksPerWorker: 4 } as never), (error: Error) => error instanceof TypeError && /concurrentTasksPerWorker applies to local workers/.test(error.message));
  });

  it('counts every lane in the chunk sizing, and not in pool.workers', async () => {
    await withPool({ workers: 2, concurrentTasksPerWorker: 3 }, async (pool) => {
      assert.equal(pool.workers, 2);
    });
  });
});

for (const backend of backends) {
  describe(`concurrentTasksPerWorker (${backend})`, () => {
    it('runs that many items at once on each worker: 10 async items on 2 workers of 5 all meet', async () => {
      await withPool({ workers: 2, backend, concurrentTasksPerWorker: 5 }, async (pool) => {
        const barrier = markFile();
        const workers = await Promise.all(Array.from({ length: 10 }, () => pool.apply(meet, [`${barrier}.apply`, 10, 20_000])));
        const perWorker = new Map<string, number>();
        for (const worker of workers) perWorker.set(worker, (perWorker.get(worker) ?? 0) + 1);
        assert.deepEqual([...perWorker.values()].sort(), [5, 5], 'five on each worker');
        const mapped = await pool.starmap(meet, Array.from({ length: 10 }, () => [`${barrier}.map`, 10, 20_000] as [string, number, number]));
        assert.equal(new Set(mapped).size, 2, 'map too: its chunks count every lane');
      });
    });

    it('without it, a worker runs one item at a time: the same barrier is not reached', async () => {
      await withPool({ workers: 2, backend }, async (pool) => {
        const barrier = markFile();
        const outcomes = await Promise.allSettled(Array.from({ length: 3 }, () => pool.apply(meet, [barrier, 3, 1_500])));
        assert.ok(outcomes.some((outcome) => outcome.status === 'rejected' && /only 2 of 3 tasks were running at once/.test(String(outcome.reason.message))));
      });
    });

    it('a process.exit() in one task fails every item in flight on that worker, each at its own index; those not started run elsewhere, once', async () => {
      await withPool({ workers: 1, backend, concurrentTasksPerWorker: 4 }, async (pool) => {
        const barrier = markFile();
        const marks = markFile();
        const kinds = ['wait', 'wait', 'exit', 'wait', 'ok', 'ok'];
        const outcomes = await pool.starmapSettled(crashPlanItem, kinds.map((kind, index) => [barrier, 4, kind, marks, index] as [string, number, string, string, number]), { chunksize: 1 });
        for (const index of [0, 1, 2, 3]) {
          const outcome = outcomes[index]!;
          assert.equal(outcome.status, 'rejected', `item ${index} was in flight`);
          const reason = (outcome as PromiseRejectedResult).reason as WorkerCrashedError;
          assert.equal(reason.code, 'ERR_WORKER_CRASHED');
          assert.deepEqual(reason.items, [index]);
          assert.match(reason.message, /exited with code 3.*with 3 other tasks in flight on it/);
        }
        assert.deepEqual(outcomes.slice(4), [{ status: 'fulfilled', value: 4 }, { status: 'fulfilled', value: 5 }], 'the items not started were requeued');
        assert.deepEqual(readMarks(marks).map(Number).sort(), [0, 1, 2, 3, 4, 5], 'every item ran exactly once');
        assert.equal(await pool.apply(() => 'alive'), 'alive');
      });
    });

    it('a timeout fails only the item that ran past it; the items beside it keep their results', async () => {
      await withPool({ workers: 1, backend, concurrentTasksPerWorker: 3, abortGrace: 50 }, async (pool) => {
        const barrier = markFile();
        const exits: boolean[] = [];
        pool.on('workerexit', ({ crashed }) => exits.push(crashed));
        const outcomes = await pool.starmapSettled(meetThen, [[barrier, 3, 'ignore'], [barrier, 3, 'return'], [barrier, 3, 'return']], { chunksize: 1, timeout: 1_000 });
        assert.equal(outcomes[0]!.status, 'rejected');
        assert.equal(((outcomes[0] as PromiseRejectedResult).reason as { code: string; index: number }).code, 'ERR_TASK_TIMEOUT');
        assert.equal(((outcomes[0] as PromiseRejectedResult).reason as { index: number }).index, 0);
        assert.deepEqual(outcomes.slice(1), [{ status: 'fulfilled', value: 'done' }, { status: 'fulfilled', value: 'done' }]);
        assert.equal(await pool.apply(() => 'alive'), 'alive', 'the stopped worker was replaced');
        assert.ok(exits.length >= 1, 'the task that ignored its signal cost its worker');
      });
    });

    it('an abort stops only its own task; one that watches taskSignal() keeps the worker and the tasks beside it', async () => {
      await withPool({ workers: 1, backend, concurrentTasksPerWorker: 3 }, async (pool) => {
        const barrier = markFile();
        const exits: unknown[] = [];
        pool.on('workerexit', (event) => exits.push(event));
        const controller = new AbortController();
        const aborted = pool.apply(meetThen, [barrier, 3, 'watch'], { signal: controller.signal });
        const beside = [pool.apply(meetThen, [barrier, 3, 'return']), pool.apply(meetThen, [barrier, 3, 'return'])];
        assert.deepEqual(await Promise.all(beside), ['done', 'done']);
        controller.abort();
        await assert.rejects(aborted, { name: 'AbortError' });
        assert.equal(await pool.apply(() => 'alive'), 'alive');
        assert.deepEqual(exits, [], 'no worker was replaced');
      });
    });

    it('emits of items in flight together reach onEmit with their own index', async () => {
      await withPool({ workers: 1, backend, concurrentTasksPerWorker: 4 }, async (pool) => {
        const barrier = markFile();
        const seen: [unknown, number][] = [];
        const values = [10, 11, 12, 13];
        const results = await pool.starmap(emitOwn, values.map((value) => [barrier, 4, value] as [string, number, number]), {
          chunksize: 1,
          onEmit: (data, { index }) => seen.push([data, index]),
        });
        assert.deepEqual(results, values);
        assert.equal(seen.length, 12);
        for (const [data, index] of seen) assert.equal((data as { value: number }).value, values[index]);
        for (const index of [0, 1, 2, 3]) {
          assert.deepEqual(seen.filter(([, at]) => at === index).map(([data]) => (data as { i: number }).i), [0, 1, 2], `item ${index}'s emits in order`);
        }
      });
    });
  });
}
