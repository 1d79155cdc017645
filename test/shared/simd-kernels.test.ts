/**
 * Large shared arrays live in a WebAssembly memory, and the ready reductions read a Float64Array
 * there with SIMD (src/shared/wasm-memory.ts, src/reductions/simd-kernels.ts). The results must
 * be those of the JavaScript kernels to the last bit: the same documented order of additions,
 * the same NaN and signed zeros.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parallelDot, parallelMax, parallelMean, parallelMin, parallelSum, sharedArray, toShared } from 'multicore';
import { dotInMemory, extremeInMemory, simdOver, sumInMemory } from '../../src/reductions/simd-kernels.js';
import { dotNumber, sumFloat } from '../../src/reductions/sum-kernels.js';
import { memoryOf, sharedBuffer, wasmMemoryMinBytes } from '../../src/shared/wasm-memory.js';
import { withPool } from '../helpers.js';
import { sumInDocumentedOrder } from './fixtures/float-order.js';

const pageBytes = 65_536;
/** Past the 1 MiB from which an array gets a WebAssembly memory; not a multiple of 8. */
const large = wasmMemoryMinBytes / 8 + 12_345;

/** Magnitudes from 1 to 1e16 and both signs, so that any other order of additions rounds differently. */
function varied(length: number, seed = 1): Float64Array<SharedArrayBuffer> {
  const array = sharedArray(Float64Array, length);
  for (let i = 0; i < length; i++) array[i] = Math.sin(i * seed + 0.5) * 10 ** (i % 17);
  return array;
}

/** The same values over a plain SharedArrayBuffer, which the JavaScript kernels read. */
function plainCopy(array: Float64Array): Float64Array<SharedArrayBuffer> {
  const copy = new Float64Array(new SharedArrayBuffer(array.byteLength));
  copy.set(array);
  return copy;
}

