/**
 * `%timeit data.mean()` on 10 million random doubles: a hand-written kernel on one thread,
 * parallelMean() on a pool of workers over shared memory, and numpy's data.mean() when python3
 * has numpy, all in the same run.
 *
 *   npx tsx examples/mean.ts [--quick]
 *
 * Timed with multicore's timeit(), which prints IPython's %timeit line; numpy is timed by python's
 * own timeit and printed through TimeitResult the same way. Comparisons use the median run.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Pool, TimeitResult, parallelMean, sharedArray, timeit } from 'multicore';

const length = 10_000_000;

/**
 * A hand-written kernel, run here on one thread; `pool.reduceRange(data.length, sumRange,
 * (a, b) => a + b, data)` would run it in the workers (it is sent as source text, so it uses
 * nothing from outside its body), and bench/scenarios/shared.ts times that against
 * parallelMean(), whose ready kernel takes 8 elements a step (src/reductions/sum-kernels.ts) and,
 * over a large array from sharedArray(), reads them with WebAssembly SIMD (simd-kernels.ts). Four accumulators let the CPU overlap the additions.
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

/** Median seconds per loop of a timing: comparisons use it, as it shrugs off a noisy neighbour. */
export function medianPerLoop(result: TimeitResult): number {
  const sorted = [...result.timings].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export interface NumpyTiming {
  version: string;
  result: TimeitResult;
}

const numpyScript = `
import json, sys, timeit
try:
    import numpy as np
except ImportError:
    print("null"); sys.exit(0)
n, repeat, number = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
data = np.random.rand(n)
timer = timeit.Timer(data.mean)
# Like IPython's %timeit: 1, 10, 100... loops until a run takes 0.2 s, unless given.
loops = number
if loops == 0:
    loops = 1
    while timer.timeit(loops) < 0.2: loops *= 10
runs = timer.repeat(repeat, loops)
print(json.dumps({"version": np.__version__, "loops": loops, "allRuns": runs}))
`;

/** numpy's `data.mean()` on as many random doubles, timed by python's timeit; undefined without python3 or numpy. */
export function timeNumpyMean(n: number, options: { repeat?: number; number?: number } = {}): Promise<NumpyTiming | undefined> {
  const args = ['-c', numpyScript, String(n), String(options.repeat ?? 7), String(options.number ?? 0)];
  return new Promise((resolve) => {
    execFile('python3', args, { timeout: 120_000 }, (error, stdout) => {
      // No python3, or it failed: the comparison is optional, the JavaScript timings stand alone.
      if (error !== null) return resolve(undefined);
      const measured = JSON.parse(stdout) as { version: string; loops: number; allRuns: number[] } | null;
      resolve(measured === null ? undefined : { version: measured.version, result: new TimeitResult({ loops: measured.loops, allRuns: measured.allRuns }) });
    });
  });
}

/** Runs the whole comparison and prints it; the demo (`npm start`) calls this as its last step. */
export async function compareMeans(options: { quick?: boolean } = {}): Promise<void> {
  // --quick: 10 loops a run instead of IPython's autorange to 0.2 s.
  const timer = { repeat: 7, ...(options.quick && { number: 10 }) };
  const line = (code: string, comment: string) => console.log(`>>> ${code}    // ${comment}`);

  line('const data = sharedArray(Float64Array, 10_000_000)', 'random doubles in shared memory');
  const data = sharedArray(Float64Array, length);
  for (let i = 0; i < length; i++) data[i] = Math.random();

  line('sumRange(0, data.length, data) / data.length', 'one thread');
  console.log(sumRange(0, data.length, data) / data.length);
  const serial = await timeit(() => sumRange(0, data.length, data), timer);
  console.log(`${serial}`);

  await using pool = new Pool();
  line('await parallelMean(pool, data)', `${pool.workers} workers, the array shared, not copied`);
  console.log(await parallelMean(pool, data));
  const parallel = await timeit(() => parallelMean(pool, data), timer);
  console.log(`${parallel}`);

  const serialMs = medianPerLoop(serial) * 1000;
  const parallelMs = medianPerLoop(parallel) * 1000;
  console.log(`\nmedian run: ${serialMs.toFixed(2)} ms on one thread, ${parallelMs.toFixed(2)} ms on ${pool.workers} workers: ${(serialMs / parallelMs).toFixed(2)}× faster`);
  // Honest about where the gain comes from: the ready kernel is not the loop above.
  console.log('(each worker reads its range with WebAssembly SIMD, two doubles an instruction: the gain is partly SIMD, partly cores; BENCHMARKS.md times them apart)');

  const numpy = await timeNumpyMean(length, timer);
  if (numpy === undefined) {
    console.log('(python3 with numpy not found: no numpy comparison)');
    return;
  }
  console.log(`\nIn [1]: %timeit data.mean()    # numpy ${numpy.version}, same run`);
  console.log(`${numpy.result}`);
  const numpyMs = medianPerLoop(numpy.result) * 1000;
  const verdict = parallelMs < numpyMs ? `${(numpyMs / parallelMs).toFixed(2)}× faster than numpy` : `${(parallelMs / numpyMs).toFixed(2)}× slower than numpy`;
  console.log(`median run: numpy ${numpyMs.toFixed(2)} ms; ${pool.workers} workers take ${(parallelMs / numpyMs).toFixed(2)}× numpy's time (${verdict})`);
  if (parallelMs >= numpyMs && hugePagesOnlyOnRequest()) {
    console.log("(numpy asks for 2 MiB memory pages, which JavaScript cannot; this machine's huge pages are 'madvise' only: see docs/shared-memory.md)");
  }
}

/** Linux's transparent huge pages go only to memory that asks for them (madvise), or to none. */
function hugePagesOnlyOnRequest(): boolean {
  try {
    return /\[(madvise|never)\]/.test(readFileSync('/sys/kernel/mm/transparent_hugepage/enabled', 'utf8'));
  } catch {
    return false; // not Linux, or no such setting: nothing to explain
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await compareMeans({ quick: process.argv.includes('--quick') });
}
