/**
 * Worker side of the ready reductions (kernels.ts): the module that workers import. Each kernel
 * is written once, below, and a worker compiles a fresh copy of it for every typed array kind it
 * meets (copyFor). Each copy then sees one element type only, so V8 optimises its loop for that
 * type and nothing else: a sum over Int8Array never makes the Float64Array sum slower or
 * deoptimise it. Every copy is run once on a few elements before its first real range, so that
 * all its code, the leftover loop and the return included, has type feedback when V8 optimises
 * the hot loop; see "Kernels that stay optimised" in docs/shared-memory.md.
 *
 * The kernels are compiled again from their source text, so they use nothing from outside their
 * body, like inline tasks.
 */
import type { TypedArray } from './shared-array.js';

type Kernel = (...args: any[]) => unknown;
type BigInts = BigInt64Array | BigUint64Array;
type Numbers = Exclude<TypedArray, BigInts>;

// ---------------------------------------------------------------------------------------------
// The kernels. Four accumulators let the CPU overlap four additions (one would wait for each
// addition to finish before the next). The 0-3 leftover items come first: a loop after the hot
// one would not have run when V8 optimises the hot loop in the middle of a long first range.
// -0 starts the double accumulators: it is the identity of addition and, unlike 0, never a small
// integer, so V8 compiles double additions from the start; with 0, an array of whole numbers
// would have it speculate on integer additions, and deoptimise once they overflow.

function sumFloat(start: number, end: number, a: Numbers): number {
  let s0 = -0;
  let s1 = -0;
  let s2 = -0;
  let s3 = -0;
  let i = start;
  for (; (end - i) % 4 !== 0; i++) s0 += a[i]!;
  for (; i < end; i += 4) {
    s0 += a[i]!;
    s1 += a[i + 1]!;
    s2 += a[i + 2]!;
    s3 += a[i + 3]!;
  }
  return s0 + s1 + (s2 + s3);
}

/**
 * Integers up to 32 bits, summed exactly: each block of `block` items (a multiple of 4, at most
 * 2^20) is summed in doubles, exact below 2^53, and the blocks are added up as a bigint.
 */
function sumInteger(start: number, end: number, a: Numbers, block: number): bigint {
  let i = start;
  let head = -0;
  for (; (end - i) % 4 !== 0; i++) head += a[i]!;
  let total = BigInt(head);
  while (i < end) {
    const stop = Math.min(end, i + block);
    let s0 = -0;
    let s1 = -0;
    let s2 = -0;
    let s3 = -0;
    for (; i < stop; i += 4) {
      s0 += a[i]!;
      s1 += a[i + 1]!;
      s2 += a[i + 2]!;
      s3 += a[i + 3]!;
    }
    total += BigInt(s0 + s1 + (s2 + s3));
  }
  return total;
}

function sumBigInt(start: number, end: number, a: BigInts): bigint {
  let s = 0n;
  for (let i = start; i < end; i++) s += a[i]!;
  return s;
}

/** Math.min is NaN as soon as one argument is NaN: a NaN anywhere makes the minimum NaN, as in numpy. */
function minNumber(start: number, end: number, a: Numbers): number {
  let m0 = Infinity;
  let m1 = Infinity;
  let m2 = Infinity;
  let m3 = Infinity;
  let i = start;
  for (; (end - i) % 4 !== 0; i++) m0 = Math.min(m0, a[i]!);
  for (; i < end; i += 4) {
    m0 = Math.min(m0, a[i]!);
    m1 = Math.min(m1, a[i + 1]!);
    m2 = Math.min(m2, a[i + 2]!);
    m3 = Math.min(m3, a[i + 3]!);
  }
  return Math.min(m0, m1, m2, m3);
}

function maxNumber(start: number, end: number, a: Numbers): number {
  let m0 = -Infinity;
  let m1 = -Infinity;
  let m2 = -Infinity;
  let m3 = -Infinity;
  let i = start;
  for (; (end - i) % 4 !== 0; i++) m0 = Math.max(m0, a[i]!);
  for (; i < end; i += 4) {
    m0 = Math.max(m0, a[i]!);
    m1 = Math.max(m1, a[i + 1]!);
    m2 = Math.max(m2, a[i + 2]!);
    m3 = Math.max(m3, a[i + 3]!);
  }
  return Math.max(m0, m1, m2, m3);
}

/**
 * Ranges are never empty here: the caller refuses the minimum of an empty array. The branch only
 * assigns: an operation in it would have no type feedback if the warm-up never took it.
 */
function minBigInt(start: number, end: number, a: BigInts): bigint {
  let m = a[start]!;
  for (let i = start + 1; i < end; i++) {
    const x = a[i]!;
    if (x < m) m = x;
  }
  return m;
}

function maxBigInt(start: number, end: number, a: BigInts): bigint {
  let m = a[start]!;
  for (let i = start + 1; i < end; i++) {
    const x = a[i]!;
    if (x > m) m = x;
  }
  return m;
}

/** [min, max] in one pass, for the histogram's own range. */
function extentNumber(start: number, end: number, a: Numbers): [number, number] {
  let lo0 = Infinity;
  let lo1 = Infinity;
  let hi0 = -Infinity;
  let hi1 = -Infinity;
  let i = start;
  for (; (end - i) % 2 !== 0; i++) {
    lo0 = Math.min(lo0, a[i]!);
    hi0 = Math.max(hi0, a[i]!);
  }
  for (; i < end; i += 2) {
    const x = a[i]!;
    const y = a[i + 1]!;
    lo0 = Math.min(lo0, x);
    hi0 = Math.max(hi0, x);
    lo1 = Math.min(lo1, y);
    hi1 = Math.max(hi1, y);
  }
  return [Math.min(lo0, lo1), Math.max(hi0, hi1)];
}

