/**
 * Sums and dot products of the ready reductions. Each loop is compiled again from its source text
 * for every typed array kind it meets (kernel-copies.ts), so it uses nothing from outside its
 * body.
 */
import type { BigInts, Numbers } from './kernel-copies.js';

// Eight items a step, into four accumulators, each taking the sum of two items 4 apart: the CPU
// overlaps the additions (with one accumulator, each would wait for the one before it, several
// cycles), and a step's loads and additions are enough to keep a thread near what memory
// delivers (4 items a step into 4 accumulators was about 10% slower here, and 8 accumulators of
// one item no faster). The 0-7 leftover items come first: a loop after the hot one would not
// have run when V8 optimises the hot loop in the middle of a long first range.
// -0 starts the double accumulators: it is the identity of addition and, unlike 0, never a small
// integer, so V8 compiles double additions from the start; with 0, an array of whole numbers
// would have it speculate on integer additions, and deoptimise once they overflow.
// The order of the additions, which decides the last digits of a float sum: in a range, the
// leftovers go to s0 first; then, step by step, s<k> += a[i + k] + a[i + k + 4] (k = 0..3); the
// four are added as (s0 + s1) + (s2 + s3), and the ranges' sums in range order. The same array
// and number of ranges give the same sum, every time.

export function sumFloat(start: number, end: number, a: Numbers): number {
  let s0 = -0;
  let s1 = -0;
  let s2 = -0;
  let s3 = -0;
  let i = start;
  for (; (end - i) % 8 !== 0; i++) s0 += a[i]!;
  for (; i < end; i += 8) {
    s0 += a[i]! + a[i + 4]!;
    s1 += a[i + 1]! + a[i + 5]!;
    s2 += a[i + 2]! + a[i + 6]!;
    s3 += a[i + 3]! + a[i + 7]!;
  }
  return s0 + s1 + (s2 + s3);
}

/**
 * Integers up to 32 bits, summed exactly, so in any order: each block of `block` items (a multiple of 4, at most
 * 2^20) is summed in doubles, exact below 2^53, and the blocks are added up as a bigint.
 */
export function sumInteger(start: number, end: number, a: Numbers, block: number): bigint {
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

export function sumBigInt(start: number, end: number, a: BigInts): bigint {
  let s = 0n;
  for (let i = start; i < end; i++) s += a[i]!;
  return s;
}

/** As sumFloat, each item a product: a[i] * b[i]. */
export function dotNumber(start: number, end: number, a: Numbers, b: Numbers): number {
  let s0 = -0;
  let s1 = -0;
  let s2 = -0;
  let s3 = -0;
  let i = start;
  for (; (end - i) % 8 !== 0; i++) s0 += a[i]! * b[i]!;
  for (; i < end; i += 8) {
    s0 += a[i]! * b[i]! + a[i + 4]! * b[i + 4]!;
    s1 += a[i + 1]! * b[i + 1]! + a[i + 5]! * b[i + 5]!;
    s2 += a[i + 2]! * b[i + 2]! + a[i + 6]! * b[i + 6]!;
    s3 += a[i + 3]! * b[i + 3]! + a[i + 7]! * b[i + 7]!;
  }
  return s0 + s1 + (s2 + s3);
}

export function dotBigInt(start: number, end: number, a: BigInts, b: BigInts): bigint {
  let s = 0n;
  for (let i = start; i < end; i++) s += a[i]! * b[i]!;
  return s;
}
