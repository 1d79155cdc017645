/**
 * Worker side of the ready reductions (reductions.ts): the module that workers import. Each
 * kernel is written once (sum-kernels.ts, extreme-kernels.ts, histogram-kernel.ts), and a worker
 * compiles a fresh copy of it for every typed array kind it meets (copyFor). Each copy then sees
 * one element type only, so V8 optimises its loop for that type and nothing else: a sum over
 * Int8Array never makes the Float64Array sum slower or deoptimise it. Every copy is run once on
 * a few elements before its first real range, so that all its code, the leftover loop and the
 * return included, has type feedback when V8 optimises the hot loop; see "Kernels that stay
 * optimised" in docs/shared-memory.md.
 */
import type { TypedArray } from '../shared/shared-array.js';
import { extentNumber, extremeNumber, maxBigInt, minBigInt } from './extreme-kernels.js';
import { histogramNumber } from './histogram-kernel.js';
import { copyFor, isBigIntArray, kindOf, sampleLength, type BigInts, type Numbers } from './kernel-copies.js';
import { dotInMemory, extremeInMemory, sumInMemory, type InMemory } from './simd-kernels.js';
import { dotBigInt, dotNumber, sumBigInt, sumFloat, sumInteger } from './sum-kernels.js';

// The tasks that reductions.ts calls through pool.reduceRange, one per reduction.

const integerBlock = 2 ** 20;

export function sum(start: number, end: number, array: TypedArray): number | bigint {
  if (isBigIntArray(array)) {
    return copyFor(sumBigInt, [array], (copy, [sample]) => copy(0, sampleLength, sample as BigInts))(start, end, array);
  }
  if (kindOf(array).startsWith('Float')) {
    return copyFor(sumFloat, [array], (copy, [sample]) => copy(0, sampleLength, sample as Numbers))(start, end, array as Numbers);
  }
  // A block of 4 in the warm-up runs the block loop more than once, as real data does.
  return copyFor(sumInteger, [array], (copy, [sample]) => copy(0, sampleLength, sample as Numbers, 4))(start, end, array as Numbers, integerBlock);
}

export function min(start: number, end: number, array: TypedArray): number | bigint {
  if (isBigIntArray(array)) {
    return copyFor(minBigInt, [array], (copy, [sample]) => copy(0, sampleLength, sample as BigInts))(start, end, array);
  }
  return copyFor(extremeNumber, [array], (copy, [sample]) => copy(0, sampleLength, sample as Numbers, Math.min, Infinity), 'min')(start, end, array as Numbers, Math.min, Infinity);
}

export function max(start: number, end: number, array: TypedArray): number | bigint {
  if (isBigIntArray(array)) {
    return copyFor(maxBigInt, [array], (copy, [sample]) => copy(0, sampleLength, sample as BigInts))(start, end, array);
  }
  return copyFor(extremeNumber, [array], (copy, [sample]) => copy(0, sampleLength, sample as Numbers, Math.max, -Infinity), 'max')(start, end, array as Numbers, Math.max, -Infinity);
}

export function extent(start: number, end: number, array: TypedArray): [number, number] {
  return copyFor(extentNumber, [array], (copy, [sample]) => copy(0, sampleLength, sample as Numbers))(start, end, array as Numbers);
}

export function dot(start: number, end: number, pair: { a: TypedArray; b: TypedArray }): number | bigint {
  const { a, b } = pair;
  if (isBigIntArray(a)) {
    return copyFor(dotBigInt, [a, b], (copy, [x, y]) => copy(0, sampleLength, x as BigInts, y as BigInts))(start, end, a, b as BigInts);
  }
  return copyFor(dotNumber, [a, b], (copy, [x, y]) => copy(0, sampleLength, x as Numbers, y as Numbers))(start, end, a as Numbers, b as Numbers);
}

export function histogram(start: number, end: number, job: { array: TypedArray; edges: Float64Array }): Float64Array {
  const warmUp = (copy: typeof histogramNumber, [sample]: TypedArray[]) => {
    // Edges that put samples inside, outside and on an edge.
    copy(0, sampleLength, sample as Numbers, Float64Array.of(-5, 0, 25.5, 45));
  };
  return copyFor(histogramNumber, [job.array], warmUp)(start, end, job.array as Numbers, job.edges);
}

// A Float64Array in a WebAssembly memory (shared/wasm-memory.ts): the SIMD loops of
// simd-kernels.ts, or the JavaScript ones where this runtime has no WebAssembly SIMD. Both give
// the same results, to the last bit.

export function simdSum(start: number, end: number, job: InMemory): number {
  return sumInMemory(start, end, job) ?? (sum(start, end, job.array) as number);
}

export function simdMin(start: number, end: number, job: InMemory): number {
  return extremeInMemory(start, end, job, 'min') ?? (min(start, end, job.array) as number);
}

export function simdMax(start: number, end: number, job: InMemory): number {
  return extremeInMemory(start, end, job, 'max') ?? (max(start, end, job.array) as number);
}

export function simdDot(start: number, end: number, job: InMemory & { b: Float64Array }): number {
  return dotInMemory(start, end, job, job.b) ?? (dot(start, end, { a: job.array, b: job.b }) as number);
}
