// Tasks of the backends benchmark, in plain JavaScript so that children without tsx load them too.
export { noop, spin } from '../pool/tasks.mjs';

/** The seed's example: one greeting per friend. */
export function hello(name) {
  return `Hello, ${name}!`;
}
