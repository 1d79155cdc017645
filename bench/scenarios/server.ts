/**
 * A pool inside an HTTP server: a node:http server on loopback whose handler runs (a) a
 * CPU-bound task of about 2 ms and (b) an async task that awaits 20 ms, on multicore and on
 * piscina set up alike (2 workers, the same concurrentTasksPerWorker and idleTimeout). A load
 * generator in its own process keeps a fixed number of clients sending a bounded number of
 * requests; the table shows requests/s and p50/p99 latency side by side from one run.
 */
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Scenario } from '../main.js';
import { calibrateSpin } from '../pool/spin.js';
import { markdownTable } from '../table.js';
import { serverContenders, type HandlerPool, type ServerContender, type ServerPoolSettings } from '../server/contenders.js';

const workers = 2;
const clients = 16;
const spinMs = 2;
const waitMs = 20;
const workloads = [
  { name: `CPU-bound (${spinMs} ms)`, requests: 2_000, concurrentTasksPerWorker: 1, handle: (pool: HandlerPool, spin: number) => pool.spin(spin) },
  // Enough lanes for every client at once: 16 clients on 2 workers.
  { name: `async (awaits ${waitMs} ms)`, requests: 600, concurrentTasksPerWorker: clients / workers, handle: (pool: HandlerPool) => pool.wait(waitMs) },
] as const;
const warmUpRequests = 100;
/** The pools are fixed, so no worker ever idles out; the same value for both. */
const idleTimeout = 60_000;
const loadScript = fileURLToPath(new URL('../server/load.mjs', import.meta.url));

interface Measured {
  rate: number;
  p50: number;
  p99: number;
  failures: number;
}

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.max(1, Math.ceil(fraction * sorted.length)) - 1]!;
}

async function listen(handle: () => Promise<unknown>): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    handle().then(
      (value) => response.end(String(value)),
      (error: unknown) => {
        response.statusCode = (error as { code?: string }).code === 'ERR_QUEUE_FULL' ? 503 : 500;
        response.end();
      },
    );
  });
  server.keepAliveTimeout = 10_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

async function load(url: string, requests: number): Promise<{ ms: number; latencies: number[]; failures: number }> {
  const { stdout } = await promisify(execFile)(process.execPath, [loadScript, url, String(clients), String(requests)], { maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(stdout) as { ms: number; latencies: number[]; failures: number };
}

async function measure(contender: ServerContender, settings: ServerPoolSettings, requests: number, handle: (pool: HandlerPool) => Promise<unknown>): Promise<Measured> {
  const pool = contender.open(settings);
  const { server, url } = await listen(() => handle(pool));
  try {
    await load(url, warmUpRequests);
    const { ms, latencies, failures } = await load(url, requests);
    const sorted = latencies.sort((a, b) => a - b);
    return { rate: (requests * 1000) / ms, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), failures };
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await pool.close();
  }
}

export const scenario: Scenario = {
  name: 'server',
  title: 'A pool in an HTTP server: multicore beside piscina',
  async run() {
    const spin = calibrateSpin(spinMs);
    const rows: (string | number)[][] = [];
    for (const workload of workloads) {
      const settings = { workers, concurrentTasksPerWorker: workload.concurrentTasksPerWorker, idleTimeout };
      const figures = new Map<string, Measured>();
      // Alternated, so that neither pool always runs on the warmer (or the busier) machine.
      for (const contender of [...serverContenders, ...[...serverContenders].reverse()]) {
        const measured = await measure(contender, settings, workload.requests, (pool) => workload.handle(pool, spin));
        if (measured.failures > 0) throw new Error(`${contender.name}: ${measured.failures} requests failed in ${workload.name}`);
        const best = figures.get(contender.name);
        if (best === undefined || measured.rate > best.rate) figures.set(contender.name, measured);
        console.log(`${workload.name} ${contender.name}: ${measured.rate.toFixed(0)} req/s, p50 ${measured.p50.toFixed(1)} ms, p99 ${measured.p99.toFixed(1)} ms`);
      }
      for (const contender of serverContenders) {
        const { rate, p50, p99 } = figures.get(contender.name)!;
        rows.push([workload.name, contender.name, workload.concurrentTasksPerWorker, rate.toFixed(0), p50.toFixed(1), p99.toFixed(1)]);
      }
    }
    const table = markdownTable(['handler', 'pool', 'concurrentTasksPerWorker', 'requests/s', 'p50 ms', 'p99 ms'], rows);
    return `${workers} workers, ${clients} concurrent clients (a load generator in its own process, keep-alive connections on 127.0.0.1), ` +
      `${workloads.map((w) => `${w.requests} requests`).join(' and ')} after ${warmUpRequests} to warm up; the better of two alternated runs per pool. ` +
      `Both pools fixed at ${workers} workers with the same concurrentTasksPerWorker and idleTimeout (${idleTimeout} ms).\n\n${table}\n`;
  },
};
