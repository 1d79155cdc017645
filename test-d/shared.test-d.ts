// Type tests of forRange, reduceRange, sharedArray and toShared: checked by `npm run typecheck`, never executed.
import { expectTypeOf } from 'expect-type';
import { Pool, sharedArray, task, toShared, type ModuleTask, type RangeOptions } from 'multicore';

declare const pool: Pool;

// Shared arrays keep their kind and say that their buffer is shared.
expectTypeOf(sharedArray(Float64Array, 10)).toEqualTypeOf<Float64Array<SharedArrayBuffer>>();
expectTypeOf(sharedArray(Uint8ClampedArray, 10)).toEqualTypeOf<Uint8ClampedArray<SharedArrayBuffer>>();
expectTypeOf(sharedArray(BigInt64Array, 10)).toEqualTypeOf<BigInt64Array<SharedArrayBuffer>>();
expectTypeOf(toShared(new Int16Array(3))).toEqualTypeOf<Int16Array<SharedArrayBuffer>>();
expectTypeOf(toShared(new Uint8Array(3))).toEqualTypeOf<Uint8Array<SharedArrayBuffer>>();
// @ts-expect-error only typed array constructors
sharedArray(Array, 3);
// @ts-expect-error only typed arrays
toShared([1, 2, 3]);

const data = sharedArray(Float64Array, 100);
const sum = (start: number, end: number, a: Float64Array) => {
  let s = 0;
  for (let i = start; i < end; i++) s += a[i]!;
  return s;
};

// Results flow from the kernel's return type; the context must fit its third parameter.
expectTypeOf(pool.forRange(data.length, sum, data)).toEqualTypeOf<Promise<number[]>>();
expectTypeOf(pool.forRange(10, async (start: number, end: number) => `${start}-${end}`)).toEqualTypeOf<Promise<string[]>>();
expectTypeOf(pool.forRange(10, (start: number, end: number, c: { scale: number }) => [start * c.scale, end], { scale: 2 }, { chunks: 4 })).toEqualTypeOf<
  Promise<number[][]>
>();
expectTypeOf(pool.reduceRange(data.length, sum, (a, b) => a + b, data)).toEqualTypeOf<Promise<number>>();
expectTypeOf(
  pool.reduceRange(
    data.length,
    async (start: number, end: number) => new Map([[start, end]]),
    (a, b) => {
      expectTypeOf(a).toEqualTypeOf<Map<number, number>>();
      return new Map([...a, ...b]);
    },
  ),
).toEqualTypeOf<Promise<Map<number, number>>>();

// task(import.meta, fn) and typed module references work as fn.
const named = task(import.meta, function countRange(start: number, end: number, threshold: number) {
  return end - start > threshold;
});
expectTypeOf(pool.forRange(10, named, 3)).toEqualTypeOf<Promise<boolean[]>>();
const ref: ModuleTask<(start: number, end: number, a: Int32Array) => bigint> = { module: './kernels.js', name: 'big' };
expectTypeOf(pool.reduceRange(10, ref, (a, b) => a + b, sharedArray(Int32Array, 10))).toEqualTypeOf<Promise<bigint>>();

// @ts-expect-error the context must match the kernel's third parameter
void pool.forRange(10, sum, 'not an array');
// @ts-expect-error a kernel that needs a context must get one
void pool.forRange(10, sum);
// @ts-expect-error combine takes and returns the kernel's result type
void pool.reduceRange(10, sum, (a: string, b: string) => a + b, data);
// @ts-expect-error chunks is a number
void pool.forRange(10, sum, data, { chunks: '2' });
expectTypeOf<RangeOptions>().toEqualTypeOf<{ chunks?: number; signal?: AbortSignal; priority?: number }>();
