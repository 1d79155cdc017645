/**
 * The histogram of the ready reductions. Each loop is compiled again from its source text for
 * every typed array kind it meets (kernel-copies.ts), so it uses nothing from outside its body.
 */
import type { Numbers } from './kernel-copies.js';

/**
 * Counts per bin between `edges` (ascending, at least 2): bin k holds edges[k] <= x < edges[k+1],
 * the last bin its right edge too, as numpy.histogram. NaN and values outside are not counted.
 */
export function histogramNumber(start: number, end: number, a: Numbers, edges: Float64Array): Float64Array {
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
