/**
 * One compiled copy of a kernel per typed array kind, made on first use and warmed up, so that
 * each copy sees one element type only and V8 optimises its loop for that type and nothing else;
 * see "Kernels that stay optimised" in docs/shared-memory.md.
 */
import type { TypedArray } from '../shared/shared-array.js';

export type Kernel = (...args: any[]) => unknown;
export type BigInts = BigInt64Array | BigUint64Array;
export type Numbers = Exclude<TypedArray, BigInts>;

const copies = new Map<string, Kernel>();

export function kindOf(array: TypedArray): string {
  return array[Symbol.toStringTag];
}

export function isBigIntArray(array: TypedArray): array is BigInt64Array | BigUint64Array {
  const kind = kindOf(array);
  return kind === 'BigInt64Array' || kind === 'BigUint64Array';
}

/**
 * The copy of `kernel` for these kinds of arrays, compiled from its source and run by `warmUp`
 * on small samples of the same kinds, warmUpCalls times, before it is returned. `use` names a
 * use of a kernel that takes a function (extremeNumber as min or as max): each use has a copy of
 * its own, in which that argument is always the same function.
 */
export function copyFor<K extends Kernel>(kernel: K, arrays: TypedArray[], warmUp: (copy: K, samples: TypedArray[]) => void, use = kernel.name): K {
  const key = `${use}/${arrays.map(kindOf).join(',')}`;
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

export const sampleLength = 11;
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
