/**
 * Typed arrays backed by a SharedArrayBuffer. Structured clone shares such a buffer instead of
 * copying it, so a worker thread that receives one (as an argument, or anywhere inside one)
 * reads and writes the very memory the parent sees.
 */
import { describe } from '../errors/describe.js';
import { sharedBuffer } from './wasm-memory.js';

/** Every typed array kind. */
export type TypedArray =
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array;

/** The same kind of typed array as `A`, over a SharedArrayBuffer. */
export type SharedTypedArray<A extends TypedArray = TypedArray> = A extends Int8Array
  ? Int8Array<SharedArrayBuffer>
  : A extends Uint8ClampedArray
    ? Uint8ClampedArray<SharedArrayBuffer>
    : A extends Uint8Array
      ? Uint8Array<SharedArrayBuffer>
      : A extends Int16Array
        ? Int16Array<SharedArrayBuffer>
        : A extends Uint16Array
          ? Uint16Array<SharedArrayBuffer>
          : A extends Int32Array
            ? Int32Array<SharedArrayBuffer>
            : A extends Uint32Array
              ? Uint32Array<SharedArrayBuffer>
              : A extends Float32Array
                ? Float32Array<SharedArrayBuffer>
                : A extends Float64Array
                  ? Float64Array<SharedArrayBuffer>
                  : A extends BigInt64Array
                    ? BigInt64Array<SharedArrayBuffer>
                    : A extends BigUint64Array
                      ? BigUint64Array<SharedArrayBuffer>
                      : never;

/** A typed array constructor (Float64Array, Int32Array...): what sharedArray() accepts. */
export interface TypedArrayConstructor<A extends TypedArray = TypedArray> {
  new (buffer: SharedArrayBuffer, byteOffset?: number, length?: number): A;
  readonly BYTES_PER_ELEMENT: number;
  readonly name: string;
}

const typedArrayConstructors: ReadonlySet<Function> = new Set([
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
]);

/**
 * A zero-filled typed array of `length` elements whose memory is shared with the workers it is
 * passed to. Arrays of 1 MiB or more live in a shared WebAssembly memory, which the ready
 * reductions read with SIMD; their buffer is then rounded up to 64 KiB pages (shared/wasm-memory.ts),
 * so view the array itself, not a new array over its whole buffer.
 *
 * @example
 * const data = sharedArray(Float64Array, 10_000_000);
 * for (let i = 0; i < data.length; i++) data[i] = Math.random();
 */
export function sharedArray<A extends TypedArray>(type: TypedArrayConstructor<A>, length: number): SharedTypedArray<A> {
  if (typeof type !== 'function' || !typedArrayConstructors.has(type)) {
    throw new TypeError(`sharedArray(type, length): type must be a typed array constructor such as Float64Array or Int32Array, got ${describeType(type)}`);
  }
  if (typeof length !== 'number') throw new TypeError(`sharedArray(type, length): length must be a non-negative integer, got ${describe(length)}`);
  if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`sharedArray(type, length): length must be a non-negative integer, got ${length}`);
  return new type(sharedBuffer(length * type.BYTES_PER_ELEMENT), 0, length) as unknown as SharedTypedArray<A>;
}

/**
 * A copy of `array` in shared memory, of the same kind and length. An array that is already
 * shared is returned as it is.
 *
 * @example
 * const shared = toShared(Float64Array.from([1, 2, 3]));
 * await pool.reduceRange(shared.length, sumRange, (a, b) => a + b, shared);
 */
export function toShared<A extends TypedArray>(array: A): SharedTypedArray<A> {
  if (!isTypedArray(array)) throw new TypeError(`toShared(array): array must be a typed array such as a Float64Array, got ${describeType(array)}`);
  if (isSharedArrayBuffer(array.buffer)) return array as unknown as SharedTypedArray<A>;
  const type = array.constructor as TypedArrayConstructor<A>;
  const copy = new type(sharedBuffer(array.byteLength), 0, array.length);
  (copy as unknown as { set(source: A): void }).set(array);
  return copy as unknown as SharedTypedArray<A>;
}

export function isTypedArray(value: unknown): value is TypedArray {
  return ArrayBuffer.isView(value) && !(value instanceof DataView);
}

/** By tag rather than instanceof, so that a buffer from another realm (vm context) counts too. */
export function isSharedArrayBuffer(value: unknown): value is SharedArrayBuffer {
  return Object.prototype.toString.call(value) === '[object SharedArrayBuffer]';
}

function describeType(value: unknown): string {
  if (typeof value === 'function') return `the function ${value.name || '(anonymous)'}`;
  if (isTypedArray(value) || value instanceof DataView) return (value as object).constructor.name;
  return describe(value);
}
