import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  Pool,
  SharedMemoryBackendError,
  parallelDot,
  parallelHistogram,
  parallelMax,
  parallelMean,
  parallelMin,
  parallelSum,
  sharedArray,
  toShared,
  type SharedTypedArray,
  type TypedArray,
} from 'multicore';
import { withPool } from '../helpers.js';
import { sumInDocumentedOrder } from './fixtures/float-order.js';

const numberKinds = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array] as const;
const bigintKinds = [BigInt64Array, BigUint64Array] as const;
const isFloat = (array: TypedArray) => array instanceof Float32Array || array instanceof Float64Array;
const isBig = (array: TypedArray) => array instanceof BigInt64Array || array instanceof BigUint64Array;

/** Deterministic values over each kind's whole range, negatives included where it has them. */
function filled<A extends TypedArray>(kind: new (length: number) => A, length: number, seed = 12345): SharedTypedArray<A> {
  const array = new kind(length);
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let i = 0; i < length; i++) {
    if (array instanceof BigInt64Array) array[i] = BigInt(Math.floor((next() - 0.5) * 2 ** 52)) * 1024n;
    else if (array instanceof BigUint64Array) array[i] = BigInt(Math.floor(next() * 2 ** 52)) * 2048n;
    else if (isFloat(array)) (array as Float64Array)[i] = (next() - 0.5) * 1e6;
    else (array as Int32Array)[i] = Math.floor((next() - 0.5) * 2 ** 33);
  }
  return toShared(array);
}

/** The exact sum, as a bigint for integer kinds; a plain double loop for floats. */
function referenceSum(array: TypedArray): number | bigint {
  if (isFloat(array)) {
    let s = 0;
    for (const x of array as Float64Array) s += x;
    return s;
  }
  let s = 0n;
  for (const x of array as unknown as Iterable<number | bigint>) s += BigInt(x);
  return s;
}

function referenceDot(a: TypedArray, b: TypedArray): number | bigint {
  if (isBig(a)) {
    let s = 0n;
    for (let i = 0; i < a.length; i++) s += (a as BigInt64Array)[i]! * (b as BigInt64Array)[i]!;
    return s;
  }
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a as Float64Array)[i]! * (b as Float64Array)[i]!;
  return s;
}

const closeTo = (actual: number, expected: number, scale: number, message: string) =>
  assert.ok(Math.abs(actual - expected) <= 1e-12 * scale, `${message}: ${actual} vs ${expected}`);

// Lengths that 3 workers (and 7 chunks) do not divide, with 0-3 leftovers for the unrolled loops.
const lengths = [1, 2, 3, 5, 998, 10_007];