describe('shared arrays in WebAssembly memory', () => {
  it('puts arrays of 1 MiB or more there, rounded up to whole pages, and keeps the length asked for', () => {
    const big = sharedArray(Float64Array, large);
    assert.equal(big.length, large);
    assert.equal(big.byteOffset, 0);
    assert.equal(big.buffer.byteLength % pageBytes, 0);
    assert.ok(big.buffer.byteLength >= big.byteLength && big.buffer.byteLength - big.byteLength < pageBytes);
    assert.ok(big.buffer instanceof SharedArrayBuffer);
    const copied = toShared(Float64Array.from({ length: large }, (_, i) => i));
    assert.equal(copied.length, large);
    assert.equal(copied[large - 1], large - 1);
    assert.equal(copied.buffer.byteLength % pageBytes, 0);
    // Below 1 MiB, a plain buffer of exactly the array's bytes.
    const small = sharedArray(Int32Array, 1000);
    assert.equal(small.buffer.byteLength, 4000);
    const belowLimit = sharedBuffer(wasmMemoryMinBytes - 8);
    assert.equal(belowLimit.byteLength, wasmMemoryMinBytes - 8);
    assert.equal(memoryOf(belowLimit), undefined);
    assert.notEqual(memoryOf(sharedBuffer(wasmMemoryMinBytes)), undefined);
  });

  it('runs the SIMD loops in this runtime, with the JavaScript kernels\' results to the last bit', () => {
    const buffer = sharedBuffer(large * 8 * 2);
    const memory = memoryOf(buffer)!;
    assert.notEqual(simdOver(memory), undefined, 'this runtime has WebAssembly SIMD');
    const a = new Float64Array(buffer, 8 * 3, large);
    const b = new Float64Array(buffer, 8 * (large + 5), large);
    for (let i = 0; i < large; i++) {
      a[i] = Math.sin(i) * 10 ** (i % 17);
      b[i] = Math.cos(i) * 10 ** (i % 13);
    }
    for (const [start, end] of [[0, large], [1, large - 2], [5, 12], [7, 8], [9, 9]] as const) {
      assert.equal(sumInMemory(start, end, { array: a, memory }), sumFloat(start, end, a), `sum of [${start}, ${end})`);
      assert.equal(dotInMemory(start, end, { array: a, memory }, b), dotNumber(start, end, a, b), `dot of [${start}, ${end})`);
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = start; i < end; i++) {
        lo = Math.min(lo, a[i]!);
        hi = Math.max(hi, a[i]!);
      }
      assert.equal(extremeInMemory(start, end, { array: a, memory }, 'min'), lo);
      assert.equal(extremeInMemory(start, end, { array: a, memory }, 'max'), hi);
    }
  });

  it('gives parallelSum, parallelMean and parallelDot the documented order of additions, for any chunking and offset', async () => {
    await withPool(2, async (pool) => {
      const whole = varied(2 * large + 16);
      // Views at an offset, both in the one memory: the dot's SIMD loop reads a and b there.
      const a = whole.subarray(3, 3 + large);
      const b = whole.subarray(large + 11, 2 * large + 11);
      for (const chunks of [1, 2, 3, 7]) {
        const sum = sumInDocumentedOrder((i) => a[i]!, large, chunks);
        assert.equal(await parallelSum(pool, a, { chunks }), sum, `sum in ${chunks} ranges`);
        assert.equal(await parallelMean(pool, a, { chunks }), sum / large, `mean in ${chunks} ranges`);
        assert.equal(await parallelDot(pool, a, b, { chunks }), sumInDocumentedOrder((i) => a[i]! * b[i]!, large, chunks), `dot in ${chunks} ranges`);
      }
      // The same values where the JavaScript kernels read them, and a dot of two memories.
      const plainA = plainCopy(a);
      assert.equal(await parallelSum(pool, plainA, { chunks: 3 }), await parallelSum(pool, a, { chunks: 3 }));
      const other = varied(large, 7);
      assert.equal(await parallelDot(pool, a, other), sumInDocumentedOrder((i) => a[i]! * other[i]!, large, 2));
    });
  });

  it('finds min and max as Math.min and Math.max do: NaN anywhere wins, -0 is below +0', async () => {
    await withPool(2, async (pool) => {
      const data = varied(large);
      const plain = plainCopy(data);
      assert.equal(await parallelMin(pool, data), await parallelMin(pool, plain));
      assert.equal(await parallelMax(pool, data), await parallelMax(pool, plain));
      const zeros = sharedArray(Float64Array, large);
      zeros[large - 100] = -0;
      assert.ok(Object.is(await parallelMin(pool, zeros), -0), 'min of +0 and -0 is -0');
      assert.ok(Object.is(await parallelMax(pool, zeros), 0), 'max of +0 and -0 is +0');
      // Whichever range holds the -0, in small arrays (the JavaScript kernels) too.
      const small = toShared(Float64Array.from([-0, 0, 0, 0]));
      assert.ok(Object.is(await parallelMin(pool, small, { chunks: 2 }), -0), 'min of -0 in the first range');
      assert.ok(Object.is(await parallelMax(pool, toShared(Float64Array.from([0, -0, -0, -0])), { chunks: 2 }), 0), 'max of +0 in the first range');
      zeros.fill(-0);
      zeros[17] = 0;
      assert.ok(Object.is(await parallelMax(pool, zeros), 0));
      zeros[40_000] = Infinity;
      assert.equal(await parallelMax(pool, zeros), Infinity);
      // NaN in the SIMD body, and among a range's leftovers (the last elements).
      for (const at of [64, large - 1]) {
        const withNaN = varied(large);
        withNaN[at] = NaN;
        assert.ok(Number.isNaN(await parallelMin(pool, withNaN)), `min with NaN at ${at}`);
        assert.ok(Number.isNaN(await parallelMax(pool, withNaN)), `max with NaN at ${at}`);
        assert.ok(Number.isNaN(await parallelSum(pool, withNaN)), `sum with NaN at ${at}`);
      }
    });
  });
});
