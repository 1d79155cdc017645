/**
 * The process backend against the thread backend and Python's multiprocessing.Pool, two workers
 * each, in one run: the seed's hello over three friends (fresh pool to results), 2,000 × 1 ms CPU
 * tasks (speedup over a serial loop in the same language), per-task overhead of 2,000 no-op calls,
 * time from a new pool to its first result, and memory per worker (RSS and PSS).
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Pool, type ModuleTask, type PoolOptions } from 'multicore';
import type { Scenario } from '../main.js';
import { childPids, memoryOf, type MemoryFigures } from '../backends/memory.js';
import { burn as burnHere } from '../backends/tasks.mjs';
import { markdownTable, median } from '../table.js';

const workers = 2;
const cpuTasks = 2_000;
const overheadTasks = 2_000;
const rounds = 3;
const friends = ['Ann', 'Bob', 'Cy'];
const targets = { processSpeedup: 1.85 };

const tasks = new URL('../backends/tasks.mjs', import.meta.url);
const ref = <F extends (...args: any[]) => unknown>(name: string): ModuleTask<F> => ({ module: tasks, name });
const hello = ref<(name: string) => string>('hello');
const noop = ref<(x: number) => undefined>('noop');
const burn = ref<(iterations: number) => number>('burn');
const burnLocally = burnHere as (iterations: number) => number;

/** Iterations of burn() that take about `targetMs` here, timed over many calls as the tasks run. */
function calibrateBurn(targetMs: number): number {
  let iterations = 1_000;
  for (;;) {
    for (let i = 0; i < 20; i++) burnLocally(iterations);
    const started = performance.now();
    for (let i = 0; i < 20; i++) burnLocally(iterations);
    const ms = (performance.now() - started) / 20;
    if (ms * 20 >= 50) return Math.max(1, Math.round((iterations * targetMs) / ms));
    iterations *= 2;
  }
}

function runSerially(iterations: number, count: number): { ms: number; result: number } {
  const started = performance.now();
  let result = 0;
  for (let i = 0; i < count; i++) result = burnLocally(iterations);
  return { ms: performance.now() - started, result };
}

interface Figures {
  helloMs: number;
  firstResultMs: number;
  applyUs: number;
  mapChunk1Us: number;
  serialMs: number;
  parallelMs: number;
  rssKiB: number;
  pssKiB: number;
}

interface Contender {
  name: string;
  options: PoolOptions;
}

const contenders: Contender[] = [
  { name: 'multicore, threads', options: { workers, backend: 'thread' } },
  { name: 'multicore, processes', options: { workers, backend: 'process' } },
  { name: 'multicore, processes without tsx', options: { workers, backend: 'process', execArgv: [] } },
];

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

/** Per worker: the children's own figures for processes, this process's growth for threads. */
async function workerMemory(pool: Pool, backend: PoolOptions['backend'], before: MemoryFigures): Promise<MemoryFigures> {
  if (backend === 'process') {
    const figures = childPids().map((pid) => memoryOf(pid));
    return { rssKiB: median(figures.map((f) => f.rssKiB)), pssKiB: median(figures.map((f) => f.pssKiB)) };
  }
  const after = memoryOf('self');
  return { rssKiB: (after.rssKiB - before.rssKiB) / pool.workers, pssKiB: (after.pssKiB - before.pssKiB) / pool.workers };
}

async function measureNode(contender: Contender, iterations: number): Promise<Figures> {
  const helloMs = await timed(async () => {
    const pool = new Pool(contender.options);
    const greetings = await pool.map(hello, friends);
    if (greetings[2] !== 'Hello, Cy!') throw new Error(`unexpected greeting ${greetings[2]}`);
    pool.close();
    await pool.join();
  });
  const before = memoryOf('self');
  let pool!: Pool;
  const firstResultMs = await timed(async () => {
    pool = new Pool(contender.options);
    await pool.apply(noop, [0]);
  });
  try {
    await pool.map(noop, Array.from({ length: 100 }, (_, i) => i), { chunksize: 1 });
    const memory = await workerMemory(pool, contender.options.backend, before);
    await Promise.all(Array.from({ length: 200 }, (_, i) => pool.apply(noop, [i])));
    const applyMs = await timed(() => Promise.all(Array.from({ length: overheadTasks }, (_, i) => pool.apply(noop, [i]))));
    const mapMs = await timed(() => pool.map(noop, Array.from({ length: overheadTasks }, (_, i) => i), { chunksize: 1 }));
    await pool.map(burn, Array<number>(4 * workers).fill(iterations));
    // Right before the parallel run, so that both see the same load on this shared machine.
    const serial = runSerially(iterations, cpuTasks);
    let results: number[] = [];
    const parallelMs = await timed(async () => {
      results = await pool.map(burn, Array<number>(cpuTasks).fill(iterations));
    });
    if (results[cpuTasks - 1] !== serial.result) throw new Error(`burn result ${results[cpuTasks - 1]} differs from ${serial.result}`);
    const serialMs = serial.ms;
    return {
      helloMs,
      firstResultMs,
      applyUs: (applyMs * 1000) / overheadTasks,
      mapChunk1Us: (mapMs * 1000) / overheadTasks,
      serialMs,
      parallelMs,
      ...memory,
    };
  } finally {
    pool.close();
    await pool.join();
  }
}

