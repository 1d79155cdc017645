/**
 * `%timeit data.mean()` on 10 million random doubles: one thread, a pool of workers over shared
 * memory, and numpy's data.mean() when python3 has numpy, all in the same run.
 *
 *   npx tsx examples/mean.ts [--quick]
 *
 * The timer is a careful %timeit: loops per run chosen so that a run lasts long enough to time
 * (1, 2, 5, 10, 20, 50... like IPython), 7 runs, mean ± standard deviation per loop printed the
 * way IPython prints it; comparisons use the median run, which shrugs off a noisy neighbour.
 */
import { execFile } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { Pool, sharedArray } from 'multicore';

const length = 10_000_000;

/**
 * The kernel, run as it is on one thread and in the workers (it is sent as source text, so it
 * uses nothing from outside its body). Four accumulators let the CPU overlap the additions.
 * The 0-3 leftover items come first, not last: a loop after the hot one would not have run when
 * V8 optimizes the hot loop, and leaving it then throws the optimized code away.
 */
export const sumRange = (start: number, end: number, data: Float64Array): number => {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = start;
  for (; (end - i) % 4 !== 0; i++) s0 += data[i]!;
  for (; i < end; i += 4) {
    s0 += data[i]!;
    s1 += data[i + 1]!;
    s2 += data[i + 2]!;
    s3 += data[i + 3]!;
  }
  return s0 + s1 + (s2 + s3);
};

export interface Timing {
  /** Seconds per loop, one value per run. */
  perLoop: number[];
  loops: number;
}

/** Loops per run grow 1, 2, 5, 10, 20, 50... until a run lasts `minRunSeconds`, as %timeit does. */
export async function timeit(body: () => unknown, options: { repeat?: number; minRunSeconds?: number } = {}): Promise<Timing> {
  const repeat = options.repeat ?? 7;
  const minRunSeconds = options.minRunSeconds ?? 0.2;
  let loops = 1;
  for (let step = 0; ; step++) {
    loops = [1, 2, 5][step % 3]! * 10 ** Math.floor(step / 3);
    if ((await timeRun(body, loops)) >= minRunSeconds) break;
  }
  const perLoop: number[] = [];
  for (let run = 0; run < repeat; run++) perLoop.push((await timeRun(body, loops)) / loops);
  return { perLoop, loops };
}

/** Seconds for `loops` calls. Awaits only when the body returns a promise, so sync loops stay tight. */
async function timeRun(body: () => unknown, loops: number): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < loops; i++) {
    const result = body();
    if (result instanceof Promise) await result;
  }
  return (performance.now() - started) / 1000;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** `5.61 ms ± 98.2 µs per loop (mean ± std. dev. of 7 runs, 50 loops each)`, as IPython prints. */
export function formatTiming({ perLoop, loops }: Timing): string {
  const mean = perLoop.reduce((a, b) => a + b, 0) / perLoop.length;
  const std = Math.sqrt(perLoop.reduce((sum, x) => sum + (x - mean) ** 2, 0) / perLoop.length);
  const runs = perLoop.length;
  return (
    `${formatSeconds(mean)} ± ${formatSeconds(std)} per loop (mean ± std. dev. of ${runs} run${runs === 1 ? '' : 's'}, ` +
    `${loops.toLocaleString('en-US')} loop${loops === 1 ? '' : 's'} each)`
  );
}

/** Three significant digits in the largest unit that keeps the value at least 1, like %timeit. */
export function formatSeconds(seconds: number): string {
  const units: [string, number][] = [['s', 1], ['ms', 1e-3], ['µs', 1e-6], ['ns', 1e-9]];
  const [unit, scale] = units.find(([, scale]) => seconds >= scale) ?? units[units.length - 1]!;
  return `${Number((seconds / scale).toPrecision(3))} ${unit}`;
}

export interface NumpyTiming extends Timing {
  version: string;
}

const numpyScript = `
import json, sys, timeit
try:
    import numpy as np
except ImportError:
    print("null"); sys.exit(0)
n, repeat, min_run = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
data = np.random.rand(n)
timer = timeit.Timer(data.mean)
step = 0
while True:
    loops = (1, 2, 5)[step % 3] * 10 ** (step // 3)
    if timer.timeit(loops) >= min_run: break
    step += 1
runs = timer.repeat(repeat, loops)
print(json.dumps({"version": np.__version__, "loops": loops, "perLoop": [r / loops for r in runs]}))
`;

/** numpy's `data.mean()` on as many random doubles, timed by python's timeit; undefined without python3 or numpy. */
export function timeNumpyMean(n: number, options: { repeat?: number; minRunSeconds?: number } = {}): Promise<NumpyTiming | undefined> {
  const args = ['-c', numpyScript, String(n), String(options.repeat ?? 7), String(options.minRunSeconds ?? 0.2)];
  return new Promise((resolve) => {
    execFile('python3', args, { timeout: 120_000 }, (error, stdout) => {
      // No python3, or it failed: the comparison is optional, the JavaScript timings stand alone.
      if (error !== null) return resolve(undefined);
      resolve((JSON.parse(stdout) as NumpyTiming | null) ?? undefined);
    });
  });
}

/** Runs the whole comparison and prints it; the demo (`npm start`) calls this as its last step. */
export async function compareMeans(options: { quick?: boolean } = {}): Promise<void> {
  const timer = { repeat: 7, minRunSeconds: options.quick ? 0.05 : 0.2 };
  const line = (code: string, comment: string) => console.log(`>>> ${code}    // ${comment}`);

  line('const data = sharedArray(Float64Array, 10_000_000)', 'random doubles in shared memory');
  const data = sharedArray(Float64Array, length);
  for (let i = 0; i < length; i++) data[i] = Math.random();

  line('sumRange(0, data.length, data) / data.length', 'one thread');
  console.log(sumRange(0, data.length, data) / data.length);
  const serial = await timeit(() => sumRange(0, data.length, data), timer);
  console.log(formatTiming(serial));

  await using pool = new Pool();
  line(
    '(await pool.reduceRange(data.length, sumRange, (a, b) => a + b, data)) / data.length',
    `${pool.workers} workers, the array shared, not copied`,
  );
  console.log((await pool.reduceRange(data.length, sumRange, (a, b) => a + b, data)) / data.length);
  const parallel = await timeit(() => pool.reduceRange(data.length, sumRange, (a, b) => a + b, data), timer);
  console.log(formatTiming(parallel));

  const serialMs = median(serial.perLoop) * 1000;
  const parallelMs = median(parallel.perLoop) * 1000;
  console.log(`\nmedian run: ${serialMs.toFixed(2)} ms on one thread, ${parallelMs.toFixed(2)} ms on ${pool.workers} workers: speedup ${(serialMs / parallelMs).toFixed(2)}×`);

  const numpy = await timeNumpyMean(length, timer);
  if (numpy === undefined) {
    console.log('(python3 with numpy not found: no numpy comparison)');
    return;
  }
  console.log(`\nIn [1]: %timeit data.mean()    # numpy ${numpy.version}, same run`);
  console.log(formatTiming(numpy));
  const numpyMs = median(numpy.perLoop) * 1000;
  const verdict = parallelMs < numpyMs ? `${(numpyMs / parallelMs).toFixed(2)}× faster than numpy` : `${(parallelMs / numpyMs).toFixed(2)}× slower than numpy`;
  console.log(`median run: numpy ${numpyMs.toFixed(2)} ms; ${pool.workers} workers take ${(parallelMs / numpyMs).toFixed(2)}× numpy's time (${verdict})`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await compareMeans({ quick: process.argv.includes('--quick') });
}
