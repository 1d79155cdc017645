/**
 * Ready reductions over shared typed arrays: sum, mean, min, max, dot and histogram, split over
 * the workers of a pool with reduceRange. The loops themselves live in kernel-tasks.ts, which
 * the workers import; they are written so that V8 keeps them optimised for every kind of array.
 * A Float64Array that lives in a WebAssembly memory (large ones from sharedArray(), see
 * shared/wasm-memory.ts) is summed, dotted, and searched for its min and max with SIMD instead
 * (simd-kernels.ts), with the same results to the last bit.
 */
import { describe } from '../errors/describe.js';
import type { ModuleTask } from '../tasks/task.js';
import { optionsObject, positiveInteger } from '../options/validate.js';
import { Pool } from '../pool/pool.js';
import { normalizeRangeOptions, type RangeOptions } from '../shared/range-options.js';
import { isSharedArrayBuffer, isTypedArray, type SharedTypedArray, type TypedArray } from '../shared/shared-array.js';
import { memoryOf } from '../shared/wasm-memory.js';
import type { InMemory } from './simd-kernels.js';

/** A shared typed array whose elements are bigints: BigInt64Array or BigUint64Array. */
export type SharedBigIntArray = SharedTypedArray<BigInt64Array> | SharedTypedArray<BigUint64Array>;

/** A shared typed array whose elements are numbers: every kind but the two bigint ones. */
export type SharedNumberArray = Exclude<SharedTypedArray, SharedBigIntArray>;

/** What a sum, minimum or maximum of `A` is: bigint for the bigint kinds, number otherwise. */
export type ElementOf<A extends SharedTypedArray> = A extends SharedBigIntArray ? bigint : number;

export interface HistogramOptions extends RangeOptions {
  /** How many bins of equal width. Default: 10, as numpy. */
  bins?: number;
  /** The lower and upper edge: values outside are not counted. Default: the array's min and max. */
  range?: readonly [min: number, max: number];
}

export interface Histogram {
  /** How many values fell in each bin: `counts[k]` those with `edges[k] <= x < edges[k + 1]` (the last bin includes its right edge). */
  counts: number[];
  /** The bins' edges, ascending, one more than there are bins. */
  edges: number[];
}

/**
 * One object per kernel: the pool resolves each module reference once and then reuses it. Made on
 * first use: the first read of `import.meta` loads a module of Node's, which `import 'multicore'`
 * need not pay for a program that never reduces.
 */
function kernelTasks() {
  const kernelModule = new URL('./kernel-tasks.js', import.meta.url).href;
  return {
    sum: { module: kernelModule, name: 'sum' } as ModuleTask<(start: number, end: number, array: SharedTypedArray) => number | bigint>,
    min: { module: kernelModule, name: 'min' } as ModuleTask<(start: number, end: number, array: SharedTypedArray) => number | bigint>,
    max: { module: kernelModule, name: 'max' } as ModuleTask<(start: number, end: number, array: SharedTypedArray) => number | bigint>,
    extent: { module: kernelModule, name: 'extent' } as ModuleTask<(start: number, end: number, array: SharedNumberArray) => [number, number]>,
    dot: { module: kernelModule, name: 'dot' } as ModuleTask<(start: number, end: number, pair: { a: SharedTypedArray; b: SharedTypedArray }) => number | bigint>,
    histogram: { module: kernelModule, name: 'histogram' } as ModuleTask<(start: number, end: number, job: { array: SharedNumberArray; edges: Float64Array }) => Float64Array>,
    simdSum: { module: kernelModule, name: 'simdSum' } as ModuleTask<(start: number, end: number, job: InMemory) => number>,
    simdMin: { module: kernelModule, name: 'simdMin' } as ModuleTask<(start: number, end: number, job: InMemory) => number>,
    simdMax: { module: kernelModule, name: 'simdMax' } as ModuleTask<(start: number, end: number, job: InMemory) => number>,
    simdDot: { module: kernelModule, name: 'simdDot' } as ModuleTask<(start: number, end: number, job: InMemory & { b: Float64Array }) => number>,
  };
}

