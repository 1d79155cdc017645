/**
 * The Redis backend on loopback: map throughput with one and two `multicore worker` processes,
 * the round trip of one apply, what chunking buys over one BullMQ job per item, what signing
 * every job and result costs, and the cost against the thread backend on the same work. A redis-server and the workers are started here,
 * the same way the tests start them (test/redis/servers.ts), and stopped at the end.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool, type ModuleTask } from 'multicore';
import { remoteTasks, startRedis, startWorker, stopWorker, type WorkerProcess } from '../../test/redis/servers.js';
import type { Scenario } from '../main.js';
import { markdownTable, median } from '../table.js';
import { perSecond, timed } from '../pool/timing.js';

const mapItems = 100_000;
const perItemJobs = 2_000;
const applyCalls = 300;
const rounds = 3;
const targetRate = 50_000;

const square: ModuleTask<(x: number) => number> = { module: remoteTasks, name: 'square' };
const add: ModuleTask<(a: number, b: number) => number> = { module: remoteTasks, name: 'add' };
const range = (length: number) => Array.from({ length }, (_, i) => i);

function check(results: number[], length: number): void {
  if (results.length !== length || results[length - 1] !== (length - 1) ** 2) throw new Error('wrong results');
}

/** Median items per second of `rounds` maps over `count` items (after one warm-up map). */
async function mapRate(pool: Pool, count: number, chunksize?: number): Promise<number> {
  const input = range(count);
  const options = chunksize === undefined ? {} : { chunksize };
  check(await pool.map(square, range(Math.min(count, 10_000)), options), Math.min(count, 10_000));
  const rates: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const { ms, value } = await timed(() => pool.map(square, input, options));
    check(value, count);
    rates.push(perSecond(count, ms));
  }
  return median(rates);
}

async function applyLatencyMs(pool: Pool): Promise<number> {
  for (let i = 0; i < 20; i++) await pool.apply(add, [i, 1]);
  const times: number[] = [];
  for (let i = 0; i < applyCalls; i++) times.push((await timed(() => pool.apply(add, [i, 1]))).ms);
  return median(times);
}

async function threadRate(workers: number): Promise<number> {
  const pool = new Pool(workers);
  try {
    return await mapRate(pool, mapItems);
  } finally {
    await pool.terminate();
  }
}

/** The same map with every job and result signed (a worker of its own, on its own queue). */
async function signedRate(url: string): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'multicore-bench-'));
  const secret = 'a benchmark secret of some length';
  writeFileSync(join(dir, 'secret'), secret);
  const worker = await startWorker(url, { threads: 1, queue: 'signed', args: ['--secret-file', join(dir, 'secret')] });
  const pool = new Pool({ backend: 'redis', redis: url, queue: 'signed', secret });
  try {
    return await mapRate(pool, mapItems);
  } finally {
    await pool.terminate();
    await stopWorker(worker);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function run(): Promise<string> {
  const redis = await startRedis();
  const workers: WorkerProcess[] = [];
  const pool = new Pool({ backend: 'redis', redis: redis.url });
  try {
    workers.push(await startWorker(redis.url, { threads: 1 }));
    const oneWorker = await mapRate(pool, mapItems);
    const latency = await applyLatencyMs(pool);
    const perItem = await mapRate(pool, perItemJobs, 1);
    workers.push(await startWorker(redis.url, { threads: 1 }));
    const twoWorkers = await mapRate(pool, mapItems);
    await pool.terminate();
    for (const worker of workers.splice(0)) await stopWorker(worker);
    const signed = await signedRate(redis.url);
    const threadOne = await threadRate(1);
    const threadTwo = await threadRate(2);

    const whole = (n: number) => Math.round(n).toLocaleString('en-US');
    const table = markdownTable(
      ['measure', 'redis backend', 'thread backend', 'redis / thread'],
      [
        [`map of ${whole(mapItems)} tiny items, 1 worker process (1 thread)`, `${whole(oneWorker)} items/s`, `${whole(threadOne)} items/s (1 thread)`, (oneWorker / threadOne).toFixed(3)],
        [`map of ${whole(mapItems)} tiny items, 2 worker processes (1 thread each)`, `${whole(twoWorkers)} items/s`, `${whole(threadTwo)} items/s (2 threads)`, (twoWorkers / threadTwo).toFixed(3)],
        [`map of ${whole(mapItems)} tiny items, 1 worker process, signed (secret)`, `${whole(signed)} items/s`, '', ''],
        [`one BullMQ job per item (chunksize 1, ${whole(perItemJobs)} items, 1 worker)`, `${whole(perItem)} items/s`, '', ''],
        ['chunked map over one job per item (1 worker)', `${(oneWorker / perItem).toFixed(0)}×`, '', ''],
        [`apply round trip, sequential (median of ${applyCalls})`, `${latency.toFixed(2)} ms`, '', ''],
      ],
    );
    const best = Math.max(oneWorker, twoWorkers);
    const met = best >= targetRate ? 'met' : 'not met';
    return `A redis-server on 127.0.0.1 (no persistence) and \`multicore worker\` processes on the same machine; the pool uses its
defaults (8 chunks in flight, so chunks of ${whole(Math.ceil(mapItems / 32))} items). Medians of ${rounds} maps after a warm-up.
The task is \`square(x)\`, so the figures measure the transport: Redis, BullMQ, the v8 codec (with its pre-scan of every
payload read) and the worker's thread hop; the signed row adds an HMAC-SHA256 of every job and result.

${table}

Target: map ≥ ${whole(targetRate)} items/s through Redis: ${met} (${whole(best)} items/s).
`;
  } finally {
    await pool.terminate();
    for (const worker of workers) await stopWorker(worker);
    await redis.stop();
  }
}

export const scenario: Scenario = { name: 'redis', title: 'Pool over Redis (BullMQ) against the thread backend', run };
