/**
 * Minimum, maximum and extent of the ready reductions. Each loop is compiled again from its source
 * text for every typed array kind it meets (kernel-copies.ts), so it uses nothing from outside its
 * body.
 */
import type { BigInts, Numbers } from './kernel-copies.js';

// Four accumulators, and the 0-3 leftover items first, for the reasons given in sum-kernels.ts.

/**
 * The minimum (pick Math.min, identity Infinity) or maximum (Math.max, -Infinity). Both are NaN as
 * soon as one argument is NaN: a NaN anywhere makes the result NaN, as in numpy. Each use gets a
 * copy of its own (kernel-tasks.ts), so that in a copy `pick` is always the same function and V8
 * compiles it in line, as fast as a written-out Math.min.
 */
export function extremeNumber(start: number, end: number, a: Numbers, pick: (x: number, y: number) => number, identity: number): number {
  let m0 = identity;
  let m1 = identity;
  let m2 = identity;
  let m3 = identity;
  let i = start;
  for (; (end - i) % 4 !== 0; i++) m0 = pick(m0, a[i]!);
  for (; i < end; i += 4) {
    m0 = pick(m0, a[i]!);
    m1 = pick(m1, a[i + 1]!);
    m2 = pick(m2, a[i + 2]!);
    m3 = pick(m3, a[i + 3]!);
  }
  return pick(pick(m0, m1), pick(m2, m3));
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
