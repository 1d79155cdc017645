/**
 * Shared memory: the mean of 1e7 doubles on 2 workers against numpy's data.mean() and the same
 * kernel on one thread; the ready reductions (parallelMean, parallelMin...) against that
 * hand-written kernel and their numpy counterparts; the memory bandwidth that implies against
 * the machine's copy bandwidth; the overhead of an empty forRange; and a compute-bound N-body
 * step with its 2-worker speedup.
 * Serial, parallel and numpy timings alternate over several rounds of one run, so that a noisy
 * neighbour disturbs them alike; each figure is the median over the rounds.
 */
import { execFile } from 'node:child_process';
import os from 'node:os';
import { Pool, parallelDot, parallelHistogram, parallelMax, parallelMean, parallelMin, parallelSum, sharedArray } from 'multicore';
import { sumRange } from '../../examples/mean.js';
import type { Scenario } from '../main.js';
import { markdownTable, median } from '../table.js';

const workers = 2;
const length = 10_000_000;
const rounds = 5;
const targets = { meanVsNumpy: 0.85, meanSpeedup: 1.8, readyVsHand: 1 };
const histogramBins = 100;
const bodies = 3_000;

interface Bodies {
  x: Float64Array;
  y: Float64Array;
  z: Float64Array;
  mass: Float64Array;
  ax: Float64Array;
  ay: Float64Array;
  az: Float64Array;
}

/** Gravitational accelerations of bodies [start, end) from all bodies: O(n) work per body, no races. */
const accelerate = (start: number, end: number, b: Bodies): number => {
  const { x, y, z, mass, ax, ay, az } = b;
  const n = x.length;
  for (let i = start; i < end; i++) {
    let fx = 0;
    let fy = 0;
    let fz = 0;
    const xi = x[i]!;
    const yi = y[i]!;
    const zi = z[i]!;
    for (let j = 0; j < n; j++) {
      const dx = x[j]! - xi;
      const dy = y[j]! - yi;
      const dz = z[j]! - zi;
      const d2 = dx * dx + dy * dy + dz * dz + 1e-3;
      const inv = mass[j]! / (d2 * Math.sqrt(d2));
      fx += dx * inv;
      fy += dy * inv;
      fz += dz * inv;
    }
    ax[i] = fx;
    ay[i] = fy;
    az[i] = fz;
  }
  return end - start;
};

/** Median seconds per call of `body`, with as many calls per run as fill `minRunMs` (at least 1). */
async function perCall(body: () => unknown, minRunMs: number, runs = 7, samples: number[] = []): Promise<number> {
  let loops = 1;
  for (;;) {
    const ms = await timeLoops(body, loops);
    if (ms >= minRunMs) break;
    loops = Math.max(loops * 2, Math.ceil((loops * minRunMs) / Math.max(ms, 0.01)));
  }
  for (let run = 0; run < runs; run++) samples.push((await timeLoops(body, loops)) / loops / 1000);
  return median(samples);
}

async function timeLoops(body: () => unknown, loops: number): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < loops; i++) {
    const result = body();
    if (result instanceof Promise) await result;
  }
  return performance.now() - started;
}

/** Like perCall, also the fastest run: the least disturbed by other processes on a shared machine. */
async function perCallWithBest(body: () => unknown, minRunMs: number): Promise<{ median: number; best: number }> {
  const samples: number[] = [];
  const middle = await perCall(body, minRunMs, 7, samples);
  return { median: middle, best: Math.min(...samples) };
}