let tasks: ReturnType<typeof kernelTasks> | undefined;
const kernels = () => (tasks ??= kernelTasks());

const add = (a: any, b: any) => a + b;
// Numbers as Math.min and Math.max, as in every range: NaN wins, and -0 is below +0 whichever
// range holds it (with `<`, the min of [0, -0] would depend on the chunking).
const smaller = (a: any, b: any) => (typeof a === 'number' ? Math.min(a, b) : a < b ? a : b);
const larger = (a: any, b: any) => (typeof a === 'number' ? Math.max(a, b) : a > b ? a : b);

/**
 * The sum of a shared typed array's elements, computed by every worker of `pool` at once.
 * Bigint kinds give an exact bigint; the other integer kinds an exact sum rounded once to a
 * number; floats are summed in doubles (Float32Array too). NaN anywhere gives NaN.
 *
 * @example
 * const data = toShared(Float64Array.from([1, 2, 3.5]));
 * await parallelSum(pool, data);   // 6.5
 */
export async function parallelSum<A extends SharedTypedArray>(pool: Pool, array: A, options?: RangeOptions): Promise<ElementOf<A>> {
  const method = 'parallelSum(pool, array)';
  checkPool(method, pool);
  checkShared(method, 'array', array);
  return (await sumOf(pool, array, options)) as ElementOf<A>;
}

/**
 * The arithmetic mean, as a number for every kind (bigint kinds too); NaN for an empty array,
 * as numpy's mean (which also warns), and NaN when an element is NaN.
 *
 * @example
 * await parallelMean(pool, toShared(Int32Array.from([1, 2, 3, 4])));   // 2.5
 */
export async function parallelMean(pool: Pool, array: SharedTypedArray, options?: RangeOptions): Promise<number> {
  const method = 'parallelMean(pool, array)';
  checkPool(method, pool);
  checkShared(method, 'array', array);
  const total = await sumOf(pool, array, options);
  return array.length === 0 ? NaN : Number(total) / array.length;
}

async function sumOf(pool: Pool, array: SharedTypedArray, options: RangeOptions | undefined): Promise<number | bigint> {
  const job = inMemory(array);
  const total = job === undefined ? await pool.reduceRange(array.length, kernels().sum, add, array, options) : await pool.reduceRange(array.length, kernels().simdSum, add, job, options);
  // Exact integer sums travel as bigints; the kernels start from -0, but an empty sum is 0.
  if (typeof total === 'bigint') return isBigIntArray(array) ? total : Number(total);
  return array.length === 0 ? 0 : total;
}

/**
 * The smallest element; NaN if any element is NaN (numpy's min, not nanmin). An empty array has
 * no minimum: RangeError, as numpy's ValueError.
 *
 * @example
 * await parallelMin(pool, toShared(Float64Array.from([3, -1, 2])));   // -1
 */
export async function parallelMin<A extends SharedTypedArray>(pool: Pool, array: A, options?: RangeOptions): Promise<ElementOf<A>> {
  const method = 'parallelMin(pool, array)';
  checkPool(method, pool);
  checkShared(method, 'array', array);
  checkNotEmpty(method, array, 'minimum');
  return (await extremeOf(pool, array, options, 'min')) as ElementOf<A>;
}

/**
 * The largest element; NaN if any element is NaN (numpy's max, not nanmax). An empty array has
 * no maximum: RangeError, as numpy's ValueError.
 *
 * @example
 * await parallelMax(pool, toShared(Uint8Array.from([3, 200, 2])));   // 200
 */
export async function parallelMax<A extends SharedTypedArray>(pool: Pool, array: A, options?: RangeOptions): Promise<ElementOf<A>> {
  const method = 'parallelMax(pool, array)';
  checkPool(method, pool);
  checkShared(method, 'array', array);
  checkNotEmpty(method, array, 'maximum');
  return (await extremeOf(pool, array, options, 'max')) as ElementOf<A>;
}

