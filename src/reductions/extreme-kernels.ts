/**
 * Minimum, maximum and extent of the ready reductions. Each loop is compiled again from its source
 * text for every typed array kind it meets (kernel-copies.ts), so it uses nothing from outside its
 * body.
 */
import type { BigInts, Numbers } from './kernel-copies.js';

// Four accumulators, and the 0-3 leftover items first, for the reasons given in sum-kernels.ts.

/** Math.min is NaN as soon as one argument is NaN: a NaN anywhere makes the minimum NaN, as in numpy. */
export function minNumber(start: number, end: number, a: Numbers): number {
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

export function maxNumber(start: number, end: number, a: Numbers): number {
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
export function minBigInt(start: number, end: number, a: BigInts): bigint {
  let m = a[start]!;
  for (let i = start + 1; i < end; i++) {
    const x = a[i]!;
    if (x < m) m = x;
  }
  return m;
}

export function maxBigInt(start: number, end: number, a: BigInts): bigint {
  let m = a[start]!;
  for (let i = start + 1; i < end; i++) {
    const x = a[i]!;
    if (x > m) m = x;
  }
  return m;
}

/** [min, max] in one pass, for the histogram's own range. */
export function extentNumber(start: number, end: number, a: Numbers): [number, number] {
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