describe('parallelSum, parallelMean, parallelMin, parallelMax, parallelDot on every kind', () => {
  it('give the results of a serial loop, for lengths the workers do not divide', async () => {
    await withPool(3, async (pool) => {
      for (const kind of [...numberKinds, ...bigintKinds]) {
        for (const length of lengths) {
          for (const options of [undefined, { chunks: 7 }]) {
            const data = filled(kind as new (n: number) => TypedArray, length);
            const other = filled(kind as new (n: number) => TypedArray, length, 777);
            const what = `${kind.name}[${length}] ${options ? 'in 7 chunks' : ''}`;
            const values = Array.from(data as unknown as Iterable<number | bigint>);
            const sum = await parallelSum(pool, data, options);
            const mean = await parallelMean(pool, data, options);
            const min = await parallelMin(pool, data, options);
            const max = await parallelMax(pool, data, options);
            const dot = await parallelDot(pool, data, other as never, options);
            const exact = referenceSum(data);
            assert.equal(min, values.reduce((a, b) => (b < a ? b : a)), `min of ${what}`);
            assert.equal(max, values.reduce((a, b) => (b > a ? b : a)), `max of ${what}`);
            if (isFloat(data)) {
              closeTo(sum as number, exact as number, length * 1e6, `sum of ${what}`);
              closeTo(mean, (exact as number) / length, 1e6, `mean of ${what}`);
              closeTo(dot as number, referenceDot(data, other) as number, length * 1e12, `dot of ${what}`);
            } else if (isBig(data)) {
              assert.equal(sum, exact, `sum of ${what}`);
              assert.equal(typeof min, 'bigint');
              assert.equal(mean, Number(exact) / length, `mean of ${what}`);
              assert.equal(dot, referenceDot(data, other), `dot of ${what}`);
            } else {
              assert.equal(sum, Number(exact), `sum of ${what}`);
              assert.equal(mean, Number(exact) / length, `mean of ${what}`);
              closeTo(dot as number, referenceDot(data, other) as number, length * 2 ** 64, `dot of ${what}`);
            }
          }
        }
      }
    });
  });

  it('sum 32-bit integers exactly beyond 2^53, rounded once at the end', async () => {
    await withPool(2, async (pool) => {
      const length = 2 ** 22 + 3;
      const data = sharedArray(Uint32Array, length).fill(2 ** 32 - 1);
      data[7] = 12345;
      const exact = BigInt(2 ** 32 - 1) * BigInt(length - 1) + 12345n;
      assert.ok(exact > BigInt(Number.MAX_SAFE_INTEGER));
      let naive = 0;
      for (const x of data) naive += x;
      assert.notEqual(naive, Number(exact), 'a plain double loop rounds at every step');
      assert.equal(await parallelSum(pool, data), Number(exact));
      assert.equal(await parallelSum(pool, data, { chunks: 5 }), Number(exact));
      assert.equal(await parallelSum(pool, toShared(Int32Array.from([-(2 ** 31), 2 ** 31 - 1, -5]))), -6);
    });
  });

  it('sum floats and dot them in the order docs/shared-memory.md gives, to the last bit, for any chunking', async () => {
    const inOrder = sumInDocumentedOrder;
    await withPool(2, async (pool) => {
      // Magnitudes from 1 to 1e16, so that every order of the additions rounds differently.
      const data = toShared(Float64Array.from({ length: 10_007 }, (_, i) => Math.sin(i) * 10 ** (i % 17)));
      const other = filled(Float64Array, 10_007, 777);
      for (const chunks of [1, 2, 3, 7]) {
        assert.equal(await parallelSum(pool, data, { chunks }), inOrder((i) => data[i]!, data.length, chunks), `sum in ${chunks} ranges`);
        assert.equal(await parallelDot(pool, data, other, { chunks }), inOrder((i) => data[i]! * other[i]!, data.length, chunks), `dot in ${chunks} ranges`);
      }
      // The order matters: the same values in a plain loop differ in their last bits.
      let plain = 0;
      for (const x of data) plain += x;
      assert.notEqual(plain, inOrder((i) => data[i]!, data.length, 2));
    });
  });

  it('work on views at an offset into a shared buffer, and on arrays that mix dot kinds', async () => {
    await withPool(2, async (pool) => {
      const whole = toShared(Float64Array.from({ length: 20 }, (_, i) => i));
      const view = whole.subarray(3, 14);
      assert.equal(await parallelSum(pool, view), 3 + 4 + 5 + 6 + 7 + 8 + 9 + 10 + 11 + 12 + 13);
      assert.equal(await parallelMin(pool, view), 3);
      assert.equal(await parallelMax(pool, view), 13);
      const bytes = toShared(Int8Array.from([1, -2, 3]));
      assert.equal(await parallelDot(pool, toShared(Float32Array.from([0.5, 2, 4])), bytes), 0.5 - 4 + 12);
    });
  });
});

describe('empty arrays and NaN', () => {
  it('give numpy results for empty arrays: sums 0, mean NaN, no min or max', async () => {
    await withPool(2, async (pool) => {
      for (const kind of numberKinds) {
        const empty = sharedArray(kind as typeof Float64Array, 0);
        assert.ok(Object.is(await parallelSum(pool, empty), 0), `${kind.name}: 0, not -0`);
        assert.ok(Number.isNaN(await parallelMean(pool, empty)));
        assert.ok(Object.is(await parallelDot(pool, empty, sharedArray(Float64Array, 0)), 0));
        await assert.rejects(parallelMin(pool, empty), { name: 'RangeError', message: /array is empty, and an empty array has no minimum/ });
        await assert.rejects(parallelMax(pool, empty), { name: 'RangeError', message: /no maximum/ });
      }
      assert.equal(await parallelSum(pool, sharedArray(BigInt64Array, 0)), 0n);
      assert.equal(await parallelDot(pool, sharedArray(BigUint64Array, 0), sharedArray(BigInt64Array, 0)), 0n);
      assert.ok(Number.isNaN(await parallelMean(pool, sharedArray(BigInt64Array, 0))));
    });
  });

  it('propagate NaN wherever it is, in any range, as numpy sum, mean, min, max and dot do', async () => {
    await withPool(2, async (pool) => {
      for (const kind of [Float32Array, Float64Array]) {
        for (const at of [0, 1, 500, 998, 1000]) {
          const data = toShared((kind as typeof Float64Array).from({ length: 1001 }, (_, i) => i - 300));
          data[at] = NaN;
          for (const options of [undefined, { chunks: 7 }]) {
            const what = `${kind.name} with NaN at ${at}`;
            assert.ok(Number.isNaN(await parallelSum(pool, data, options)), what);
            assert.ok(Number.isNaN(await parallelMean(pool, data, options)), what);
            assert.ok(Number.isNaN(await parallelMin(pool, data, options)), what);
            assert.ok(Number.isNaN(await parallelMax(pool, data, options)), what);
            assert.ok(Number.isNaN(await parallelDot(pool, data, data, options)), what);
          }
        }
      }
      // Infinities are values, not NaN.
      const infinite = toShared(Float64Array.from([1, -Infinity, 2, Infinity, 3]));
      assert.equal(await parallelMin(pool, infinite), -Infinity);
      assert.equal(await parallelMax(pool, infinite), Infinity);
      assert.ok(Number.isNaN(await parallelSum(pool, infinite)));
    });
  });
});

