/**
 * The two request handlers' tasks of the server benchmark, the same for every pool: a CPU-bound
 * loop (the pool benchmark's spin, calibrated by the scenario) and an async task that awaits.
 * Plain JavaScript, so that piscina loads this file with plain `node`.
 */
export { spin } from '../pool/tasks.mjs';

/** Awaits `ms` (an I/O call, say) and returns it. */
export function wait(ms) {
  return new Promise((resolve) => setTimeout(() => resolve(ms), ms));
}
