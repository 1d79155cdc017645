// Type tests of the ready reductions: checked by `npm run typecheck`, never executed.
import { expectTypeOf } from 'expect-type';
import {
  parallelDot,
  parallelHistogram,
  parallelMax,
  parallelMean,
  parallelMin,
  parallelSum,
  sharedArray,
  toShared,
  type ElementOf,
  type Histogram,
  type HistogramOptions,
  type Pool,
  type SharedBigIntArray,
  type SharedNumberArray,
} from 'multicore';

declare const pool: Pool;
const doubles = sharedArray(Float64Array, 10);
const bytes = toShared(new Uint8Array(4));
const bigs = sharedArray(BigInt64Array, 10);
const ubigs = sharedArray(BigUint64Array, 10);

// Number kinds give numbers, bigint kinds bigints; the mean is always a number.
expectTypeOf(parallelSum(pool, doubles)).toEqualTypeOf<Promise<number>>();
expectTypeOf(parallelSum(pool, bytes)).toEqualTypeOf<Promise<number>>();
expectTypeOf(parallelSum(pool, bigs)).toEqualTypeOf<Promise<bigint>>();
expectTypeOf(parallelMin(pool, ubigs)).toEqualTypeOf<Promise<bigint>>();
expectTypeOf(parallelMax(pool, sharedArray(Int32Array, 3))).toEqualTypeOf<Promise<number>>();
expectTypeOf(parallelMean(pool, bigs)).toEqualTypeOf<Promise<number>>();
expectTypeOf(parallelMean(pool, doubles, { chunks: 8, signal: AbortSignal.timeout(1000) })).toEqualTypeOf<Promise<number>>();
expectTypeOf<ElementOf<Float32Array<SharedArrayBuffer>>>().toEqualTypeOf<number>();
expectTypeOf<ElementOf<BigUint64Array<SharedArrayBuffer>>>().toEqualTypeOf<bigint>();
expectTypeOf<SharedBigIntArray>().toEqualTypeOf<BigInt64Array<SharedArrayBuffer> | BigUint64Array<SharedArrayBuffer>>();
expectTypeOf(doubles).toMatchTypeOf<SharedNumberArray>();
// An array made directly over a SharedArrayBuffer is typed as shared too.
expectTypeOf(parallelMin(pool, new Int16Array(new SharedArrayBuffer(8)))).toEqualTypeOf<Promise<number>>();

// Dot products pair number kinds with number kinds, bigint kinds with bigint kinds.
expectTypeOf(parallelDot(pool, doubles, bytes)).toEqualTypeOf<Promise<number>>();
expectTypeOf(parallelDot(pool, bigs, ubigs)).toEqualTypeOf<Promise<bigint>>();
// @ts-expect-error numbers with bigints
void parallelDot(pool, doubles, bigs);
// @ts-expect-error bigints with numbers
void parallelDot(pool, bigs, doubles);

// Histograms of number kinds only, with numpy's options.
expectTypeOf(parallelHistogram(pool, bytes, { bins: 16, range: [0, 256] })).toEqualTypeOf<Promise<Histogram>>();
expectTypeOf<Histogram>().toEqualTypeOf<{ counts: number[]; edges: number[] }>();
expectTypeOf<HistogramOptions>().toEqualTypeOf<{ bins?: number; range?: readonly [min: number, max: number]; chunks?: number; signal?: AbortSignal; priority?: number }>();
// @ts-expect-error bigint kinds have no histogram
void parallelHistogram(pool, bigs);
// @ts-expect-error range is a pair
void parallelHistogram(pool, doubles, { range: [0, 1, 2] });

// Arrays outside shared memory are refused by the types too (and at run time, for JavaScript).
// @ts-expect-error an ordinary ArrayBuffer
void parallelSum(pool, new Float64Array(10));
// @ts-expect-error a typed array of unknown buffer
void parallelMean(pool, new Float64Array(10) as Float64Array);
// @ts-expect-error not a typed array
void parallelMax(pool, [1, 2, 3]);
