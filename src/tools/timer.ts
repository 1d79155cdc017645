/**
 * The measuring loop shared by timeit() and `multicore timeit`, following IPython's %timeit:
 * find the loop count (1, 10, 100, ... until one run takes at least 0.2 s), then time `repeat`
 * runs of that many loops. Each run calls the setup first, outside the timed part.
 */

/** Runs the statement `loops` times after its setup and returns the seconds the loops took. */
export type TimedRun = (loops: number) => Promise<number>;

/** IPython's autorange goal: a run long enough that the clock's resolution does not matter. */
const AUTORANGE_SECONDS = 0.2;
const AUTORANGE_MAX_POWER = 9;

/** Picks the loop count as IPython does: the first power of ten whose run takes >= 0.2 s. */
export async function autorange(run: TimedRun): Promise<number> {
  let loops = 1;
  for (let power = 0; power <= AUTORANGE_MAX_POWER; power++) {
    loops = 10 ** power;
    if ((await run(loops)) >= AUTORANGE_SECONDS) break;
  }
  return loops;
}

/** Times `repeat` runs of `loops` loops each; returns the seconds of each run. */
export async function repeatRuns(run: TimedRun, loops: number, repeat: number): Promise<number[]> {
  const allRuns: number[] = [];
  for (let index = 0; index < repeat; index++) allRuns.push(await run(loops));
  return allRuns;
}

/** Seconds since `start` (a `process.hrtime.bigint()` reading), exact to the nanosecond. */
export function secondsSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}
