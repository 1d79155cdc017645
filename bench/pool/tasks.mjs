/**
 * The task bodies every contender runs, so that the pools differ only in how they carry the calls.
 * Plain JavaScript: each peer loads its worker file with plain `node`, without a TypeScript loader.
 */

/** Does nothing: the cost measured is the pool's round trip alone. */
export function noop() {
  return undefined;
}

/** The tiny per-item work of the map benchmark. */
export function increment(x) {
  return x + 1;
}

/**
 * A CPU-bound loop of `iterations` steps; the scenario calibrates the count to about 1 ms.
 * Returns the accumulator so that the loop cannot be optimised away.
 */
export function spin(iterations) {
  let accumulator = 0;
  for (let i = 0; i < iterations; i++) accumulator = (accumulator + i * i) % 1_000_003;
  return accumulator;
}
