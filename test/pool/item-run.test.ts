/**
 * A chunk's items run one after another in the worker, synchronously while they return plain
 * values and by awaiting once one returns a promise (backends/local/chunk-runner.ts). Mixed
 * chunks must give the same results, errors and order either way, and a chunk stopped by a
 * failure must not start the items after it, whichever path it was on.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backends, withPool } from '../helpers.js';

// Item i: a plain value, a promise, a throw, or a rejection, by i % 4.
const mixed = (i: number): number | Promise<number> => {
  if (i % 4 === 0) return i * 10;
  if (i % 4 === 1) return new Promise((resolve) => setTimeout(() => resolve(i * 10), 1));
  if (i % 4 === 2) throw new RangeError(`sync ${i}`);
  return Promise.reject(new TypeError(`async ${i}`));
};

for (const backend of backends) {
  describe(`items of one chunk, plain and awaited (${backend})`, () => {
    it('mapSettled keeps every outcome in input order, whichever path it took', async () => {
      await withPool({ workers: 1, backend }, async (pool) => {
        const inputs = Array.from({ length: 24 }, (_, i) => i);
        const outcomes = await pool.mapSettled(mixed, inputs, { chunksize: 12 });
        assert.equal(outcomes.length, inputs.length);
        for (const [i, outcome] of outcomes.entries()) {
          if (i % 4 < 2) assert.deepEqual(outcome, { status: 'fulfilled', value: i * 10 }, `item ${i}`);
          else {
            assert.equal(outcome.status, 'rejected', `item ${i}`);
            const reason = (outcome as PromiseRejectedResult).reason as Error;
            assert.equal(reason.message, i % 4 === 2 ? `sync ${i}` : `async ${i}`);
            assert.equal(reason.name, i % 4 === 2 ? 'RangeError' : 'TypeError');
          }
        }
      });
    });

    it('map stops a chunk at its first failure, after an awaited item as after a plain one', async () => {
      await withPool({ workers: 1, backend }, async (pool) => {
        // One chunk: 0 plain, 1 awaited, 2 fails; item 3 leaves a mark in the worker if it runs.
        const ranAfter = () => (globalThis as { ranAfterFailure?: number }).ranAfterFailure ?? 0;
        const afterAwait = (i: number) => {
          if (i === 3) (globalThis as { ranAfterFailure?: number }).ranAfterFailure = 1;
          return i === 2 ? Promise.reject(new TypeError('async 2')) : i === 1 ? Promise.resolve(1) : i;
        };
        await assert.rejects(pool.map(afterAwait, [0, 1, 2, 3], { chunksize: 4 }), { name: 'TypeError', message: 'async 2' });
        assert.equal(await pool.apply(ranAfter), 0, 'the item after an awaited failure did not run');
        const afterPlain = (i: number) => {
          if (i === 3) (globalThis as { ranAfterFailure?: number }).ranAfterFailure = 2;
          if (i === 2) throw new RangeError('sync 2');
          return i === 1 ? Promise.resolve(1) : i;
        };
        await assert.rejects(pool.map(afterPlain, [0, 1, 2, 3], { chunksize: 4 }), { name: 'RangeError', message: 'sync 2' });
        assert.equal(await pool.apply(ranAfter), 0, 'the item after a plain failure did not run');
        assert.deepEqual(await pool.map((i: number) => (i % 2 === 0 ? i : Promise.resolve(i)), [0, 1, 2, 3, 4], { chunksize: 5 }), [0, 1, 2, 3, 4]);
      });
    });
  });
}