const numpyScript = `
import json, sys, timeit
try:
    import numpy as np
except ImportError:
    print("null"); sys.exit(0)
n = int(sys.argv[1])
data = np.random.rand(n)
copy = np.empty_like(data)
def per_call(fn):
    t = timeit.Timer(fn)
    loops, _ = t.autorange()
    return sorted(r / loops for r in t.repeat(7, loops))
means = per_call(data.mean)
# The bandwidth 2 cores reach: two waiting threads each summing half (numpy lets go of the GIL).
import threading, queue
halves, go, done = [data[: n // 2], data[n // 2 :]], [queue.Queue(), queue.Queue()], queue.Queue()
def serve(k):
    while True:
        go[k].get(); halves[k].sum(); done.put(k)
for k in range(2): threading.Thread(target=serve, args=(k,), daemon=True).start()
def two_threads():
    go[0].put(1); go[1].put(1); done.get(); done.get()
ready = {name: per_call(fn)[3] for name, fn in [
    ("sum", data.sum), ("min", data.min), ("max", data.max), ("dot", lambda: np.dot(data, data)),
    ("histogram", lambda: np.histogram(data, bins=int(sys.argv[2]), range=(0, 1)))]}
ready["mean"] = means[3]
# numpy asks the kernel for 2 MiB pages (madvise) for large arrays; JavaScript cannot, and with
# transparent huge pages on "madvise" a SharedArrayBuffer gets 4 KiB pages. The same mean on those:
small_pages = None
try:
    try:
        from numpy._core.multiarray import _set_madvise_hugepage
    except ImportError:
        from numpy.core.multiarray import _set_madvise_hugepage
    was = _set_madvise_hugepage(False)
    on_small_pages = np.empty_like(data)
    on_small_pages[:] = data
    _set_madvise_hugepage(was)
    small_pages = per_call(on_small_pages.mean)[3]
except Exception:
    pass
print(json.dumps({"version": np.__version__, "mean": means[3], "best": means[0], "smallPages": small_pages, "twoThreads": per_call(two_threads)[3], "copy": per_call(lambda: np.copyto(copy, data))[3], "ready": ready}))
`;

type ReadyName = 'sum' | 'mean' | 'min' | 'max' | 'dot' | 'histogram';
const readyNames: ReadyName[] = ['sum', 'mean', 'min', 'max', 'dot', 'histogram'];

interface NumpyTimings {
  version: string;
  mean: number;
  best: number;
  /** Median seconds per sum of the two halves on two Python threads at once: what 2 cores' memory bandwidth allows. */
  twoThreads: number;
  /** Median seconds per data.mean() of a copy on 4 KiB pages (numpy's huge-page advice off); null where numpy has no such switch. */
  smallPages: number | null;
  copy: number;
  /** Median seconds per call of numpy's counterpart of each ready reduction. */
  ready: Record<ReadyName, number>;
}

/** numpy's median seconds per data.mean(), per copy of the array and per counterpart of each ready reduction; undefined without numpy. */
function timeNumpy(): Promise<NumpyTimings | undefined> {
  return new Promise((resolve) => {
    execFile('python3', ['-c', numpyScript, String(length), String(histogramBins)], { timeout: 300_000 }, (error, stdout) => {
      // Without python3 or numpy the JavaScript figures stand alone.
      if (error !== null) return resolve(undefined);
      resolve(JSON.parse(stdout) ?? undefined);
    });
  });
}

function makeBodies(): Bodies {
  const make = () => sharedArray(Float64Array, bodies);
  const b: Bodies = { x: make(), y: make(), z: make(), mass: make(), ax: make(), ay: make(), az: make() };
  for (let i = 0; i < bodies; i++) {
    b.x[i] = Math.random();
    b.y[i] = Math.random();
    b.z[i] = Math.random();
    b.mass[i] = 1 / bodies;
  }
  return b;
}

const ms = (seconds: number) => (seconds * 1000).toFixed(2);
const us = (seconds: number) => (seconds * 1e6).toFixed(0);
const gbps = (bytes: number, seconds: number) => (bytes / seconds / 1e9).toFixed(1);
const ratio = (value: number) => `${value.toFixed(2)}×`;

