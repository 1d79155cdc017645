// Tasks of the backends benchmark, in plain JavaScript so that children without tsx load them too.
export { noop, spin } from '../pool/tasks.mjs';

/** The seed's example: one greeting per friend. */
export function hello(name) {
  return `Hello, ${name}!`;
}

/**
 * The CPU-bound task: `iterations` steps of int32 arithmetic. Unlike bench/pool/tasks.mjs's spin,
 * whose i * i leaves the int32 range past 46,340 iterations (after which V8 keeps running it
 * several times slower, on doubles), this stays on one fast path whatever the count, so a loop
 * calibrated in this thread runs at the same speed in every worker.
 */
export function burn(iterations) {
  let accumulator = 0;
  for (let i = 0; i < iterations; i++) accumulator = (accumulator + Math.imul(i, 0x9e3779b1)) | 0;
  return accumulator;
}
