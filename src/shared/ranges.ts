/**
 * Splitting `[0, length)` into contiguous ranges of nearly equal size: the sizes differ by at
 * most one, larger ranges first, so that every worker gets the same amount of a uniform loop.
 */

/** A half-open range [start, end). */
export type Range = readonly [start: number, end: number];

/**
 * `chunks` ranges covering [0, length) in order, never more ranges than items. A length of 0
 * gives one empty range, so that a reduction still has a value: the kernel's own identity.
 */
export function splitRange(length: number, chunks: number): Range[] {
  const count = Math.max(1, Math.min(chunks, length));
  const base = Math.floor(length / count);
  const larger = length - base * count;
  const ranges: Range[] = [];
  let start = 0;
  for (let i = 0; i < count; i++) {
    const end = start + base + (i < larger ? 1 : 0);
    ranges.push([start, end]);
    start = end;
  }
  return ranges;
}
