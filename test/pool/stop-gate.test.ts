/**
 * A thread worker that the pool stops on purpose (an item past its timeout and abortGrace) is
 * not terminated in the middle of importing a module: the stop waits for the import. The worker
 * must start nothing more in the meantime, or the chunks sent with the stopped one (in the same
 * message) run there and die with it, their results unsent: healthy calls failed with "results
 * were lost with the worker" (about one soak run in three). They must run elsewhere and succeed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ModuleTask } from 'multicore';
import { fixture, withPool } from '../helpers.js';

const slowToImport: ModuleTask<() => never> = { module: fixture('slow-import.mjs'), name: 'spinForever' };
const sleepThen: ModuleTask<(ms: number, value: number) => Promise<number>> = { module: fixture('serving-tasks.mjs'), name: 'sleepThen' };

describe('stopping a thread worker while it imports a task module', () => {
  it('the chunks sent with the stopped one do not start there: they run on its replacement and succeed', async () => {
    await withPool({ workers: 1, abortGrace: 50 }, async (pool) => {
      await pool.apply(sleepThen, [0, 0]);
      // Many short chunks: the calls below then leave in one message to the one worker.
      await pool.map((x: number) => x, Array.from({ length: 200 }, (_, i) => i), { chunksize: 1 });
      let exits = 0;
      pool.on('workerexit', () => exits++);
      const stopped = pool.apply(slowToImport, [], { timeout: 100 });
      // The last one keeps the message unfinished, so the others' results would still be unsent.
      const sentWith = [...Array.from({ length: 5 }, (_, i) => pool.apply((x: number) => x, [i])), pool.apply(sleepThen, [1_000, 5])];
      await assert.rejects(stopped, { code: 'ERR_TASK_TIMEOUT' });
      assert.deepEqual(await Promise.allSettled(sentWith), [0, 1, 2, 3, 4, 5].map((value) => ({ status: 'fulfilled', value })));
      assert.equal(exits, 1, 'the stopped worker was replaced');
    });
  });
});
