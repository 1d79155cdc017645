import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { MulticoreError, Pool, QueueFullError } from 'multicore';
import { backends, eventually, fixture, markFile, withPool } from '../helpers.js';

const tasks = fixture('serving-tasks.mjs');
const waitForFile = { module: tasks, name: 'waitForFile' };
const sleepThen = { module: tasks, name: 'sleepThen' };

for (const backend of backends) {
  describe(`maxQueue (${backend})`, () => {
    it('once maxQueue items wait, new calls reject at once with ERR_QUEUE_FULL; the queued ones still run', async () => {
      await withPool({ workers: 1, backend, maxQueue: 2 }, async (pool) => {
        const release = markFile();
        const blocked = pool.apply(waitForFile, [release]);
        await eventually(() => pool.stats.busy === 1, 'the worker to hold the blocking task');
        const queued = [1, 2].map((value) => pool.apply(sleepThen, [0, value]));
        const refusals = [
          pool.apply(sleepThen, [0, 3]),
          pool.map((x: number) => x, [1]),
          pool.forRange(2, () => 0),
          (async () => {
            for await (const value of pool.imap((x: number) => x, [1])) return value;
          })(),
        ];
        for (const refused of refusals) {
          await assert.rejects(refused, (error: unknown) => {
            assert.ok(error instanceof QueueFullError && error instanceof MulticoreError);
            assert.equal(error.code, 'ERR_QUEUE_FULL');
            assert.equal(error.maxQueue, 2);
            assert.match(error.message, /2 items already wait for a worker/);
            return true;
          });
        }
        assert.equal(pool.stats.queued, 2, 'the refused calls queued nothing');
        writeFileSync(release, '');
        assert.equal(await blocked, 'released');
        assert.deepEqual(await Promise.all(queued), [1, 2]);
        assert.equal(await pool.apply(sleepThen, [0, 'room again']), 'room again');
      });
    });

    it("a map that started is never cut short: its own read-ahead may queue past maxQueue", async () => {
      await withPool({ workers: 1, backend, maxQueue: 1 }, async (pool) => {
        const items = Array.from({ length: 40 }, (_, i) => i);
        assert.deepEqual(await pool.map((x: number) => x * 2, items, { chunksize: 1 }), items.map((x) => x * 2));
      });
    });
  });
}

describe('maxQueue validation', () => {
  it('is a positive integer or Infinity', () => {
    assert.throws(() => new Pool({ maxQueue: 0 }), { name: 'RangeError', message: 'maxQueue must be a positive integer or Infinity, got 0' });
    assert.throws(() => new Pool({ maxQueue: 2.5 }), { name: 'RangeError', message: /maxQueue must be a positive integer or Infinity/ });
    assert.throws(() => new Pool({ maxQueue: '10' as never }), { name: 'TypeError', message: 'maxQueue must be a positive integer or Infinity, got the string "10"' });
  });

  it('Infinity is the default: no bound', async () => {
    await withPool({ workers: 1, maxQueue: Infinity }, async (pool) => {
      const values = await Promise.all(Array.from({ length: 50 }, (_, i) => pool.apply((x: number) => x, [i])));
      assert.equal(values.length, 50);
    });
  });
});
