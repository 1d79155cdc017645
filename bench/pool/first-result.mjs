/**
 * Run by plain `node` in a fresh process: imports one pool library, constructs a pool of two
 * workers, runs one no-op call and prints, as JSON, the milliseconds from just before the import
 * to the result (`fromImport`) and from the start of the process (`fromProcessStart`). Then it
 * ends the pool. Usage: node first-result.mjs <contender> [bundle URL, for multicore-bundled]
 */
import { fileURLToPath } from 'node:url';

const workers = 2;
const tasksModule = new URL('./tasks.mjs', import.meta.url);
const workerFile = (name) => fileURLToPath(new URL(`./workers/${name}.mjs`, import.meta.url));

/** Per contender: import, construct, one call; returns the function that ends the pool. */
const firstCalls = {
  async multicore() {
    const { Pool } = await import('multicore');
    const pool = new Pool(workers);
    await pool.apply({ module: tasksModule, name: 'noop' }, [0]);
    return () => pool.terminate();
  },
  // multicore bundled by esbuild with its worker entry beside it (docs/runtimes.md, "Bundlers");
  // the bundle's file URL is the second argument.
  async 'multicore-bundled'() {
    const { Pool } = await import(process.argv[3]);
    const pool = new Pool(workers);
    await pool.apply({ module: tasksModule, name: 'noop' }, [0]);
    return () => pool.terminate();
  },
  async 'multicore-inline'() {
    const { Pool } = await import('multicore');
    const pool = new Pool(workers);
    await pool.apply((x) => x, [0]);
    return () => pool.terminate();
  },
  async piscina() {
    const { Piscina } = await import('piscina');
    const pool = new Piscina({ filename: workerFile('exports'), minThreads: workers, maxThreads: workers });
    await pool.run(0, { name: 'noop' });
    return () => pool.destroy();
  },
  async poolifier() {
    const { FixedThreadPool } = await import('poolifier');
    const pool = new FixedThreadPool(workers, workerFile('poolifier'));
    await pool.execute(0, 'noop');
    return () => pool.destroy();
  },
  async tinypool() {
    const { Tinypool } = await import('tinypool');
    const pool = new Tinypool({ filename: workerFile('exports'), minThreads: workers, maxThreads: workers });
    await pool.run(0, { name: 'noop' });
    return () => pool.destroy();
  },
  async workerpool() {
    const { default: workerpool } = await import('workerpool');
    const pool = workerpool.pool(workerFile('workerpool'), { minWorkers: workers, maxWorkers: workers, workerType: 'thread' });
    await pool.exec('noop', [0]);
    return () => pool.terminate();
  },
};

const contender = process.argv[2];
const firstCall = firstCalls[contender];
if (firstCall === undefined) throw new RangeError(`unknown contender ${contender}; expected one of ${Object.keys(firstCalls).join(', ')}`);
const cpuBefore = process.cpuUsage();
const importStarted = performance.now();
const end = await firstCall();
const resultAt = performance.now();
// CPU time of every thread of the process, the workers' included, from the import to the result.
const cpu = process.cpuUsage(cpuBefore);
process.stdout.write(`${JSON.stringify({ fromImport: resultAt - importStarted, cpuMs: (cpu.user + cpu.system) / 1000, fromProcessStart: resultAt })}\n`);
// Bounded: poolifier's destroy() sometimes never settles on Node 20, and a top-level await left
// pending ends the process with exit code 13 after the figure was printed.
let timer;
const closed = await Promise.race([end().then(() => true), new Promise((resolve) => (timer = setTimeout(resolve, 5000, false)))]);
clearTimeout(timer);
if (!closed) process.exit(0);