async function run(): Promise<string> {
  const load = os.loadavg()[0]!;
  const data = sharedArray(Float64Array, length);
  for (let i = 0; i < length; i++) data[i] = Math.random();
  const copyTarget = new Float64Array(length);
  const nbody = makeBodies();
  const pool = new Pool(workers);
  const add = (a: number, b: number) => a + b;
  const figures = { serial: [] as number[], parallel: [] as number[], numpy: [] as number[], numpyTwoThreads: [] as number[], numpySmallPages: [] as number[], numpyCopy: [] as number[], copy: [] as number[] };
  // The ready reductions on the same data, and numpy's counterparts, per round.
  const ready = {
    sum: () => parallelSum(pool, data),
    mean: () => parallelMean(pool, data),
    min: () => parallelMin(pool, data),
    max: () => parallelMax(pool, data),
    dot: () => parallelDot(pool, data, data),
    histogram: () => parallelHistogram(pool, data, { bins: histogramBins, range: [0, 1] }),
  } satisfies Record<ReadyName, () => Promise<unknown>>;
  const readyFigures = Object.fromEntries(readyNames.map((name) => [name, [] as number[]])) as Record<ReadyName, number[]>;
  const numpyReady = Object.fromEntries(readyNames.map((name) => [name, [] as number[]])) as Record<ReadyName, number[]>;
  let readyMeanBest = Infinity;
  // parallelMean in one range, on one worker: what SIMD alone gives, before a second core.
  const readyMeanOneRange: number[] = [];
  const best = { serial: Infinity, parallel: Infinity, numpy: Infinity };
  let numpyVersion: string | undefined;
  try {
    // Warm-up: workers started, kernels compiled and optimised on both sides.
    for (let i = 0; i < 20; i++) {
      sumRange(0, length, data);
      await pool.reduceRange(length, sumRange, add, data);
    }
    const expected = sumRange(0, length, data);
    const got = await pool.reduceRange(length, sumRange, add, data);
    if (Math.abs(got - expected) > 1e-6 * expected) throw new Error(`parallel sum ${got} differs from serial ${expected}`);
    const readySum = await parallelSum(pool, data);
    if (Math.abs(readySum - expected) > 1e-6 * expected) throw new Error(`parallelSum ${readySum} differs from serial ${expected}`);
    // The ready kernels get no more warm-up than a program's first calls give them.
    for (const name of readyNames) await ready[name]();

    for (let round = 0; round < rounds; round++) {
      const serialRound = await perCallWithBest(() => sumRange(0, length, data), 150);
      const parallelRound = await perCallWithBest(() => pool.reduceRange(length, sumRange, add, data), 150);
      const readyMeanRound = await perCallWithBest(ready.mean, 150);
      readyFigures.mean.push(readyMeanRound.median);
      readyMeanBest = Math.min(readyMeanBest, readyMeanRound.best);
      readyMeanOneRange.push(await perCall(() => parallelMean(pool, data, { chunks: 1 }), 150));
      for (const name of readyNames) if (name !== 'mean') readyFigures[name].push(await perCall(ready[name], 150));
      figures.serial.push(serialRound.median);
      figures.parallel.push(parallelRound.median);
      best.serial = Math.min(best.serial, serialRound.best);
      best.parallel = Math.min(best.parallel, parallelRound.best);
      figures.copy.push(await perCall(() => copyTarget.set(data), 150));
      const numpy = await timeNumpy();
      if (numpy !== undefined) {
        numpyVersion = numpy.version;
        figures.numpy.push(numpy.mean);
        best.numpy = Math.min(best.numpy, numpy.best);
        figures.numpyTwoThreads.push(numpy.twoThreads);
        if (numpy.smallPages !== null) figures.numpySmallPages.push(numpy.smallPages);
        figures.numpyCopy.push(numpy.copy);
        for (const name of readyNames) numpyReady[name].push(numpy.ready[name]);
      }
      console.log(
        `round ${round + 1}: serial ${ms(figures.serial.at(-1)!)} ms, ${workers} workers ${ms(figures.parallel.at(-1)!)} ms, ` +
          `parallelMean ${ms(readyFigures.mean.at(-1)!)} ms` +
          (numpy ? `, numpy ${ms(numpy.mean)} ms` : '') + `, load ${os.loadavg()[0]!.toFixed(2)}`,
      );
    }

    const empty = (start: number) => start;
    for (let i = 0; i < 2_000; i++) await pool.forRange(workers, empty);
    const emptyForRange = await perCall(() => pool.forRange(workers, empty), 200);
    const emptyOneRange = await perCall(() => pool.forRange(1, empty), 200);
    const emptyApply = await perCall(() => pool.apply(() => 0), 200);

    accelerate(0, bodies, nbody);
    await pool.forRange(bodies, accelerate, nbody);
    const nbodySerial = await perCall(() => accelerate(0, bodies, nbody), 300, 5);
    const nbodyParallel = await perCall(() => pool.forRange(bodies, accelerate, nbody), 300, 5);

    const serial = median(figures.serial);
    const parallel = median(figures.parallel);
    const copy = median(figures.copy);
    const numpy = figures.numpy.length > 0 ? median(figures.numpy) : undefined;
    const numpyCopy = figures.numpyCopy.length > 0 ? median(figures.numpyCopy) : undefined;
    const numpyTwoThreads = figures.numpyTwoThreads.length > 0 ? median(figures.numpyTwoThreads) : undefined;
    const numpySmallPages = figures.numpySmallPages.length > 0 ? median(figures.numpySmallPages) : undefined;
    const readyMean = median(readyFigures.mean);
    const readyMeanOne = median(readyMeanOneRange);
    const bytes = length * 8;
    const verdict = (ok: boolean) => (ok ? 'met' : '**missed**');

    const meanTable = markdownTable(
      ['Mean of 1e7 Float64', 'median per call', 'ratio of medians', 'target (on medians)', 'fastest run', 'ratio of fastest'],
      [
        ['one thread (same kernel, main thread)', `${ms(serial)} ms`, '', '', `${ms(best.serial)} ms`, ''],
        [
          `${workers} workers, pool.reduceRange`,
          `${ms(parallel)} ms`,
          `${ratio(serial / parallel)} faster than one thread`,
          `≥ ${targets.meanSpeedup}×: ${verdict(serial / parallel >= targets.meanSpeedup)}`,
          `${ms(best.parallel)} ms`,
          `${ratio(best.serial / best.parallel)} faster`,
        ],
        [
          '1 worker, parallelMean(pool, data, { chunks: 1 }): WebAssembly SIMD, one range',
          `${ms(readyMeanOne)} ms`,
          `${ratio(serial / readyMeanOne)} faster than one thread`,
          '',
          '',
          '',
        ],
        [
          `${workers} workers, parallelMean (ready kernel, SIMD)`,
          `${ms(readyMean)} ms`,
          `${ratio(readyMean / parallel)} the hand-written kernel's time`,
          `≤ ${targets.readyVsHand}× the hand-written kernel: ${verdict(readyMean / parallel <= targets.readyVsHand)}`,
          `${ms(readyMeanBest)} ms`,
          `${ratio(readyMeanBest / best.parallel)} the hand-written kernel's time`,
        ],
        numpy === undefined
          ? ['numpy data.mean()', 'n/a (no python3 with numpy)', '', '', '', '']
          : [
              `numpy ${numpyVersion} data.mean()`,
              `${ms(numpy)} ms`,
              `${workers} workers' parallelMean takes ${ratio(readyMean / numpy)} numpy's time (the hand-written kernel ${ratio(parallel / numpy)})`,
              `≤ ${targets.meanVsNumpy}×: ${verdict(readyMean / numpy <= targets.meanVsNumpy)}`,
              `${ms(best.numpy)} ms`,
              `${ratio(readyMeanBest / best.numpy)} numpy's time`,
            ],
        ...(numpy === undefined || numpyTwoThreads === undefined
          ? []
          : [
              ...(numpySmallPages === undefined
                  ? []
                  : [
                      [
                        'numpy data.mean() of a copy on 4 KiB pages, as JavaScript memory gets here (numpy asks for 2 MiB pages)',
                        `${ms(numpySmallPages)} ms`,
                        `${workers} workers' parallelMean takes ${ratio(readyMean / numpySmallPages)} its time`,
                        '',
                        '',
                        '',
                      ],
                    ]),
              [
                'numpy on 2 threads, each summing half',
                `${ms(numpyTwoThreads)} ms`,
                `${ratio(numpyTwoThreads / numpy)} numpy's one-thread time: what a second core gives numpy itself`,
                '',
                '',
                '',
              ],
            ]),
      ],
    );
    const numpyCounterparts: Record<ReadyName, string> = {
      sum: 'data.sum()',
      mean: 'data.mean()',
      min: 'data.min()',
      max: 'data.max()',
      dot: 'np.dot(data, data)',
      histogram: `np.histogram(data, bins=${histogramBins}, range=(0, 1))`,
    };
    const readyTable = markdownTable(
      [`Ready reductions, 1e7 Float64, ${workers} workers`, 'median per call', `numpy ${numpyVersion ?? '(n/a)'}`, 'time of numpy\'s'],
      readyNames.map((name) => {
        const ours = median(readyFigures[name]);
        const theirs = numpyReady[name].length > 0 ? median(numpyReady[name]) : undefined;
        const call = name === 'histogram' ? `parallelHistogram(pool, data, { bins: ${histogramBins}, range: [0, 1] })` : name === 'dot' ? 'parallelDot(pool, data, data)' : `parallel${name[0]!.toUpperCase()}${name.slice(1)}(pool, data)`;
        return [call, `${ms(ours)} ms`, theirs === undefined ? 'n/a' : `${numpyCounterparts[name]}: ${ms(theirs)} ms`, theirs === undefined ? '' : ratio(ours / theirs)];
      }),
    );
    const bandwidthTable = markdownTable(
      ['Memory bandwidth', 'GB/s'],
      [
        ['mean on one thread (80 MB read)', gbps(bytes, serial)],
        [`mean on ${workers} workers (80 MB read)`, gbps(bytes, parallel)],
        ['parallelMean, SIMD, one worker (80 MB read)', gbps(bytes, readyMeanOne)],
        [`parallelMean, SIMD, ${workers} workers (80 MB read)`, gbps(bytes, readyMean)],
        ...(numpy === undefined ? [] : [['numpy data.mean() (80 MB read)', gbps(bytes, numpy)]]),
        ...(numpyTwoThreads === undefined ? [] : [['numpy, each half summed on its own thread, 2 threads at once (80 MB read)', gbps(bytes, numpyTwoThreads)]]),
        ['copy, Float64Array.prototype.set, one thread (80 MB read + 80 MB written)', gbps(2 * bytes, copy)],
        ...(numpyCopy === undefined ? [] : [['copy, numpy.copyto (80 MB read + 80 MB written)', gbps(2 * bytes, numpyCopy)]]),
      ],
    );
    const overheadTable = markdownTable(
      ['Empty body, per call', 'µs'],
      [
        [`pool.forRange(${workers}, empty): ${workers} ranges, one per worker`, us(emptyForRange)],
        ['pool.forRange(1, empty): one range', us(emptyOneRange)],
        ['pool.apply(() => 0), for comparison', us(emptyApply)],
      ],
    );
    const nbodyTable = markdownTable(
      [`N-body accelerations, ${bodies} bodies (${((bodies * bodies) / 1e6).toFixed(0)} M interactions)`, 'median per step', 'speedup'],
      [
        ['one thread', `${ms(nbodySerial)} ms`, ''],
        [`${workers} workers, pool.forRange`, `${ms(nbodyParallel)} ms`, ratio(nbodySerial / nbodyParallel)],
      ],
    );
    return [
      `Medians of ${rounds} alternating rounds (7 timed runs each); one-minute load average ${load.toFixed(2)} at the start. ` +
        'The machine is shared: other processes take CPU time from every side, and most from 2 workers, which need both cores ' +
        'at once. Targets are judged on medians; the fastest run, least disturbed, is shown beside them.',
      meanTable,
      'The ready reductions against numpy on the same data (medians of the same rounds). They read the same 80 MB as the mean ' +
        '(the dot product reads it twice), so sum and mean are bound by memory bandwidth; min and max do more work per element ' +
        '(Math.min keeps NaN), and the histogram most.',
      readyTable,
      'The mean reads 80 MB once, so it is bound by memory bandwidth; the copy rows show what one thread can move. ' +
        'The "same kernel" rows are the hand-written JavaScript loop of examples/mean.ts; the ready reductions read a large ' +
        'Float64Array from sharedArray() with WebAssembly SIMD, two doubles an instruction (docs/shared-memory.md).',
      bandwidthTable,
      'An empty forRange bounds the smallest loop worth splitting: a range should take much longer than this.',
      overheadTable,
      'A compute-bound kernel over shared arrays: each range writes only its own bodies, so there is no race.',
      nbodyTable,
    ].join('\n\n');
  } finally {
    await pool.terminate();
  }
}

export const scenario: Scenario = { name: 'shared', title: 'Shared memory: mean vs numpy, ready reductions, forRange overhead, N-body', run };
