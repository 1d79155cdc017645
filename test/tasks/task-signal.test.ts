import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NotInTaskError, Pool, TaskTimeoutError, taskSignal, type WorkerExitEvent } from 'multicore';
import { backends, eventually, fixture, withPool } from '../helpers.js';

const tasks = fixture('serving-tasks.mjs');
const watchSignal = { module: tasks, name: 'watchSignal' };
const lastAbortReason = { module: tasks, name: 'lastAbortReason' };
const identity = { module: tasks, name: 'identity' };
const signalAborted = { module: tasks, name: 'signalAborted' };
const spin = { module: tasks, name: 'spin' };

function exits(pool: Pool): WorkerExitEvent[] {
  const seen: WorkerExitEvent[] = [];
  pool.on('workerexit', (exit) => seen.push(exit));
  return seen;
}

for (const backend of backends) {
  describe(`taskSignal() and abortGrace (${backend})`, () => {
    it('an item past its timeout: its taskSignal aborts with a TimeoutError, and a task that stops keeps its worker', async () => {
      await withPool({ workers: 1, backend }, async (pool) => {
        const seen = exits(pool);
        const before = await pool.apply(identity);
        await assert.rejects(pool.apply(watchSignal, [20_000], { timeout: 50 }), TaskTimeoutError);
        assert.equal(await pool.apply(lastAbortReason), 'TimeoutError');
        assert.equal(await pool.apply(identity), before, 'the same worker serves the next call');
        assert.deepEqual(seen, [], 'no worker exited');
      });
    });

    it("the caller's signal: the task sees an AbortError, the call rejects with the caller's reason, the worker stays", async () => {
      await withPool({ workers: 1, backend }, async (pool) => {
        const seen = exits(pool);
        const before = await pool.apply(identity);
        const controller = new AbortController();
        const call = pool.apply(watchSignal, [20_000], { signal: controller.signal });
        await eventually(() => pool.stats.busy === 1, 'the task to run');
        const reason = new Error('client went away');
        controller.abort(reason);
        await assert.rejects(call, reason);
        assert.equal(await pool.apply(lastAbortReason), 'AbortError');
        assert.equal(await pool.apply(identity), before);
        assert.deepEqual(seen, []);
      });
    });

    it('map: the timed-out item fails, its worker is kept, the items before it keep their results (mapSettled)', async () => {
      await withPool({ workers: 1, backend }, async (pool) => {
        const seen = exits(pool);
        await pool.apply(identity); // the task module is loaded: the timeout below measures the items alone
        const outcomes = await pool.mapSettled(watchSignal, [0, 20_000, 0], { timeout: 1_000, chunksize: 1 });
        assert.deepEqual(outcomes.map((outcome) => outcome.status), ['fulfilled', 'rejected', 'fulfilled']);
        assert.ok((outcomes[1] as PromiseRejectedResult).reason instanceof TaskTimeoutError);
        assert.deepEqual(seen, []);
      });
    });

    it('a task that ignores its signal is stopped with its worker once abortGrace has passed', async () => {
      await withPool({ workers: 1, backend, abortGrace: 50 }, async (pool) => {
        const seen = exits(pool);
        // Loaded first: a timeout that fell while the module was still importing (a loaded
        // machine) would cancel the item before it started, and the worker would rightly stay.
        await pool.apply(identity);
        await assert.rejects(pool.apply(spin, [], { timeout: 50 }), TaskTimeoutError);
        await eventually(() => seen.length === 1, 'the stuck worker to be replaced');
        assert.equal(seen[0]!.crashed, false, 'the pool stopped it');
        assert.equal(await pool.apply(signalAborted), false, 'the replacement serves');
      });
    });

    it('abortGrace 0: even a task that would stop is replaced at once, as before taskSignal existed', async () => {
      await withPool({ workers: 1, backend, abortGrace: 0 }, async (pool) => {
        const seen = exits(pool);
        await assert.rejects(pool.apply(watchSignal, [20_000], { timeout: 50 }), TaskTimeoutError);
        await eventually(() => seen.length === 1, 'the worker to be replaced');
      });
    });

    it("a call without signal or timeout gets a signal that never aborts", async () => {
      await withPool({ workers: 1, backend }, async (pool) => {
        assert.equal(await pool.apply(signalAborted), false);
        assert.deepEqual(await pool.map(signalAborted, [null, null]), [false, false]);
      });
    });
  });
}

describe('taskSignal() outside a task and abortGrace validation', () => {
  it('taskSignal() on the main thread throws ERR_NOT_IN_TASK', () => {
    assert.throws(() => taskSignal(), (error: unknown) => error instanceof NotInTaskError && /taskSignal\(\) works only inside a task/.test(error.message));
  });

  it('abortGrace is a number of milliseconds, 0 or more, on local pools', () => {
    assert.throws(() => new Pool({ abortGrace: -1 }), { name: 'RangeError', message: 'abortGrace must be a number of milliseconds (0 or more), got -1' });
    assert.throws(() => new Pool({ abortGrace: '1s' as never }), { name: 'TypeError', message: /abortGrace must be a number of milliseconds/ });
    assert.throws(() => new Pool({ backend: 'redis', abortGrace: 100 } as never), { name: 'TypeError', message: /abortGrace applies to local workers/ });
  });
});