/** The min or max, with the SIMD kernel where the array lives in a WebAssembly memory. */
function extremeOf(pool: Pool, array: SharedTypedArray, options: RangeOptions | undefined, which: 'min' | 'max'): Promise<number | bigint> {
  const pick = which === 'min' ? smaller : larger;
  const job = inMemory(array);
  if (job === undefined) return pool.reduceRange(array.length, kernels()[which], pick, array, options);
  return pool.reduceRange(array.length, which === 'min' ? kernels().simdMin : kernels().simdMax, pick, job, options);
}

/**
 * The dot product Σ a[i]·b[i] of two shared arrays of the same length: both of number kinds
 * (any two, accumulated in doubles) or both of bigint kinds (exact). 0 for empty arrays.
 *
 * @example
 * await parallelDot(pool, toShared(Float64Array.from([1, 2])), toShared(Float64Array.from([3, 4])));   // 11
 */
export async function parallelDot<A extends SharedTypedArray>(
  pool: Pool,
  a: A,
  b: A extends SharedBigIntArray ? SharedBigIntArray : SharedNumberArray,
  options?: RangeOptions,
): Promise<ElementOf<A>> {
  const method = 'parallelDot(pool, a, b)';
  checkPool(method, pool);
  checkShared(method, 'a', a);
  checkShared(method, 'b', b);
  if (isBigIntArray(a) !== isBigIntArray(b)) {
    throw new TypeError(`${method}: a and b must both hold numbers or both hold bigints, got a ${kindOf(a)} and a ${kindOf(b)}`);
  }
  if (a.length !== b.length) throw new RangeError(`${method}: a and b must have the same length, got ${a.length} and ${b.length}`);
  // The SIMD loop reads both from one memory: b must be another view of a's buffer.
  const job = a.buffer === b.buffer && kindOf(b) === 'Float64Array' ? inMemory(a) : undefined;
  const total =
    job === undefined ? await pool.reduceRange(a.length, kernels().dot, add, { a, b }, options) : await pool.reduceRange(a.length, kernels().simdDot, add, { ...job, b: b as Float64Array }, options);
  return (a.length === 0 && typeof total === 'number' ? 0 : total) as ElementOf<A>;
}

/**
 * numpy.histogram over a shared array of numbers: `bins` bins of equal width over `range`
 * (default: the array's own min and max, found in a first parallel pass). Values outside the
 * range and NaN are not counted; without a range, NaN is a RangeError, as numpy's ValueError.
 *
 * @example
 * const { counts, edges } = await parallelHistogram(pool, data, { bins: 4, range: [0, 1] });
 * // edges [0, 0.25, 0.5, 0.75, 1]; counts[3] counts 0.75 <= x <= 1
 */
export async function parallelHistogram(pool: Pool, array: SharedNumberArray, options?: HistogramOptions): Promise<Histogram> {
  const method = 'parallelHistogram(pool, array)';
  checkPool(method, pool);
  checkShared(method, 'array', array);
  if (isBigIntArray(array)) throw new TypeError(`${method}: array must hold numbers, got a ${kindOf(array)}; bigint kinds have no histogram`);
  const given = optionsObject('parallelHistogram() options', options, ['bins', 'range', 'chunks', 'signal', 'priority']);
  const bins = given.bins === undefined ? 10 : positiveInteger('bins', given.bins);
  // The kernels find a bin with 32-bit integer arithmetic, which a rounding past bins must not overflow.
  if (bins > 2 ** 30) throw new RangeError(`bins must be at most 2^30, got ${bins}`);
  const rangeOptions = normalizeRangeOptions('parallelHistogram', { chunks: given.chunks, signal: given.signal, priority: given.priority });
  const [lo, hi] = given.range === undefined ? await ownRange(pool, array, rangeOptions) : checkRange(given.range);
  const edges = edgesOf(lo, hi, bins);
  const counts = await pool.reduceRange(array.length, kernels().histogram, addCounts, { array, edges }, rangeOptions);
  return { counts: Array.from(counts), edges: Array.from(edges) };
}

