import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PoolClosedError, sharedArray, toShared, type ModuleTask, type TypedArray } from 'multicore';
import { withPool } from '../helpers.js';
import { countAbove, sumSquares } from './fixtures/range-tasks.js';

/** Sums any typed array kind: bigint kinds as bigint, the others as double. */
const sumRange = (start: number, end: number, a: TypedArray): number | bigint => {
  if (a instanceof BigInt64Array || a instanceof BigUint64Array) {
    let big = 0n;
    for (let i = start; i < end; i++) big += a[i]!;
    return big;
  }
  let sum = 0;
  for (let i = start; i < end; i++) sum += (a as Float64Array)[i]!;
  return sum;
};
const add = (a: any, b: any) => a + b;

/** Deterministic values that use each kind's range, including negatives where it has them. */
function filled(kind: new (length: number) => TypedArray, length: number): TypedArray {
  const array = new kind(length);
  let seed = 12345;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let i = 0; i < length; i++) {
    if (array instanceof BigInt64Array) array[i] = BigInt(Math.floor((next() - 0.5) * 2 ** 52)) * 1024n;
    else if (array instanceof BigUint64Array) array[i] = BigInt(Math.floor(next() * 2 ** 52)) * 2048n;
    else if (array instanceof Float32Array || array instanceof Float64Array) array[i] = (next() - 0.5) * 1e6;
    else (array as Int32Array)[i] = Math.floor((next() - 0.5) * 2 ** 33);
  }
  return toShared(array);
}

const kinds = [
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
  Float32Array, Float64Array, BigInt64Array, BigUint64Array,
] as const;

