/** Shared by the test files: fixtures, and pools that are always ended by the test itself. */
import assert from 'node:assert/strict';
import { Pool, type PoolOptions } from 'multicore';

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
