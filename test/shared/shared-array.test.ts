import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sharedArray, toShared, type TypedArrayConstructor } from 'multicore';

const kinds = [
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
  Float32Array, Float64Array, BigInt64Array, BigUint64Array,
] as const;

describe('sharedArray()', () => {
  for (const kind of kinds) {
    it(`makes a zero-filled ${kind.name} over a SharedArrayBuffer`, () => {
      const array = sharedArray(kind as TypedArrayConstructor, 5);
      assert.ok(array instanceof kind);
      assert.ok(array.buffer instanceof SharedArrayBuffer);
      assert.equal(array.length, 5);
      assert.equal(array.byteLength, 5 * kind.BYTES_PER_ELEMENT);
      assert.ok(Array.from(array as ArrayLike<unknown>).every((x) => x === 0 || x === 0n));
    });
  }

  it('accepts a length of 0', () => {
    assert.equal(sharedArray(Float64Array, 0).length, 0);
  });

  it('rejects what is not a typed array constructor, naming the argument', () => {
    assert.throws(() => sharedArray(Array as never, 3), { name: 'TypeError', message: /type must be a typed array constructor.*function Array/ });
    assert.throws(() => sharedArray(DataView as never, 3), { name: 'TypeError', message: /type must be/ });
    assert.throws(() => sharedArray('Float64Array' as never, 3), { name: 'TypeError', message: /the string "Float64Array"/ });
  });

  it('rejects a length that is not a non-negative integer, naming it', () => {
    assert.throws(() => sharedArray(Float64Array, -1), { name: 'RangeError', message: /length must be a non-negative integer, got -1/ });
    assert.throws(() => sharedArray(Float64Array, 1.5), { name: 'RangeError', message: /length/ });
    assert.throws(() => sharedArray(Float64Array, '3' as never), { name: 'TypeError', message: /length must be a non-negative integer/ });
  });
});

describe('toShared()', () => {
  for (const kind of kinds) {
    it(`copies a ${kind.name} into shared memory, same kind and values`, () => {
      const values = kind === BigInt64Array || kind === BigUint64Array ? [1n, 2n, 3n] : [1, 2, 3];
      const source = (kind.from as (values: unknown[]) => ArrayLike<unknown> & { buffer: ArrayBufferLike })(values);
      const shared = toShared(source as never) as ArrayLike<unknown> & { buffer: ArrayBufferLike };
      assert.ok(shared instanceof kind);
      assert.ok(shared.buffer instanceof SharedArrayBuffer);
      assert.notEqual(shared, source);
      assert.deepEqual(Array.from(shared as ArrayLike<unknown>), Array.from(source));
    });
  }

  it('copies only the viewed part of a larger buffer', () => {
    const whole = Float64Array.from([0, 1, 2, 3, 4]);
    const shared = toShared(whole.subarray(1, 4));
    assert.deepEqual(Array.from(shared), [1, 2, 3]);
    assert.equal(shared.buffer.byteLength, 3 * 8);
  });

  it('returns an array that is already shared as it is', () => {
    const shared = sharedArray(Int32Array, 4);
    assert.equal(toShared(shared), shared);
  });

  it('rejects what is not a typed array', () => {
    assert.throws(() => toShared([1, 2] as never), { name: 'TypeError', message: /array must be a typed array/ });
    assert.throws(() => toShared(new DataView(new ArrayBuffer(4)) as never), { name: 'TypeError', message: /got DataView/ });
  });
});