describe('pool.reduceRange() and pool.forRange()', () => {
  it('sums every typed array kind as a serial loop does', async () => {
    await withPool(2, async (pool) => {
      for (const kind of kinds) {
        const data = filled(kind, 10_007);
        const serial = sumRange(0, data.length, data);
        const parallel = await pool.reduceRange(data.length, sumRange, add, data, { chunks: 5 });
        if (typeof serial === 'bigint' || kind !== Float32Array && kind !== Float64Array) {
          assert.equal(parallel, serial, kind.name);
        } else {
          // Floating-point sums in another order differ in the last bits only.
          assert.ok(Math.abs((parallel as number) - serial) <= 1e-9 * data.length * 1e6, `${kind.name}: ${parallel} vs ${serial}`);
        }
      }
    });
  });

  it('handles edge lengths: 0, 1, fewer items than workers, not divisible by the ranges', async () => {
    await withPool(3, async (pool) => {
      const ranges = (start: number, end: number) => [start, end];
      assert.deepEqual(await pool.forRange(0, ranges), [[0, 0]], 'one empty range');
      assert.equal(await pool.reduceRange(0, sumRange, add, sharedArray(Float64Array, 0)), 0, 'the kernel identity');
      assert.deepEqual(await pool.forRange(1, ranges), [[0, 1]]);
      assert.deepEqual(await pool.forRange(2, ranges), [[0, 1], [1, 2]], 'fewer items than workers');
      assert.deepEqual(await pool.forRange(3, ranges, undefined, { chunks: 10 }), [[0, 1], [1, 2], [2, 3]]);
      assert.deepEqual(await pool.forRange(10, ranges), [[0, 4], [4, 7], [7, 10]], 'one per worker, not divisible');
      const data = toShared(Int32Array.from({ length: 10 }, (_, i) => i + 1));
      assert.equal(await pool.reduceRange(data.length, sumRange, add, data), 55);
      assert.equal(await pool.reduceRange(1, sumRange, add, data), 1);
    });
  });

  it('gives identical integer results whatever the number of ranges', async () => {
    await withPool(2, async (pool) => {
      const data = filled(Int32Array, 99_991) as Int32Array;
      const histogram = (start: number, end: number, a: Int32Array) => {
        const bins = new Array<number>(16).fill(0);
        for (let i = start; i < end; i++) bins[a[i]! >>> 28]!++;
        return bins;
      };
      const merge = (a: number[], b: number[]) => a.map((count, bin) => count + b[bin]!);
      const expected = { sum: sumRange(0, data.length, data), histogram: histogram(0, data.length, data) };
      for (const chunks of [1, 2, 3, 7, 64, 1000]) {
        assert.equal(await pool.reduceRange(data.length, sumRange, add, data, { chunks }), expected.sum, `chunks ${chunks}`);
        assert.deepEqual(await pool.reduceRange(data.length, histogram, merge, data, { chunks }), expected.histogram, `chunks ${chunks}`);
      }
    });
  });

  it('resolves to the per-range results in range order, whatever order they finish in', async () => {
    await withPool(2, async (pool) => {
      const slowFirst = async (start: number, end: number) => {
        if (start === 0) await new Promise((resolve) => setTimeout(resolve, 30));
        return `${start}-${end}`;
      };
      assert.deepEqual(await pool.forRange(8, slowFirst, undefined, { chunks: 4 }), ['0-2', '2-4', '4-6', '6-8']);
    });
  });

  it('rejects the whole call when one range throws', async () => {
    await withPool(2, async (pool) => {
      const data = sharedArray(Int32Array, 100);
      const failing = (start: number, end: number, a: Int32Array) => {
        if (start <= 50 && 50 < end) throw new RangeError(`bad item in [${start}, ${end})`);
        for (let i = start; i < end; i++) a[i] = 1;
        return end - start;
      };
      await assert.rejects(pool.forRange(data.length, failing, data, { chunks: 4 }), { name: 'RangeError', message: 'bad item in [50, 75)' });
      await assert.rejects(pool.reduceRange(data.length, failing, add, data, { chunks: 4 }), { name: 'RangeError' });
      // The pool is fine afterwards.
      assert.deepEqual(await pool.forRange(4, (start: number) => start), [0, 2]);
    });
  });

  it('shares the arrays in the context: writes in the workers are seen here, nothing is copied', async () => {
    await withPool(2, async (pool) => {
      const data = sharedArray(Float64Array, 1000);
      const context = { data, factor: 3 };
      await pool.forRange(data.length, (start: number, end: number, c: { data: Float64Array; factor: number }) => {
        for (let i = start; i < end; i++) c.data[i] = i * c.factor;
      }, context, { chunks: 7 });
      assert.equal(context.data, data);
      for (let i = 0; i < data.length; i++) assert.equal(data[i], i * 3);
    });
  });

  it('counts exactly with Atomics.add on a shared counter, as docs/shared-memory.md shows', async () => {
    await withPool(2, async (pool) => {
      const count = sharedArray(Int32Array, 1);
      await pool.forRange(200_000, (start: number, end: number, c: Int32Array) => {
        for (let i = start; i < end; i++) Atomics.add(c, 0, 1);
      }, count, { chunks: 8 });
      assert.equal(count[0], 200_000);
    });
  });

  it('shares a SharedArrayBuffer-backed array passed to apply and map as well', async () => {
    await withPool(2, async (pool) => {
      const flags = sharedArray(Int32Array, 4);
      await pool.apply((a: Int32Array) => Atomics.store(a, 0, 7), [flags]);
      await pool.map((job: { a: Int32Array; i: number }) => Atomics.store(job.a, job.i, job.i * 10), [1, 2, 3].map((i) => ({ a: flags, i })));
      assert.deepEqual(Array.from(flags), [7, 10, 20, 30]);
      // A plain array is copied: the worker's write stays in the worker.
      const plain = new Int32Array(1);
      await pool.apply((a: Int32Array) => (a[0] = 1), [plain]);
      assert.equal(plain[0], 0);
    });
  });

  it('accepts every task form: task(import.meta, fn), a module reference, an inline function', async () => {
    await withPool(2, async (pool) => {
      const ints = toShared(Int32Array.from([1, 2, 3, 4, 5]));
      assert.equal(await pool.reduceRange(ints.length, sumSquares, add, ints), 55);
      const countRef: ModuleTask<typeof countAbove> = { module: new URL('./fixtures/range-tasks.ts', import.meta.url), name: 'countAbove' };
      const context = { data: toShared(Float64Array.from([0.1, 0.9, 0.5, 0.7])), threshold: 0.6 };
      assert.deepEqual(await pool.forRange(4, countRef, context), [1, 1]);
    });
  });

  it('stops when its signal aborts, and refuses work after close()', async () => {
    await withPool(2, async (pool) => {
      const never = (_start: number, _end: number, flag: Int32Array) => {
        Atomics.wait(flag, 0, 0, 10_000);
        return 0;
      };
      const controller = new AbortController();
      const call = pool.forRange(10, never, sharedArray(Int32Array, 1), { signal: controller.signal });
      controller.abort(new Error('enough'));
      await assert.rejects(call, { message: 'enough' });
      await assert.rejects(pool.forRange(1, () => 0, undefined, { signal: AbortSignal.abort(new Error('early')) }), { message: 'early' });
      pool.close();
      await assert.rejects(pool.forRange(1, () => 0), PoolClosedError);
      await assert.rejects(pool.reduceRange(1, () => 0, add), PoolClosedError);
    });
  });

  it('validates its arguments and options, naming them', async () => {
    await withPool(1, async (pool) => {
      const body = () => 0;
      await assert.rejects(pool.forRange(-1, body), { name: 'RangeError', message: /length must be a non-negative integer, got -1/ });
      await assert.rejects(pool.forRange(2.5, body), { name: 'RangeError', message: /length/ });
      await assert.rejects(pool.forRange('9' as never, body), { name: 'TypeError', message: /length must be a non-negative integer, got the string "9"/ });
      await assert.rejects(pool.forRange(10, body, undefined, { chunks: 0 }), { name: 'RangeError', message: /chunks must be a positive integer, got 0/ });
      await assert.rejects(pool.forRange(10, body, undefined, { chunks: 1.5 }), { name: 'RangeError', message: /chunks must be a positive integer/ });
      await assert.rejects(pool.forRange(10, body, undefined, { chunks: '2' as never }), { name: 'TypeError', message: /chunks must be a positive integer, got the string "2"/ });
      await assert.rejects(pool.forRange(10, body, undefined, { chunk: 2 } as never), { name: 'TypeError', message: /Unknown option 'chunk'/ });
      await assert.rejects(pool.forRange(10, 42 as never), { name: 'TypeError', message: /fn must be a function/ });
      await assert.rejects(pool.reduceRange(10, body, undefined as never), { name: 'TypeError', message: /combine must be a function/ });
      await assert.rejects(pool.reduceRange(10, body, 'sum' as never), { name: 'TypeError', message: /combine must be a function, got the string "sum"/ });
      const sharedDataButCaptured = sharedArray(Float64Array, 2);
      await assert.rejects(pool.forRange(2, () => sharedDataButCaptured[0]), { code: 'ERR_TASK_CAPTURE' });
    });
  });
});
