import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { availableParallelism } from 'node:os';
import { Pool } from 'multicore';
import { withPool } from '../helpers.js';

describe('options are validated up front', () => {
  it('new Pool() rejects a bad worker count with the option name and what was expected', () => {
    assert.throws(() => new Pool(0), { name: 'RangeError', message: 'workers must be a positive integer, got 0' });
    assert.throws(() => new Pool(1.5), { name: 'RangeError', message: /workers must be a positive integer/ });
    assert.throws(() => new Pool('3' as never), { name: 'TypeError', message: /workers must be a positive integer or options an object, got the string "3"/ });
    assert.throws(() => new Pool({ workers: '2' as never }), { name: 'TypeError', message: 'workers must be a positive integer, got the string "2"' });
    assert.throws(() => new Pool({ wrokers: 2 } as never), { name: 'TypeError', message: /Unknown option 'wrokers'.*workers/ });
    assert.throws(() => new Pool({ backend: 'gpu' as never }), { name: 'RangeError', message: /backend must be one of 'thread'.*, got 'gpu'/ });
    assert.throws(() => new Pool({ resourceLimits: { maxOldGenerationSizeMb: -1 } }), { name: 'RangeError', message: /resourceLimits\.maxOldGenerationSizeMb/ });
  });

  it('per-call options are checked before any work starts', async () => {
    await withPool(1, async (pool) => {
      await assert.rejects(pool.map((x: number) => x, [1], { chunksize: -1 }), { name: 'RangeError', message: 'chunksize must be a positive integer, got -1' });
      await assert.rejects(pool.map((x: number) => x, [1], { chunksize: '5' as never }), { name: 'TypeError', message: /chunksize/ });
      await assert.rejects(pool.map((x: number) => x, [1], { signal: {} as never }), { name: 'TypeError', message: /signal must be an AbortSignal/ });
      await assert.rejects(pool.map((x: number) => x, [1], { onProgress: 1 as never }), { name: 'TypeError', message: /onProgress must be a function/ });
      await assert.rejects(pool.map((x: number) => x, 5 as never), { name: 'TypeError', message: /items must be an array, an iterable or an async iterable/ });
      await assert.rejects(pool.apply((x: number) => x, 5 as never), { name: 'TypeError', message: /args must be an array/ });
      await assert.rejects(pool.apply(() => 1, [], { timeot: 5 } as never), { name: 'TypeError', message: /Unknown option 'timeot'/ });
    });
  });

  it('workers defaults to the CPUs this process may use', async () => {
    await withPool({}, async (pool) => {
      assert.equal(pool.workers, availableParallelism());
      assert.equal(pool.stats.workers, availableParallelism());
    });
  });
});