describe('parallelHistogram', () => {
  it('gives numpy.histogram counts and edges (values from numpy 2.4)', async () => {
    await withPool(2, async (pool) => {
      assert.deepEqual(await parallelHistogram(pool, toShared(Float64Array.from([0, 0.1, 0.5, 1, 0.99])), { bins: 4 }), {
        counts: [2, 0, 1, 2],
        edges: [0, 0.25, 0.5, 0.75, 1],
      });
      assert.deepEqual(await parallelHistogram(pool, toShared(Int32Array.from({ length: 10 }, (_, i) => i)), { bins: 3 }), {
        counts: [3, 3, 4],
        edges: [0, 3, 6, 9],
      });
      // On the edges: numpy's edges are k * 0.1, so 0.3 and 0.7 fall below the edges 0.30000000000000004 and 0.7000000000000001.
      const onEdges = await parallelHistogram(pool, toShared(Float64Array.from([-1, 0, 0.25, 0.3, 0.7, 1, 1.5])), { range: [0, 1] });
      assert.deepEqual(onEdges.counts, [1, 0, 2, 0, 0, 0, 1, 0, 0, 1]);
      assert.equal(onEdges.edges[3], 0.30000000000000004);
      const tenths = toShared(Float64Array.from({ length: 31 }, (_, i) => 0.1 * i));
      assert.deepEqual(await parallelHistogram(pool, tenths, { bins: 3, range: [0.3, 2.7] }), { counts: [8, 9, 8], edges: [0.3, 1.1, 1.9000000000000004, 2.7] });
      assert.deepEqual(await parallelHistogram(pool, toShared(Float64Array.from([5, 5])), { bins: 2 }), { counts: [0, 2], edges: [4.5, 5, 5.5] });
      const empty = await parallelHistogram(pool, sharedArray(Float64Array, 0));
      assert.deepEqual(empty.counts, new Array(10).fill(0));
      assert.equal(empty.edges.length, 11);
      assert.equal(empty.edges[10], 1);
    });
  });

  it('counts like a binary search over the edges, on every number kind and any chunking', async () => {
    await withPool(3, async (pool) => {
      for (const kind of numberKinds) {
        const data = filled(kind as typeof Float64Array, 10_007);
        const values = Array.from(data);
        for (const [options, chunks] of [[{ bins: 13 }, undefined], [{ bins: 64, range: [-1e5, 3e5] as const }, 7]] as const) {
          const { counts, edges } = await parallelHistogram(pool, data, { ...options, chunks });
          const expected = new Array(edges.length - 1).fill(0);
          for (const x of values) {
            if (!(x >= edges[0]! && x <= edges.at(-1)!)) continue;
            let k = 0;
            while (k < expected.length - 1 && x >= edges[k + 1]!) k++;
            expected[k]++;
          }
          assert.deepEqual(counts, expected, `${kind.name} ${JSON.stringify(options)}`);
          if (!('range' in options)) assert.equal(counts.reduce((a, b) => a + b), values.length, 'its own range counts every value');
        }
      }
    });
  });

  it('leaves NaN out when given a range, and refuses to guess a range around NaN', async () => {
    await withPool(2, async (pool) => {
      const data = toShared(Float64Array.from([1, 2, NaN, 3]));
      assert.deepEqual(await parallelHistogram(pool, data, { bins: 2, range: [0, 4] }), { counts: [1, 2], edges: [0, 2, 4] });
      await assert.rejects(parallelHistogram(pool, data), { name: 'RangeError', message: /range \[NaN, NaN\] is not finite.*pass \{ range: \[min, max\] \}/ });
      await assert.rejects(parallelHistogram(pool, toShared(Float64Array.from([1, Infinity]))), { name: 'RangeError', message: /not finite/ });
    });
  });

  it('validates bins and range, naming them', async () => {
    await withPool(1, async (pool) => {
      const data = toShared(Float64Array.from([1, 2]));
      await assert.rejects(parallelHistogram(pool, data, { bins: 0 }), { name: 'RangeError', message: /bins must be a positive integer, got 0/ });
      await assert.rejects(parallelHistogram(pool, data, { bins: '4' as never }), { name: 'TypeError', message: /bins must be a positive integer/ });
      await assert.rejects(parallelHistogram(pool, data, { bins: 2 ** 30 + 1 }), { name: 'RangeError', message: /bins must be at most 2\^30/ });
      await assert.rejects(parallelHistogram(pool, data, { range: [2, 1] }), { name: 'RangeError', message: /min <= max, got \[2, 1\]/ });
      await assert.rejects(parallelHistogram(pool, data, { range: [0, NaN] }), { name: 'RangeError', message: /range must be finite/ });
      await assert.rejects(parallelHistogram(pool, data, { range: [1] as never }), { name: 'TypeError', message: /range must be a pair of numbers/ });
      await assert.rejects(parallelHistogram(pool, data, { width: 3 } as never), { name: 'TypeError', message: /Unknown option 'width'/ });
      await assert.rejects(parallelHistogram(pool, sharedArray(BigInt64Array, 2) as never), { name: 'TypeError', message: /must hold numbers, got a BigInt64Array/ });
    });
  });
});

