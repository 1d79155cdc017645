/**
 * Real components for the Redis tests: a redis-server on 127.0.0.1 on a free port with a
 * temporary directory and no persistence, and `multicore worker` processes from the built CLI.
 * Each is stopped by the test that started it, by its own pid.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cliPath } from '../helpers.js';
import { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';

export const remoteTasks = fileURLToPath(new URL('../fixtures/remote-tasks.mjs', import.meta.url));

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

export interface RedisServer {
  port: number;
  url: string;
  /** Starts it again on the same port (after kill()), with empty data: a restart without persistence. */
  start(): Promise<void>;
  /** Kills the server process; its data is gone. */
  kill(): Promise<void>;
  /** Kills it and removes its directory. */
  stop(): Promise<void>;
}

/** `extraArgs` add configuration (ACL users, TLS) given the port. */
export async function startRedis(extraArgs: (port: number) => string[] = () => []): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'multicore-redis-'));
  let child: ChildProcess | undefined;
  const server: RedisServer = {
    port,
    url: `redis://127.0.0.1:${port}`,
    async start() {
      const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', ...extraArgs(port)];
      const started = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'inherit'] });
      child = started;
      await waitForLine(started, /Ready to accept connections/);
    },
    async kill() {
      const running = child;
      child = undefined;
      if (running === undefined || running.exitCode !== null) return;
      running.kill('SIGKILL');
      await once(running, 'exit');
    },
    async stop() {
      await server.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}

export interface WorkerProcess {
  child: ChildProcess;
  pid: number;
  /** What it printed on start: the queue line names the queue. */
  banner: string;
  queue: string;
  exited: Promise<{ code: number | null; signal: string | null }>;
}

export async function startWorker(url: string, options: { threads?: number; queue?: string; tasks?: string; args?: string[]; env?: NodeJS.ProcessEnv } = {}): Promise<WorkerProcess> {
  const args = [cliPath, 'worker', '--redis', url, '--tasks', options.tasks ?? remoteTasks, '--threads', String(options.threads ?? 1), ...(options.args ?? [])];
  if (options.queue !== undefined) args.push('--queue', options.queue);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
  const exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as string | null }));
  let errors = '';
  child.stderr!.on('data', (data: Buffer) => {
    errors += data.toString();
  });
  const banner = await waitForLine(child, /^ {2}queue \S+ on/m).catch((error: unknown) => {
    throw new Error(`multicore worker did not start: ${errors}`, { cause: error });
  });
  const queue = /queue (\S+) on/.exec(banner)![1]!;
  return { child, pid: child.pid!, banner, queue, exited };
}

/** Stops a worker we started, by its pid, and waits for its exit. */
export async function stopWorker(worker: WorkerProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<{ code: number | null; signal: string | null }> {
  if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill(signal);
  return worker.exited;
}

/** Resolves with everything printed so far once stdout matches; rejects if the process exits first. */
function waitForLine(child: ChildProcess, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (data: Buffer) => {
      output += data.toString();
      if (pattern.test(output)) {
        child.stdout!.off('data', onData);
        child.off('exit', onExit);
        // Keep draining stdout so that the child never blocks on a full pipe.
        child.stdout!.resume();
        resolve(output);
      }
    };
    const onExit = (code: number | null) => reject(new Error(`${child.spawnfile} exited (code ${code}) before printing ${pattern}: ${output}`));
    child.stdout!.on('data', onData);
    child.once('exit', onExit);
  });
}

export interface ListeningQueue {
  queue: Queue;
  events: QueueEvents;
  close(): Promise<void>;
}

/**
 * A BullMQ queue with its events read from the stream's current end, for tests that write jobs
 * straight into Redis and await them with `job.waitUntilFinished(events)`. A QueueEvents left at
 * its default start ('$') listens only once its first XREAD reaches the server, which
 * `waitUntilReady()` does not wait for: on a loaded machine a job can finish before that, and its
 * wait never ends.
 */
export async function listeningQueue(name: string, port: number): Promise<ListeningQueue> {
  const connection = { host: '127.0.0.1', port };
  const queue = new Queue(name, { connection });
  const client = (await queue.backend.client) as unknown as Redis; // BullMQ types it as its own narrow client
  const [last] = await client.xrevrange(queue.keys.events!, '+', '-', 'COUNT', 1);
  const events = new QueueEvents(name, { connection, lastEventId: last?.[0] ?? '0-0' });
  await events.waitUntilReady();
  return {
    queue,
    events,
    async close() {
      await events.close();
      await queue.close();
    },
  };
}
