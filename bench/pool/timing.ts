/** The few timing primitives the pool benchmark shares. */

/** Milliseconds `run` takes, with its result. */
export async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await run();
  return { ms: performance.now() - started, value };
}

/** Operations per second. */
export function perSecond(count: number, ms: number): number {
  return (count * 1000) / ms;
}

/**
 * How many operations fit in `budgetMs` at `rate` per second, rounded down to a multiple of
 * `step` and kept within [min, max]: slow pools get fewer calls so that the scenario stays short.
 */
export function countForBudget(rate: number, budgetMs: number, limits: { min: number; max: number; step: number }): number {
  const fitting = Math.floor((rate * budgetMs) / 1000 / limits.step) * limits.step;
  return Math.max(limits.min, Math.min(limits.max, fitting));
}