describe('what the reductions refuse', () => {
  it('arrays outside shared memory and non-arrays, with a TypeError that says how to share them', async () => {
    await withPool(1, async (pool) => {
      const plain = Float64Array.from([1, 2, 3]);
      for (const call of [
        () => parallelSum(pool, plain as never),
        () => parallelMean(pool, plain as never),
        () => parallelMin(pool, plain as never),
        () => parallelMax(pool, plain as never),
        () => parallelHistogram(pool, plain as never),
      ]) {
        await assert.rejects(call(), { name: 'TypeError', message: /array is a Float64Array over an ordinary ArrayBuffer.*toShared\(array\)/ });
      }
      await assert.rejects(parallelDot(pool, toShared(plain), plain as never), { name: 'TypeError', message: /b is a Float64Array over an ordinary ArrayBuffer/ });
      await assert.rejects(parallelSum(pool, [1, 2] as never), { name: 'TypeError', message: /array must be a typed array in shared memory/ });
      await assert.rejects(parallelSum({} as never, toShared(plain)), { name: 'TypeError', message: /pool must be a Pool, got object/ });
    });
  });

  it('dot products of different lengths or of numbers with bigints', async () => {
    await withPool(1, async (pool) => {
      await assert.rejects(parallelDot(pool, sharedArray(Float64Array, 3), sharedArray(Float64Array, 4)), { name: 'RangeError', message: /same length, got 3 and 4/ });
      await assert.rejects(parallelDot(pool, sharedArray(Float64Array, 3), sharedArray(BigInt64Array, 3) as never), {
        name: 'TypeError',
        message: /both hold numbers or both hold bigints, got a Float64Array and a BigInt64Array/,
      });
    });
  });

  it('process pools, with ERR_SHARED_MEMORY_BACKEND before anything is sent', async () => {
    await withPool({ backend: 'process', workers: 1 }, async (pool: Pool) => {
      const data = toShared(Float64Array.from([1, 2, 3]));
      const refused = (path: string) => (error: unknown) => {
        assert.ok(error instanceof SharedMemoryBackendError);
        assert.equal(error.code, 'ERR_SHARED_MEMORY_BACKEND');
        assert.equal(error.path, path);
        return true;
      };
      await assert.rejects(parallelSum(pool, data), refused('context'));
      await assert.rejects(parallelMean(pool, data), refused('context'));
      await assert.rejects(parallelMin(pool, data), refused('context'));
      await assert.rejects(parallelMax(pool, data), refused('context'));
      await assert.rejects(parallelDot(pool, data, data), refused('context.a'));
      await assert.rejects(parallelHistogram(pool, data, { range: [0, 3] }), refused('context.array'));
      await assert.rejects(parallelHistogram(pool, data), refused('context'));
      assert.equal(pool.stats.completed + pool.stats.failed, 0, 'no task ran');
    });
  });

  it('a closed pool, with its own error', async () => {
    const pool = new Pool(1);
    pool.close();
    await assert.rejects(parallelSum(pool, sharedArray(Float64Array, 3)), { code: 'ERR_POOL_CLOSED' });
    await pool.join();
  });
});
