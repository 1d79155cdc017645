/**
 * The three workloads of `multicore scale --demo`, chosen to draw three different curves on any
 * machine: pure computation (close to the ideal line up to the usable cores), a mean over an
 * array too large for the caches (held back by memory bandwidth, which the cores share), and
 * computation with a serial part done by the caller (capped by Amdahl's law near 5×).
 *
 * Workers import this module to find the tasks, so it has no side effects at import time.
 */
import { task } from '../tasks/task.js';
import type { Workload } from './scaling.js';

/** Steps of the pseudo-random walk one CPU-bound item computes: a few milliseconds. */
const SPIN_STEPS = 4_000_000;
/** Doubles in each worker's array for the mean: 32 MiB, more than most last-level caches. */
const MEAN_LENGTH = 1 << 22;

/** CPU-bound: an xorshift walk that touches no memory; `seed` only keeps results distinct. */
export const spin = task(import.meta, function spin(seed: number): number {
  let state = (seed | 0) + 0x9e3779b9;
  for (let step = 0; step < SPIN_STEPS; step++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
  }
  return state >>> 0;
});

let meanData: Float64Array | undefined;

/** Memory-bound: the mean of this worker's 32 MiB array, one pass at memory speed. */
export const mean = task(import.meta, function mean(offset: number): number {
  meanData ??= filledArray(MEAN_LENGTH);
  let sum = 0;
  for (let index = 0; index < meanData.length; index++) sum += meanData[index]!;
  return sum / meanData.length + offset;
});

function filledArray(length: number): Float64Array {
  const array = new Float64Array(length);
  for (let index = 0; index < length; index++) array[index] = index % 1000;
  return array;
}

/** Share of a run the serial demo spends in the caller: a quarter of the items' work. */
const SERIAL_SHARE = 0.25;

/**
 * The three demo workloads with `items` items each (default: each workload's own).
 *
 * @example
 * ```ts
 * for (const workload of demoWorkloads()) console.log(renderTerminalChart([await measureWorkload(workload)]));
 * ```
 */
export function demoWorkloads(items?: number): Array<Workload<number>> {
  const numbers = (count: number) => Array.from({ length: count }, (_, index) => index);
  const spinItems = numbers(items ?? 48);
  const serialItems = numbers(Math.max(1, Math.round(spinItems.length * SERIAL_SHARE)));
  return [
    { name: 'cpu-bound', task: spin, items: spinItems },
    { name: 'memory-bound mean', task: mean, items: numbers(items ?? 48) },
    {
      name: 'cpu-bound + serial part',
      task: spin,
      items: spinItems,
      // The caller does a quarter of the items' work itself before every map: with one worker
      // that is 0.25 / 1.25 = 20 % of the time, so Amdahl's law caps the speedup at 5×.
      serial: () => {
        for (const seed of serialItems) spin(seed);
      },
    },
  ];
}
