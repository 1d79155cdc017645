import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Pool } from 'multicore';
import { backends, fixture, withPool } from '../helpers.js';

const tasks = fixture('tasks.mjs');

for (const backend of backends) {
  describe(`bad input is refused with a code and what to do (${backend})`, () => {
    it('non-cloneable arguments and results: ERR_TASK_SERIALIZATION naming the value', async () => {
      await withPool({ workers: 1, backend }, async (pool) => {
        await assert.rejects(pool.apply((x: unknown) => x, [{ socket: Symbol('s') }]), {
          code: 'ERR_TASK_SERIALIZATION',
          message: /Item 0 cannot be sent to a worker: arguments\[0\]\.socket is a symbol.*Pass plain data/,
        });
        await assert.rejects(pool.apply(() => ({ make: () => 1 })), {
          code: 'ERR_TASK_SERIALIZATION',
          message: /result of item 0 cannot be sent back.*result\.make is a function.*Return plain data/,
        });
        const settled = await pool.mapSettled(async (x: number) => (x === 1 ? Promise.resolve(() => x) : x), [0, 1, 2], { chunksize: 3 });
        assert.deepEqual(settled.map((o) => o.status), ['fulfilled', 'rejected', 'fulfilled'], 'only the uncloneable result fails');
      });
    });

    it('unknown task names, missing and failing modules: ERR_TASK_NOT_FOUND and ERR_TASK_LOAD', async () => {
      await withPool({ workers: 1, backend }, async (pool) => {
        await assert.rejects(pool.apply({ module: tasks, name: 'sqaure' }), { code: 'ERR_TASK_NOT_FOUND', message: /No task function 'sqaure'.*It exports: .*square.*Export the function/ });
        await assert.rejects(pool.apply({ module: fixture('nowhere.mjs'), name: 'x' }), { code: 'ERR_TASK_LOAD', message: /could not import the task module .*nowhere\.mjs: (Cannot find module|Module not found)/ });
        await assert.rejects(pool.apply({ module: fixture('broken-import.mjs'), name: 'x' }), { code: 'ERR_TASK_LOAD', message: /broken-import\.mjs: this module cannot load/ });
        await assert.rejects(pool.apply({ module: tasks, name: '' }), { name: 'TypeError', message: /fn\.name must be the non-empty name of an exported function/ });
        assert.equal(await pool.apply({ module: tasks, name: 'square' }, [3]), 9, 'the pool stays usable');
      });
    });

    it('invalid fault-handling options: TypeError or RangeError naming the option', () => {
      assert.throws(() => new Pool({ backend, taskTimeout: 0 }), { name: 'RangeError', message: 'taskTimeout must be a positive number of milliseconds, got 0' });
      assert.throws(() => new Pool({ backend, taskTimeout: '5s' as never }), { name: 'TypeError', message: /taskTimeout must be a positive number of milliseconds, got the string "5s"/ });
      assert.throws(() => new Pool({ backend, maxTasksPerWorker: 2.5 }), { name: 'RangeError', message: /maxTasksPerWorker must be a positive integer/ });
      assert.throws(() => new Pool({ backend, initializer: 5 as never }), { name: 'TypeError', message: /initializer must be a function, a task\(import\.meta, fn\), or a module reference/ });
      assert.throws(() => new Pool({ backend, initArgs: [1] }), { name: 'TypeError', message: /initArgs is given without an initializer/ });
      assert.throws(() => new Pool({ backend, initializer: () => {}, initArgs: 'x' as never }), { name: 'TypeError', message: /initArgs must be an array/ });
      // @ts-expect-error a function in initArgs is a type error too; here the run-time check is tested
      assert.throws(() => new Pool({ backend, initializer: () => {}, initArgs: [() => 1] }), { name: 'TypeError', message: /initArgs must be plain data.*initArgs\[0\] is a function/ });
    });

    it('invalid per-call timeout: RangeError naming it', async () => {
      await withPool({ workers: 1, backend }, async (pool) => {
        await assert.rejects(pool.apply(() => 1, [], { timeout: -5 }), { name: 'RangeError', message: 'timeout must be a positive number of milliseconds, got -5' });
        await assert.rejects(pool.map((x: number) => x, [1], { timeout: Number.NaN }), { name: 'RangeError', message: /timeout must be a positive number/ });
      });
    });
  });
}

describe('options that only fit one backend say which', () => {
  it('env, cwd and execArgv need backend: process', () => {
    // @ts-expect-error a type error too (process-only option); here the run-time check is tested
    assert.throws(() => new Pool({ env: {} }), { name: 'TypeError', message: "env applies to child processes: use it with backend: 'process'" });
    // @ts-expect-error a type error too (process-only option); here the run-time check is tested
    assert.throws(() => new Pool({ cwd: '/tmp' }), { name: 'TypeError', message: /cwd applies to child processes/ });
    // @ts-expect-error a type error too (process-only option); here the run-time check is tested
    assert.throws(() => new Pool({ execArgv: [] }), { name: 'TypeError', message: /execArgv applies to child processes/ });
  });

  it('shared memory cannot reach a child process: ERR_SHARED_MEMORY_BACKEND before anything is sent', async () => {
    await withPool({ workers: 1, backend: 'process' }, async (pool) => {
      const shared = new Int32Array(new SharedArrayBuffer(8));
      await assert.rejects(pool.apply((counter: Int32Array) => counter.length, [shared]), { code: 'ERR_SHARED_MEMORY_BACKEND', message: /process workers cannot share memory/ });
      assert.equal(await pool.apply((counter: Int32Array) => counter.length, [new Int32Array(2)]), 2, 'plain typed arrays are copied');
    });
  });

  it('process options are checked', () => {
    assert.throws(() => new Pool({ backend: 'process', env: { A: 1 as never } }), { name: 'TypeError', message: 'env.A must be a string, got number 1' });
    assert.throws(() => new Pool({ backend: 'process', cwd: '' }), { name: 'TypeError', message: /cwd must be the path of a directory/ });
    assert.throws(() => new Pool({ backend: 'process', execArgv: ['--x', 2 as never] }), { name: 'TypeError', message: /execArgv must be an array of strings/ });
    assert.throws(() => new Pool({ backend: 'process', resourceLimits: { stackSizeMb: 4 } }), {
      name: 'RangeError',
      message: /resourceLimits\.stackSizeMb applies to worker threads only; for child processes pass the V8 flag in execArgv/,
    });
  });
});