async function measurePython(): Promise<Figures> {
  const script = fileURLToPath(new URL('../backends/python_pool.py', import.meta.url));
  const { stdout } = await promisify(execFile)('python3', [script, String(workers)], { timeout: 300_000 });
  return JSON.parse(stdout) as Figures;
}

function medianFigures(runs: Figures[]): Figures {
  const pick = (key: keyof Figures) => median(runs.map((run) => run[key]));
  return {
    helloMs: pick('helloMs'),
    firstResultMs: pick('firstResultMs'),
    applyUs: pick('applyUs'),
    mapChunk1Us: pick('mapChunk1Us'),
    serialMs: pick('serialMs'),
    parallelMs: pick('parallelMs'),
    rssKiB: pick('rssKiB'),
    pssKiB: pick('pssKiB'),
  };
}

const mib = (kib: number) => (kib / 1024).toFixed(1);

export const scenario: Scenario = {
  name: 'backends',
  title: 'Backends: processes vs threads vs Python multiprocessing.Pool',
  async run() {
    const iterations = calibrateBurn(1);
    const runs = new Map<string, Figures[]>();
    // Rounds interleave the contenders so that a noisy moment on the machine hits all of them.
    for (let round = 0; round < rounds; round++) {
      for (const contender of contenders) {
        const figures = await measureNode(contender, iterations);
        runs.set(contender.name, [...(runs.get(contender.name) ?? []), figures]);
      }
      runs.set('Python multiprocessing.Pool', [...(runs.get('Python multiprocessing.Pool') ?? []), await measurePython()]);
      console.log(`round ${round + 1}/${rounds} done`);
    }
    const rows = [...runs].map(([name, figures]) => {
      const f = medianFigures(figures);
      return [
        name,
        f.helloMs.toFixed(0),
        f.firstResultMs.toFixed(0),
        f.applyUs.toFixed(1),
        f.mapChunk1Us.toFixed(1),
        (f.serialMs / f.parallelMs).toFixed(2),
        mib(f.rssKiB),
        mib(f.pssKiB),
      ];
    });
    const table = markdownTable(
      ['pool (2 workers)', 'hello × 3 friends, fresh pool (ms)', 'new pool to first result (ms)', 'apply overhead (µs/task)', 'map chunksize 1 (µs/task)', `speedup, ${cpuTasks} × 1 ms CPU`, 'RSS/worker (MiB)', 'PSS/worker (MiB)'],
      rows,
    );
    const processSpeedup = Number(rows.find((row) => row[0] === 'multicore, processes')![5]);
    const processApply = Number(rows.find((row) => row[0] === 'multicore, processes')![3]);
    const pythonApply = Number(rows.find((row) => row[0] === 'Python multiprocessing.Pool')![3]);
    return `${table}

Medians of ${rounds} rounds, contenders interleaved. Speedup is the serial loop's time over the pool's, each
in its own language (Python's 1 ms task is calibrated in Python). Overhead columns are wall time per
no-op call with ${overheadTasks} calls in flight (apply: one call each; map: chunksize 1). Thread "memory per
worker" is this process's growth per worker (threads share the heap and code); process figures are each
child's own (a child also runs a tiny watcher thread that kills it if its parent dies). Children under
\`tsx\` load its loader too, hence the "without tsx" row (\`execArgv: []\`, fine for JavaScript task modules).

Targets: process speedup ≥ ${targets.processSpeedup} (measured ${processSpeedup.toFixed(2)}: ${processSpeedup >= targets.processSpeedup ? 'met' : 'not met'});
process per-task overhead no worse than Python's Pool (${processApply} µs vs ${pythonApply} µs: ${processApply <= pythonApply ? 'met' : 'not met'}).`;
  },
};
