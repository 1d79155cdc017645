import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { Pool, usableCores } from 'multicore';
import { backends, withPool } from '../helpers.js';
import { reasons, unsupportedOn } from '../runtimes/support.js';

for (const backend of backends) {
  describe(`options are validated up front (${backend})`, () => {
    it('new Pool() rejects a bad worker count with the option name and what was expected', () => {
      assert.throws(() => new Pool({ workers: 0, backend }), { name: 'RangeError', message: 'workers must be a positive integer, got 0' });
      assert.throws(() => new Pool(1.5), { name: 'RangeError', message: /workers must be a positive integer/ });
      assert.throws(() => new Pool('3' as never), { name: 'TypeError', message: /workers must be a positive integer or options an object, got the string "3"/ });
      assert.throws(() => new Pool({ workers: '2' as never }), { name: 'TypeError', message: 'workers must be a positive integer, got the string "2"' });
      assert.throws(() => new Pool({ wrokers: 2 } as never), { name: 'TypeError', message: /Unknown option 'wrokers'.*workers/ });
      assert.throws(() => new Pool({ backend: 'gpu' as never }), { name: 'RangeError', message: /backend must be one of 'thread', 'process', 'redis', got 'gpu'/ });
      assert.throws(() => new Pool({ resourceLimits: { maxOldGenerationSizeMb: -1 } }), { name: 'RangeError', message: /resourceLimits\.maxOldGenerationSizeMb/ });
    });

    it('per-call options are checked before any work starts', async () => {
      await withPool({ workers: 1, backend }, async (pool) => {
        await assert.rejects(pool.map((x: number) => x, [1], { chunksize: -1 }), { name: 'RangeError', message: 'chunksize must be a positive integer, got -1' });
        await assert.rejects(pool.map((x: number) => x, [1], { chunksize: '5' as never }), { name: 'TypeError', message: /chunksize/ });
        await assert.rejects(pool.map((x: number) => x, [1], { signal: {} as never }), { name: 'TypeError', message: /signal must be an AbortSignal/ });
        await assert.rejects(pool.map((x: number) => x, [1], { onProgress: 1 as never }), { name: 'TypeError', message: /onProgress must be a function/ });
        await assert.rejects(pool.map((x: number) => x, 5 as never), { name: 'TypeError', message: /items must be an array, an iterable or an async iterable/ });
        await assert.rejects(pool.apply((x: number) => x, 5 as never), { name: 'TypeError', message: /args must be an array/ });
        await assert.rejects(pool.apply(() => 1, [], { timeot: 5 } as never), { name: 'TypeError', message: /Unknown option 'timeot'/ });
      });
    });

    it('workers defaults to the CPUs this process may use', async () => {
      await withPool({ backend }, async (pool) => {
        assert.equal(pool.workers, usableCores());
        assert.equal(pool.stats.workers, usableCores());
      });
    });
  });
}

describe('default worker count', () => {
  const pinned = 'a process pinned to one CPU gets one worker by default';
  it(pinned, { skip: (!existsSync('/usr/bin/taskset') && 'needs taskset (util-linux)') || unsupportedOn({ bun: reasons.nodeCommandLine, deno: reasons.nodeCommandLine }, pinned) }, async () => {
    const script = "import('multicore').then(({ Pool }) => { const pool = new Pool(); console.log(pool.workers); return pool.terminate(); })";
    const { stdout } = await promisify(execFile)('/usr/bin/taskset', ['-c', '0', process.execPath, '--input-type=module', '-e', script], { timeout: 30_000 });
    assert.equal(stdout.trim(), '1');
  });
});

describe('options that belong to another backend', () => {
  it('a Redis pool refuses the options of local workers and says where they go', () => {
    const redis = 'redis://127.0.0.1:1';
    for (const option of [{ initializer: () => 1 }, { maxTasksPerWorker: 5 }, { resourceLimits: { maxOldGenerationSizeMb: 64 } }]) {
      // @ts-expect-error a type error too (local-worker option); here the run-time check is tested
      assert.throws(() => new Pool({ backend: 'redis', redis, ...option }), { name: 'TypeError', message: /applies to local workers.*multicore worker/ });
    }
    // @ts-expect-error a type error too (process-only option); here the run-time check is tested
    assert.throws(() => new Pool({ backend: 'redis', redis, execArgv: [] }), { name: 'TypeError', message: /execArgv applies to child processes/ });
    // @ts-expect-error a type error too (Redis-only option); here the run-time check is tested
    assert.throws(() => new Pool({ backend: 'thread', queue: 'jobs' }), { name: 'TypeError', message: /'queue' applies only with backend: 'redis'/ });
  });
});
