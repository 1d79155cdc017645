import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WorkerCrashedError, type ModuleTask } from 'multicore';
import { fixture, sharedInt32, waitFor, withPool } from '../helpers.js';

const tasks = fixture('tasks.mjs');
const exitWorker: ModuleTask<(code: number) => never> = { module: tasks, name: 'exitWorker' };
const crashInTimer: ModuleTask<() => Promise<never>> = { module: tasks, name: 'crashInTimer' };
const blockUntil: ModuleTask<(flag: Int32Array) => string> = { module: tasks, name: 'blockUntil' };

describe('crashed workers', () => {
  it('process.exit() in a task fails only that task, with the exit code and item', async () => {
    await withPool(2, async (pool) => {
      const results = await Promise.allSettled([
        pool.map((x: number) => {
          if (x === 4) process.exit(7);
          return x;
        }, [0, 1, 2, 3, 4, 5], { chunksize: 1 }),
        pool.map((x: number) => x * 10, [1, 2, 3]),
      ]);
      assert.equal(results[0].status, 'rejected');
      const error = (results[0] as PromiseRejectedResult).reason as WorkerCrashedError;
      assert.ok(error instanceof WorkerCrashedError);
      assert.equal(error.code, 'ERR_WORKER_CRASHED');
      assert.equal(error.exitCode, 7);
      assert.deepEqual(error.items, [4]);
      assert.match(error.message, /exited with code 7 .*item 4/);
      assert.deepEqual(results[1], { status: 'fulfilled', value: [10, 20, 30] });
      assert.deepEqual(await pool.map((x: number) => x + 1, [1, 2]), [2, 3], 'the pool stays usable');
      assert.equal(pool.stats.workers, 2, 'the worker was replaced');
    });
  });

  it('an uncaught error in a timer crashes the worker and fails the task it held', async () => {
    await withPool(1, async (pool) => {
      await assert.rejects(pool.apply(crashInTimer), (error: WorkerCrashedError & { cause: Error }) => {
        assert.equal(error.code, 'ERR_WORKER_CRASHED');
        assert.equal(error.exitCode, 1);
        assert.match(error.message, /thrown from a timer/);
        assert.equal(error.cause.message, 'thrown from a timer');
        return true;
      });
      assert.equal(await pool.apply(() => 'alive'), 'alive');
    });
  });

  it('every submitted task settles exactly once when workers die under them', async () => {
    await withPool(2, async (pool) => {
      const calls = Array.from({ length: 60 }, (_, i) =>
        i % 7 === 3 ? pool.apply(exitWorker, [i % 3]) : pool.apply((x: number) => x * 2, [i]),
      );
      const outcomes = await Promise.allSettled(calls);
      outcomes.forEach((outcome, i) => {
        if (i % 7 === 3) {
          assert.equal(outcome.status, 'rejected', `call ${i} crashed its worker`);
          assert.equal(((outcome as PromiseRejectedResult).reason as WorkerCrashedError).code, 'ERR_WORKER_CRASHED');
        } else {
          assert.deepEqual(outcome, { status: 'fulfilled', value: i * 2 }, `call ${i} was requeued or ran normally`);
        }
      });
      const stats = pool.stats;
      assert.equal(stats.completed, 60 - outcomes.filter((o) => o.status === 'rejected').length);
    });
  });
});

describe('cancellation with an AbortSignal', () => {
  it('queued work never starts, running work is stopped, the call rejects with the reason', async () => {
    await withPool(1, async (pool) => {
      const flag = sharedInt32();
      const counter = sharedInt32();
      const controller = new AbortController();
      const running = pool.apply(blockUntil, [flag], { signal: controller.signal });
      const queued = pool.starmap({ module: tasks, name: 'countAndEcho' }, [[counter, 1], [counter, 2]], { signal: controller.signal });
      const outcomes = Promise.all([assert.rejects(running, { name: 'AbortError' }), assert.rejects(queued, { name: 'AbortError' })]);
      await waitFor(() => pool.stats.busy === 1);
      controller.abort();
      await outcomes;
      assert.equal(counter[0], 0, 'queued items never ran');
      assert.equal(await pool.apply(() => 'replaced'), 'replaced');
    });
  });

  it('an already aborted signal rejects at once with its reason', async () => {
    await withPool(1, async (pool) => {
      const reason = new Error('not needed');
      await assert.rejects(pool.map((x: number) => x, [1], { signal: AbortSignal.abort(reason) }), reason);
      await assert.rejects(pool.apply(() => 1, [], { signal: AbortSignal.abort(reason) }), reason);
    });
  });

  it('leaving an imap loop early stops reading the input', async () => {
    await withPool(2, async (pool) => {
      let pulled = 0;
      function* forever() {
        for (let i = 0; ; i++) {
          pulled++;
          yield i;
        }
      }
      const seen: number[] = [];
      for await (const value of pool.imap((x: number) => x * 2, forever())) {
        seen.push(value);
        if (seen.length === 50) break;
      }
      assert.deepEqual(seen, Array.from({ length: 50 }, (_, i) => i * 2));
      const pulledAtBreak = pulled;
      assert.equal(await pool.apply(() => 'idle'), 'idle');
      assert.equal(pulled, pulledAtBreak, 'nothing is read after the loop ends');
    });
  });
});

describe('backpressure', () => {
  it('a slow consumer of an infinite generator keeps a bounded number of items in flight', async () => {
    await withPool(2, async (pool) => {
      let pulled = 0;
      function* forever() {
        for (let i = 0; ; i++) {
          pulled++;
          yield i;
        }
      }
      let consumed = 0;
      let maxAhead = 0;
      for await (const value of pool.imap((x: number) => x, forever(), { chunksize: 10 })) {
        assert.equal(value, consumed);
        consumed++;
        maxAhead = Math.max(maxAhead, pulled - consumed);
        if (consumed % 25 === 0) await new Promise((resolve) => setImmediate(resolve));
        if (consumed === 2_000) break;
      }
      // Window: 2 chunks per worker + 1, of 10 items each.
      assert.ok(maxAhead <= (2 * 2 + 1) * 10, `at most one window of items ahead of the consumer (was ${maxAhead})`);
    });
  });
});