function dotNumber(start: number, end: number, a: Numbers, b: Numbers): number {
  let s0 = -0;
  let s1 = -0;
  let s2 = -0;
  let s3 = -0;
  let i = start;
  for (; (end - i) % 4 !== 0; i++) s0 += a[i]! * b[i]!;
  for (; i < end; i += 4) {
    s0 += a[i]! * b[i]!;
    s1 += a[i + 1]! * b[i + 1]!;
    s2 += a[i + 2]! * b[i + 2]!;
    s3 += a[i + 3]! * b[i + 3]!;
  }
  return s0 + s1 + (s2 + s3);
}

function dotBigInt(start: number, end: number, a: BigInts, b: BigInts): bigint {
  let s = 0n;
  for (let i = start; i < end; i++) s += a[i]! * b[i]!;
  return s;
}

/**
 * Counts per bin between `edges` (ascending, at least 2): bin k holds edges[k] <= x < edges[k+1],
 * the last bin its right edge too, as numpy.histogram. NaN and values outside are not counted.
 */
function histogramNumber(start: number, end: number, a: Numbers, edges: Float64Array): Float64Array {
  const bins = edges.length - 1;
  const lo = edges[0]!;
  const hi = edges[bins]!;
  const scale = bins / (hi - lo);
  const counts = new Float64Array(bins);
  for (let i = start; i < end; i++) {
    const x = a[i]!;
    // NaN fails both comparisons.
    if (x >= lo && x <= hi) {
      // The scaling rounds; the edges decide, as in numpy. Selects, not branches: an operation
      // in a branch that the warm-up never took would have no type feedback.
      let k = Math.min(((x - lo) * scale) | 0, bins - 1);
      k -= x < edges[k]! ? 1 : 0;
      k += k < bins - 1 && x >= edges[k + 1]! ? 1 : 0;
      counts[k]!++;
    }
  }
  return counts;
}

// ---------------------------------------------------------------------------------------------
// One compiled copy per kernel and typed array kind, made on first use and warmed up.

const copies = new Map<string, Kernel>();

function kindOf(array: TypedArray): string {
  return array[Symbol.toStringTag];
}

function isBigIntArray(array: TypedArray): array is BigInt64Array | BigUint64Array {
  const kind = kindOf(array);
  return kind === 'BigInt64Array' || kind === 'BigUint64Array';
}

/**
 * The copy of `kernel` for these kinds of arrays, compiled from its source and run by `warmUp`
 * on small samples of the same kinds, warmUpCalls times, before it is returned.
 */
function copyFor<K extends Kernel>(kernel: K, arrays: TypedArray[], warmUp: (copy: K, samples: TypedArray[]) => void): K {
  const key = `${kernel.name}/${arrays.map(kindOf).join(',')}`;
  let copy = copies.get(key) as K | undefined;
  if (copy === undefined) {
    // The source URL names the kinds, so that each copy's text differs: V8 could hand back the
    // same function, type feedback and all, for text it has compiled before.
    copy = new Function(`return ${kernel.toString()}\n//# sourceURL=multicore:kernels/${key}`)() as K;
    const samples = arrays.map(sampleLike);
    // Before V8 gives a function its feedback vector, its calls record no types at all: then
    // the first long range would be optimised half-blind and deoptimise at the loop's end.
    for (let call = 0; call < warmUpCalls; call++) warmUp(copy, samples);
    copies.set(key, copy);
  }
  return copy;
}

const sampleLength = 11;
/**
 * V8 gives a function its feedback vector, where type feedback is kept, once about 8 times its
 * bytecode size has run (--interrupt-budget-factor-for-feedback-allocation): 16 short calls do.
 */
const warmUpCalls = 16;

/**
 * A small array of the same kind over shared memory, holding values of the kind's own sort
 * (fractions for floats, both signs; bigints whose sums and products outgrow 64 bits), so that
 * the warm-up records the types real data brings.
 */
function sampleLike(array: TypedArray): TypedArray {
  const type = array.constructor as new (buffer: SharedArrayBuffer) => TypedArray;
  const sample = new type(new SharedArrayBuffer(sampleLength * array.BYTES_PER_ELEMENT));
  for (let i = 0; i < sampleLength; i++) {
    if (isBigIntArray(sample)) sample[i] = BigInt(i - 5) << 60n;
    else (sample as Numbers)[i] = (i % 3) * 25.5 - 10.25 * (i % 2);
  }
  return sample;
}

// ---------------------------------------------------------------------------------------------
// The tasks that kernels.ts calls through pool.reduceRange, one per reduction.

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
  return copyFor(minNumber, [array], (copy, [sample]) => copy(0, sampleLength, sample as Numbers))(start, end, array as Numbers);
}

export function max(start: number, end: number, array: TypedArray): number | bigint {
  if (isBigIntArray(array)) {
    return copyFor(maxBigInt, [array], (copy, [sample]) => copy(0, sampleLength, sample as BigInts))(start, end, array);
  }
  return copyFor(maxNumber, [array], (copy, [sample]) => copy(0, sampleLength, sample as Numbers))(start, end, array as Numbers);
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
