import assert from 'node:assert/strict';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Pool, WorkerCrashedError, type WorkerExitEvent } from 'multicore';
import { backends, eventually, fixture, markFile, withPool } from '../helpers.js';

const tasks = fixture('serving-tasks.mjs');
const waitForFile = { module: tasks, name: 'waitForFile' };
const exitWith = { module: tasks, name: 'exitWith' };

/** Worker starts and exits as the pool reports them. */
function watch(pool: Pool): { starts: number[]; exits: WorkerExitEvent[] } {
  const seen = { starts: [] as number[], exits: [] as WorkerExitEvent[] };
  pool.on('workerstart', ({ id }) => seen.starts.push(id));
  pool.on('workerexit', (exit) => seen.exits.push(exit));
  return seen;
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

for (const backend of backends) {
  describe(`elastic pools (${backend})`, () => {
    it('minWorkers 0 starts nothing until the first task, then grows on demand up to maxWorkers', async () => {
      await withPool({ backend, minWorkers: 0, maxWorkers: 2 }, async (pool) => {
        const seen = watch(pool);
        await nextTurn();
        assert.deepEqual(seen.starts, [], 'no worker before the first task');
        assert.equal(pool.stats.workers, 0);
        assert.equal(pool.workers, 2, 'pool.workers is the most it runs');
        const release = markFile();
        const held = [1, 2, 3].map(() => pool.apply(waitForFile, [release]));
        await eventually(() => pool.stats.busy === 2, 'two workers to hold a task each');
        assert.deepEqual(seen.starts, [0, 1], 'one worker per waiting task, up to maxWorkers');
        assert.equal(pool.stats.workers, 2);
        assert.equal(pool.stats.queued, 1, 'the third task waits: the pool is at its maximum');
        writeFileSync(release, '');
        assert.deepEqual(await Promise.all(held), ['released', 'released', 'released']);
        assert.equal(seen.starts.length, 2, 'never more than maxWorkers');
      });
    });

    it('workers beyond minWorkers that stay idle for idleTimeout exit; the minimum stays', async () => {
      await withPool({ backend, minWorkers: 1, maxWorkers: 3, idleTimeout: 30 }, async (pool) => {
        const seen = watch(pool);
        const release = markFile();
        const held = [1, 2, 3].map(() => pool.apply(waitForFile, [release]));
        await eventually(() => pool.stats.busy === 3, 'three workers to hold a task each');
        writeFileSync(release, '');
        await Promise.all(held);
        await eventually(() => seen.exits.length === 2, 'the two workers beyond the minimum to exit');
        assert.ok(seen.exits.every((exit) => !exit.crashed), 'idle workers leave on purpose, not by crashing');
        assert.equal(pool.stats.workers, 1);
        // The next burst grows the pool again, with new workers.
        const again = [1, 2].map(() => pool.apply(waitForFile, [release]));
        assert.deepEqual(await Promise.all(again), ['released', 'released']);
        assert.ok(pool.stats.workers >= 1 && pool.stats.workers <= 3);
      });
    });

    it('with minWorkers 0 every worker leaves when idle, and the next task starts one again', async () => {
      await withPool({ backend, minWorkers: 0, maxWorkers: 2, idleTimeout: 20 }, async (pool) => {
        const seen = watch(pool);
        assert.deepEqual(await pool.map((x: number) => x * 3, [1, 2, 3, 4, 5, 6, 7, 8]), [3, 6, 9, 12, 15, 18, 21, 24]);
        await eventually(() => pool.stats.workers === 0, 'every worker to leave');
        assert.equal(seen.exits.length, seen.starts.length);
        const before = seen.starts.length;
        assert.equal(await pool.apply((x: number) => x + 1, [1]), 2);
        assert.ok(seen.starts.length > before, 'a new worker started for it');
        assert.ok(Math.min(...seen.starts.slice(before)) >= before, 'with a new id');
      });
    });

    it('a crash beyond the minimum with nothing queued is not replaced; at the minimum it is', async () => {
      await withPool({ backend, minWorkers: 1, maxWorkers: 2 }, async (pool) => {
        const seen = watch(pool);
        await eventually(() => seen.starts.length === 1, 'the minimum worker to start');
        await assert.rejects(pool.apply(exitWith, [3]), WorkerCrashedError);
        await eventually(() => seen.starts.length === 2, 'the replacement: the pool keeps its minimum');
        await eventually(() => pool.stats.workers === 1, 'one live worker');
      });
    });

    it('an elastic map is correct while the pool grows: every item once, in order', async () => {
      await withPool({ backend, minWorkers: 0, maxWorkers: 2 }, async (pool) => {
        const items = Array.from({ length: 500 }, (_, i) => i);
        assert.deepEqual(await pool.map((x: number) => x + 1, items), items.map((x) => x + 1));
        assert.equal(pool.stats.completed, 500);
        assert.ok(pool.stats.workers <= 2);
      });
    });
  });
}

describe('elastic pool options', () => {
  it('bad combinations throw a RangeError or TypeError naming them', () => {
    assert.throws(() => new Pool({ minWorkers: 3, maxWorkers: 2 }), { name: 'RangeError', message: 'minWorkers (3) must not be more than maxWorkers (2)' });
    assert.throws(() => new Pool({ minWorkers: -1, maxWorkers: 2 }), { name: 'RangeError', message: 'minWorkers must be a non-negative integer, got -1' });
    assert.throws(() => new Pool({ maxWorkers: 1.5 }), { name: 'RangeError', message: 'maxWorkers must be a positive integer, got 1.5' });
    assert.throws(() => new Pool({ maxWorkers: 0 }), { name: 'RangeError', message: 'maxWorkers must be a positive integer, got 0' });
    assert.throws(() => new Pool({ minWorkers: '1' as never }), { name: 'TypeError', message: 'minWorkers must be a non-negative integer, got the string "1"' });
    assert.throws(() => new Pool({ workers: 2, maxWorkers: 4 } as never), { name: 'TypeError', message: /give either workers, or minWorkers and\/or maxWorkers/ });
    assert.throws(() => new Pool({ workers: 2, idleTimeout: 100 }), { name: 'TypeError', message: /idleTimeout applies to elastic pools/ });
    assert.throws(() => new Pool({ maxWorkers: 2, idleTimeout: -5 }), { name: 'RangeError', message: /idleTimeout must be a positive number of milliseconds/ });
    assert.throws(() => new Pool({ backend: 'redis', maxWorkers: 2 } as never), { name: 'TypeError', message: /maxWorkers applies to local workers/ });
  });

  it('a fixed pool stays fixed: new Pool(n) and workers: n start every worker at once', async () => {
    for (const options of [2, { workers: 2 }]) {
      const pool = new Pool(options);
      const started = once(pool, 'workerstart');
      try {
        await started;
        assert.equal(pool.stats.workers, 2);
      } finally {
        await pool.terminate();
      }
    }
  });
});