/** numpy's range when none is given: min and max, 0 to 1 for an empty array, ±0.5 around a single value. */
async function ownRange(pool: Pool, array: SharedNumberArray, options: RangeOptions): Promise<[number, number]> {
  if (array.length === 0) return [0, 1];
  const [lo, hi] = await pool.reduceRange(array.length, kernels().extent, ([lo1, hi1], [lo2, hi2]) => [Math.min(lo1, lo2), Math.max(hi1, hi2)], array, options);
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) {
    throw new RangeError(
      `parallelHistogram(pool, array): the array's range [${lo}, ${hi}] is not finite, so bins cannot span it; ` +
        'pass { range: [min, max] }: NaN and values outside are then not counted',
    );
  }
  return lo === hi ? [lo - 0.5, hi + 0.5] : [lo, hi];
}

function checkRange(range: unknown): [number, number] {
  if (!Array.isArray(range) || range.length !== 2 || typeof range[0] !== 'number' || typeof range[1] !== 'number') {
    throw new TypeError(`range must be a pair of numbers [min, max], got ${Array.isArray(range) ? `an array of length ${range.length}` : describe(range)}`);
  }
  const [lo, hi] = range as [number, number];
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw new RangeError(`range must be finite, got [${lo}, ${hi}]`);
  if (lo > hi) throw new RangeError(`range must be [min, max] with min <= max, got [${lo}, ${hi}]`);
  return lo === hi ? [lo - 0.5, hi + 0.5] : [lo, hi];
}

/** As numpy.linspace(lo, hi, bins + 1): lo + k * step, the last edge exactly hi. */
function edgesOf(lo: number, hi: number, bins: number): Float64Array {
  const edges = new Float64Array(bins + 1);
  const step = (hi - lo) / bins;
  for (let k = 0; k < bins; k++) edges[k] = k * step + lo;
  edges[bins] = hi;
  return edges;
}

function addCounts(a: Float64Array, b: Float64Array): Float64Array {
  for (let k = 0; k < a.length; k++) a[k]! += b[k]!;
  return a;
}

/** A Float64Array that sharedBuffer() placed in a WebAssembly memory, with that memory. */
function inMemory(array: TypedArray): InMemory | undefined {
  if (kindOf(array) !== 'Float64Array') return undefined;
  const memory = memoryOf(array.buffer);
  return memory === undefined ? undefined : { array: array as Float64Array, memory };
}

function checkPool(method: string, pool: unknown): asserts pool is Pool {
  if (!(pool instanceof Pool)) throw new TypeError(`${method}: pool must be a Pool, got ${describe(pool)}`);
}

function checkShared(method: string, name: string, value: unknown): asserts value is SharedTypedArray {
  if (!isTypedArray(value)) {
    throw new TypeError(`${method}: ${name} must be a typed array in shared memory (from sharedArray() or toShared()), got ${describe(value)}`);
  }
  if (!isSharedArrayBuffer(value.buffer)) {
    throw new TypeError(
      `${method}: ${name} is a ${kindOf(value)} over an ordinary ArrayBuffer, which workers would each get a copy of: ` +
        `create it with sharedArray(), or copy it once with toShared(${name})`,
    );
  }
}

function checkNotEmpty(method: string, array: TypedArray, what: string): void {
  if (array.length === 0) throw new RangeError(`${method}: array is empty, and an empty array has no ${what}`);
}

function kindOf(array: TypedArray): string {
  return array[Symbol.toStringTag];
}

/** By tag, as isSharedArrayBuffer: an array from another realm counts too. */
function isBigIntArray(array: TypedArray): boolean {
  const kind = kindOf(array);
  return kind === 'BigInt64Array' || kind === 'BigUint64Array';
}
