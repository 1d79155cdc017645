/**
 * Sums and dot products of the ready reductions. Each loop is compiled again from its source text
 * for every typed array kind it meets (kernel-copies.ts), so it uses nothing from outside its
 * body.
 */
import type { BigInts, Numbers } from './kernel-copies.js';

// Four accumulators let the CPU overlap four additions (one would wait for each
// addition to finish before the next). The 0-3 leftover items come first: a loop after the hot
// one would not have run when V8 optimises the hot loop in the middle of a long first range.
// -0 starts the double accumulators: it is the identity of addition and, unlike 0, never a small
// integer, so V8 compiles double additions from the start; with 0, an array of whole numbers
// would have it speculate on integer additions, and deoptimise once they overflow.

export function sumFloat(start: number, end: number, a: Numbers): number {
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

export function dotNumber(start: number, end: number, a: Numbers, b: Numbers): number {
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

export function dotBigInt(start: number, end: number, a: BigInts, b: BigInts): bigint {
  let s = 0n;
  for (let i = start; i < end; i++) s += a[i]! * b[i]!;
  return s;
}
