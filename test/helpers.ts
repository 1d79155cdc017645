/** Shared by the test files: fixtures, and pools that are always ended by the test itself. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Pool, type PoolOptions } from 'multicore';
import { processTable } from './process-table.js';

/** Every local backend: the Pool suite runs once per backend (`for (const backend of backends) describe(...)`). */
export const backends = ['thread', 'process'] as const;
export type BackendName = (typeof backends)[number];

export const fixtures = new URL('./fixtures/', import.meta.url);

export function fixture(name: string): URL {
  return new URL(name, fixtures);
}

/** Runs `body` with a fresh pool, then closes it and checks that every worker exited. */
export async function withPool<T>(options: number | PoolOptions, body: (pool: Pool) => Promise<T>): Promise<T> {
  const pool = new Pool(options);
  try {
    return await body(pool);
  } finally {
    await pool.terminate();
    assert.equal(pool.stats.workers, 0, 'every worker exited');
  }
}

/** A shared Int32Array counter/flag that tasks can update and tests can read. */
export function sharedInt32(length = 1): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4 * length));
}

/** Polls a condition that becomes true through the pool's own progress (no fixed sleeps). */
export async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

/** A fresh file path for markAndEcho (fixtures/tasks.mjs). */
export function markFile(): string {
  return join(mkdtempSync(join(tmpdir(), 'multicore-test-')), 'marks');
}

/** The values markAndEcho wrote, in the order the tasks ran. */
export function readMarks(path: string): string[] {
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean) : [];
}

/** Threads of this process, from /proc (Linux). */
export function threadCount(): number {
  const status = readFileSync('/proc/self/status', 'utf8');
  return Number(/^Threads:\s+(\d+)/m.exec(status)![1]);
}

/** Live (not zombie) and zombie child processes of this process, from the OS process table (Linux). */
export function childProcesses(): { live: number[]; zombies: number[] } {
  const children = processTable().filter((entry) => entry.ppid === process.pid);
  return { live: children.filter((child) => child.state !== 'Z').map((child) => child.pid), zombies: children.filter((child) => child.state === 'Z').map((child) => child.pid) };
}

/** The built CLI, as `npx multicore` runs it: the file package.json names as its bin. */
export const cliPath = fileURLToPath(new URL(`../${(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { bin: { multicore: string } }).bin.multicore}`, import.meta.url));

/** Where the CLI runs: `env` is laid over process.env. */
export interface CliOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * Runs `multicore ...args` (the built CLI, with this Node) to its end; resolves to its exit code
 * and output, whatever the code. A last argument `{ cwd, env }` says where and with what.
 */
export async function multicore(...args: string[] | [...string[], CliOptions]): Promise<{ code: number; stdout: string; stderr: string }> {
  const last = args.at(-1);
  const options: CliOptions = typeof last === 'object' ? last : {};
  const words = (args as (string | CliOptions)[]).filter((arg): arg is string => typeof arg === 'string');
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [cliPath, ...words], { cwd: options.cwd, env: { ...process.env, ...options.env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
}

/** Like waitFor, but fails with `what` instead of hanging when the condition never comes true. */
export async function eventually(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const giveUpAt = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > giveUpAt) throw new Error(`Gave up after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}
