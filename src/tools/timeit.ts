/**
 * timeit(): IPython's %timeit for JavaScript functions, sync or async, with the same statistics
 * and the same printed line.
 */
import { describe } from '../errors/describe.js';
import { formatTime, validatePrecision } from './format-time.js';
import { formatFixed, groupThousands } from './python-format.js';
import { mean, populationStdev } from './statistics.js';
import { autorange, repeatRuns, secondsSince, type TimedRun } from './timer.js';

/** What a TimeitResult is made from: recorded runs, e.g. from an earlier measurement. */
export interface TimeitResultInit {
  /** Loops per run (each run calls the statement this many times). */
  loops: number;
  /** Seconds each run took, for all its loops together. */
  allRuns: readonly number[];
  /** Significant digits in toString(). Default: 3. */
  precision?: number;
}

/**
 * The outcome of timeit(), with the fields of IPython's TimeitResult. All times are in seconds;
 * `timings`, `average`, `stdev`, `best` and `worst` are per loop.
 *
 * @example
 * ```ts
 * import { TimeitResult } from 'multicore';
 * const result = new TimeitResult({ loops: 100, allRuns: [0.72, 0.73, 0.74] });
 * console.log(`${result}`); // 7.3 ms ± 81.6 µs per loop (mean ± std. dev. of 3 runs, 100 loops each)
 * ```
 */
export class TimeitResult {
  readonly loops: number;
  /** Number of runs. */
  readonly repeat: number;
  /** Seconds per run. */
  readonly allRuns: readonly number[];
  /** Seconds per loop, one value per run. */
  readonly timings: readonly number[];
  readonly average: number;
  /** Population standard deviation of `timings`. */
  readonly stdev: number;
  readonly best: number;
  readonly worst: number;
  readonly precision: number;

  constructor(init: TimeitResultInit) {
    if (typeof init !== 'object' || init === null) {
      throw new TypeError('new TimeitResult(init): init must be an object with loops and allRuns.');
    }
    const { loops, allRuns, precision = 3 } = init;
    if (typeof loops !== 'number' || !Number.isInteger(loops) || loops < 1) {
      throw new RangeError(`TimeitResult: loops must be an integer >= 1, got ${String(loops)}.`);
    }
    if (!Array.isArray(allRuns) || allRuns.length === 0) {
      throw new TypeError('TimeitResult: allRuns must be a non-empty array of run times in seconds.');
    }
    for (const run of allRuns) {
      if (typeof run !== 'number' || !Number.isFinite(run) || run < 0) {
        throw new RangeError(`TimeitResult: allRuns must hold finite numbers of seconds >= 0, got ${String(run)}.`);
      }
    }
    validatePrecision(precision, 'TimeitResult: precision');
    this.loops = loops;
    this.repeat = allRuns.length;
    this.allRuns = Object.freeze([...allRuns]);
    this.timings = Object.freeze(allRuns.map((run) => run / loops));
    this.average = mean(this.timings);
    this.stdev = populationStdev(this.timings);
    this.best = Math.min(...allRuns) / loops;
    this.worst = Math.max(...allRuns) / loops;
    this.precision = precision;
  }

  /**
   * IPython's warning when the slowest run per loop took over 4 times the fastest (and over
   * 1 µs), which suggests the first run computed something the later runs reused; else `null`.
   */
  get warning(): string | null {
    if (!(this.worst > 4 * this.best && this.best > 0 && this.worst > 1e-6)) return null;
    return `The slowest run took ${formatFixed(this.worst / this.best, 2)} times longer than the fastest. ` +
      'This could mean that an intermediate result is being cached.';
  }

  /** IPython's line: `7.24 ms ± 89.3 µs per loop (mean ± std. dev. of 7 runs, 100 loops each)`. */
  toString(): string {
    const runs = `${this.repeat} run${this.repeat === 1 ? '' : 's'}`;
    const loops = `${groupThousands(this.loops)} loop${this.loops === 1 ? '' : 's'}`;
    return `${formatTime(this.average, this.precision)} \u00b1 ${formatTime(this.stdev, this.precision)} per loop ` +
      `(mean \u00b1 std. dev. of ${runs}, ${loops} each)`;
  }

  /** The numbers, plus the printed line and warning, for JSON output. */
  toJSON(): Record<string, unknown> {
    const { loops, repeat, allRuns, timings, average, stdev, best, worst, precision } = this;
    return { loops, repeat, allRuns, timings, average, stdev, best, worst, precision, text: this.toString(), warning: this.warning };
  }
}

/** Options of timeit(); `S` is what `setup` returns and `fn` receives. */
export interface TimeitOptions<S> {
  /** Loops per run. Default: 1, 10, 100, ... until a run takes at least 0.2 s. */
  number?: number;
  /** Runs to time. Default: 7. */
  repeat?: number;
  /** Called (and awaited) before each run, outside the timed part; its value is passed to `fn`. */
  setup?: () => S | Promise<S>;
  /** Significant digits in the result's toString(). Default: 3. */
  precision?: number;
}

/**
 * Times `fn` like IPython's `%timeit`: `repeat` runs of `number` calls each, and a result whose
 * `toString()` is IPython's line. Async functions are awaited on every call.
 *
 * @example
 * ```ts
 * import { timeit } from 'multicore';
 * const result = await timeit(() => JSON.parse('{"a":[1,2,3]}'));
 * console.log(`${result}`); // 412 ns ± 3.1 ns per loop (mean ± std. dev. of 7 runs, 1,000,000 loops each)
 * ```
 */
export async function timeit<S = undefined>(fn: (state: S) => unknown, options: TimeitOptions<S> = {}): Promise<TimeitResult> {
  if (typeof fn !== 'function') throw new TypeError(`timeit(fn): fn must be a function, got ${typeof fn}.`);
  const { number, repeat, precision, setup } = validateTimeitOptions(options);
  const run: TimedRun = async (loops) => {
    const state = (setup === undefined ? undefined : await setup()) as S;
    const start = process.hrtime.bigint();
    for (let index = 0; index < loops; index++) {
      const value = fn(state);
      if (isThenable(value)) await value;
    }
    return secondsSince(start);
  };
  const loops = number ?? (await autorange(run));
  return new TimeitResult({ loops, allRuns: await repeatRuns(run, loops, repeat), precision });
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as PromiseLike<unknown>).then === 'function';
}

/** Checks timeit's options and fills in IPython's defaults (repeat 7, precision 3). */
export function validateTimeitOptions<S>(options: TimeitOptions<S>): Required<Pick<TimeitOptions<S>, 'repeat' | 'precision'>> & TimeitOptions<S> {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`timeit(): options must be an object, got ${describe(options)}.`);
  }
  const { number, repeat = 7, precision = 3, setup } = options;
  if (number !== undefined && (typeof number !== 'number' || !Number.isSafeInteger(number) || number < 1)) {
    throw new RangeError(`timeit(): options.number must be an integer >= 1 (loops per run), got ${String(number)}.`);
  }
  if (typeof repeat !== 'number' || !Number.isSafeInteger(repeat) || repeat < 1) {
    throw new RangeError(`timeit(): options.repeat must be an integer >= 1 (runs), got ${String(repeat)}.`);
  }
  validatePrecision(precision, 'timeit(): options.precision');
  if (setup !== undefined && typeof setup !== 'function') {
    throw new TypeError(`timeit(): options.setup must be a function, got ${typeof setup}.`);
  }
  return { number, repeat, precision, setup };
}
