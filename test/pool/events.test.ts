import assert from 'node:assert/strict';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Pool, TaskTimeoutError, WorkerCrashedError, type WorkerExitEvent } from 'multicore';
import { backends, eventually, fixture, markFile, withPool } from '../helpers.js';

const tasks = fixture('serving-tasks.mjs');
const waitForFile = { module: tasks, name: 'waitForFile' };
const sleepThen = { module: tasks, name: 'sleepThen' };
const exitWith = { module: tasks, name: 'exitWith' };
const spin = { module: tasks, name: 'spin' };

/** Every event the pool emits, in order, by name (so that an 'error' would show up too). */
function recordEvents(pool: Pool): { name: string; args: unknown[] }[] {
  const seen: { name: string; args: unknown[] }[] = [];
  const emit = pool.emit.bind(pool) as (name: string, ...args: unknown[]) => boolean;
  (pool as unknown as { emit: typeof emit }).emit = (name, ...args) => {
    seen.push({ name, args });
    return emit(name, ...args);
  };
  return seen;
}

function inTime<T>(promise: Promise<T>, what: string, ms = 20_000): Promise<T> {
  return Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms).unref())]);
}

for (const backend of backends) {
  describe(`pool events (${backend})`, () => {
    it('workerstart is heard for the first workers by a listener added right after new Pool()', async () => {
      await withPool({ workers: 2, backend }, async (pool) => {
        const ids: number[] = [];
        pool.on('workerstart', ({ id }) => ids.push(id));
        await eventually(() => ids.length === 2, 'two workerstart events');
        assert.deepEqual(ids, [0, 1]);
      });
    });

    it('a worker that dies on its own: workerexit says crashed, with its exit code, and its replacement starts', async () => {
      await withPool({ workers: 1, backend }, async (pool) => {
        const events = recordEvents(pool);
        const exit = once(pool, 'workerexit') as Promise<[WorkerExitEvent]>;
        await assert.rejects(pool.apply(exitWith, [7]), WorkerCrashedError);
        const [details] = await inTime(exit, 'workerexit');
        assert.deepEqual(details, { id: 0, exitCode: 7, signal: null, crashed: true });
        await eventually(() => events.some((event) => event.name === 'workerstart' && (event.args[0] as { id: number }).id === 1), 'the replacement');
        assert.equal(await pool.apply(sleepThen, [0, 'still serving']), 'still serving');
        assert.ok(!events.some((event) => event.name === 'error'), "no 'error' event, which would throw without a listener");
      });
    });

    it('a worker the pool stops (a timeout, then close) exits with crashed: false', async () => {
      const exits: WorkerExitEvent[] = [];
      // Not withPool: the exit on close is part of what is tested, so the pool is closed, not terminated.
      const instance = new Pool({ workers: 1, backend });
      instance.on('workerexit', (event) => exits.push(event));
      try {
        // The worker imports the module first, and the timeout is long beside a message's trip: a
        // timeout that fired before the task started would cancel it unstarted (taskSignal), and
        // the worker, never stuck, would rightly be kept.
        assert.equal(await instance.apply(sleepThen, [0, 'loaded']), 'loaded');
        await assert.rejects(instance.apply(spin, [], { timeout: 500 }), TaskTimeoutError);
        await eventually(() => exits.length === 1, 'the timed-out worker to exit');
        assert.equal(exits[0]!.crashed, false);
        assert.equal(exits[0]!.id, 0);
      } finally {
        instance.close();
        await instance.join();
      }
      await eventually(() => exits.length === 2, 'the replacement to exit on close');
      assert.deepEqual(exits[1], { id: 1, exitCode: exits[1]!.exitCode, signal: exits[1]!.signal, crashed: false });
      assert.equal(instance.stats.workers, 0);
    });

    it("drain when the last waiting item leaves the queue, then idle when nothing runs; stats agree", async () => {
      await withPool({ workers: 1, backend }, async (pool) => {
        const release = markFile();
        const order: string[] = [];
        let queuedAtDrain = -1;
        let atIdle = { queued: -1, busy: -1 };
        pool.on('drain', () => {
          order.push('drain');
          queuedAtDrain = pool.stats.queued;
        });
        pool.on('idle', () => {
          order.push('idle');
          atIdle = pool.stats;
        });
        const idle = once(pool, 'idle');
        const blocked = pool.apply(waitForFile, [release]);
        const queued = [1, 2, 3].map((value) => pool.apply(sleepThen, [0, value]));
        await eventually(() => pool.stats.busy === 1, 'the worker to hold the blocking task');
        assert.equal(pool.stats.queued, 3);
        assert.deepEqual(order, [], 'no drain while items wait');
        writeFileSync(release, '');
        assert.equal(await blocked, 'released');
        assert.deepEqual(await Promise.all(queued), [1, 2, 3]);
        await inTime(idle, 'idle');
        assert.deepEqual(order, ['drain', 'idle']);
        assert.equal(queuedAtDrain, 0);
        assert.equal(atIdle.queued, 0);
        assert.equal(atIdle.busy, 0);
        // A second burst: the events come again (a map may empty the queue between its chunks: a drain each time).
        const again = once(pool, 'idle');
        await pool.map((x: number) => x, [1, 2, 3]);
        await inTime(again, 'the second idle');
        const second = order.slice(2);
        assert.equal(second.at(-1), 'idle');
        assert.ok(second.length >= 2 && second.slice(0, -1).every((name) => name === 'drain'), `drains then one idle: ${second.join(', ')}`);
      });
    });
  });
}
