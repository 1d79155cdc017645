/**
 * The statistics that timeit and scaling report, computed in one place. The sums are exact
 * (Python's math.fsum), so that a TimeitResult built from recorded runs prints the very digits
 * IPython prints for the same runs.
 */

/**
 * The correctly rounded sum of `values` (Shewchuk's algorithm, as in Python's math.fsum): no
 * error piles up however many values there are or how different their sizes.
 */
export function exactSum(values: readonly number[]): number {
  const partials: number[] = [];
  for (let x of values) {
    let kept = 0;
    for (let y of partials) {
      if (Math.abs(x) < Math.abs(y)) [x, y] = [y, x];
      const high = x + y;
      const low = y - (high - x);
      if (low !== 0) partials[kept++] = low;
      x = high;
    }
    partials.length = kept;
    partials.push(x);
  }
  return roundPartials(partials);
}

// Adds the non-overlapping partials from the largest down, then corrects a half-way case the way
// math.fsum does, so the result is the exact sum rounded once.
function roundPartials(partials: number[]): number {
  let index = partials.length;
  if (index === 0) return 0;
  let high = partials[--index]!;
  let low = 0;
  while (index > 0) {
    const x = high;
    const y = partials[--index]!;
    high = x + y;
    low = y - (high - x);
    if (low !== 0) break;
  }
  if (index > 0 && ((low < 0 && partials[index - 1]! < 0) || (low > 0 && partials[index - 1]! > 0))) {
    const y = low * 2;
    const x = high + y;
    if (y === x - high) high = x;
  }
  return high;
}

/** Arithmetic mean. */
export function mean(values: readonly number[]): number {
  return exactSum(values) / values.length;
}

/** Population standard deviation (divides by n, as IPython's TimeitResult does). */
export function populationStdev(values: readonly number[]): number {
  const average = mean(values);
  return Math.sqrt(exactSum(values.map((value) => (value - average) ** 2)) / values.length);
}
