/**
 * The CPU-bound task of the scaling benchmark: tasks.mjs's spin loop with an iteration count
 * calibrated here, on the main thread, so that one call takes about `targetMs` on this machine.
 */
import { spin } from './tasks.mjs';

/** Iterations of spin() that take about `targetMs`, measured over at least 50 ms of spinning. */
export function calibrateSpin(targetMs: number): number {
  for (let i = 0; i < 200; i++) spin(10_000); // let V8 optimise the loop before timing it
  let iterations = 10_000;
  for (;;) {
    const started = performance.now();
    spin(iterations);
    const ms = performance.now() - started;
    if (ms >= 50) return Math.max(1, Math.round((iterations * targetMs) / ms));
    iterations *= 2;
  }
}

/** Milliseconds to run spin(iterations) `count` times in a row here, and its result. */
export function runSerially(iterations: number, count: number): { ms: number; result: number } {
  const started = performance.now();
  let result = 0;
  for (let i = 0; i < count; i++) result = spin(iterations);
  return { ms: performance.now() - started, result };
}
