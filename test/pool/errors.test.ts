import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TaskNonErrorThrowError, type ModuleTask } from 'multicore';
import { backends, fixture, markFile, readMarks, withPool } from '../helpers.js';
import { reasons, unsupportedOn } from '../runtimes/support.js';

const ref = <F extends (...args: any[]) => unknown = (...args: any[]) => unknown>(name: string): ModuleTask<F> => ({ module: fixture('tasks.mjs'), name });

for (const backend of backends) {
  describe(`errors thrown by tasks reach the caller intact (${backend})`, () => {
    it('built-in classes, message, own properties and the cause chain survive', async () => {
      await withPool({ workers: 1, backend }, async (pool) => {
        const error = await pool.apply(ref('throwWithCause')).then(
          () => assert.fail('should reject'),
          (e: unknown) => e as TypeError & { cause: Error & { code: string } },
        );
        assert.ok(error instanceof TypeError);
        assert.equal(error.message, 'could not save');
        assert.ok(error.cause instanceof Error);
        assert.equal(error.cause.message, 'disk full');
        assert.equal(error.cause.code, 'ENOSPC');
      });
    });

    it('custom classes keep their name and fields', async () => {
      await withPool({ workers: 1, backend }, async (pool) => {
        await assert.rejects(pool.apply(ref<(field: string) => never>('throwCustom'), ['email']), (error: Error & { field?: string }) => {
          assert.equal(error.name, 'ValidationError');
          assert.equal(error.message, 'bad email');
          assert.equal(error.field, 'email');
          return true;
        });
      });
    });

    it('the stack shows the worker frames and the caller', async () => {
      await withPool({ workers: 1, backend }, async (pool) => {
        const error = (await pool.apply(ref<(field: string) => never>('throwCustom'), ['x']).catch((e: unknown) => e)) as Error;
        const stack = error.stack ?? '';
        assert.match(stack, /at throwCustom \(.*fixtures\/tasks\.mjs/, 'worker frame');
        assert.match(stack, new RegExp(`<${backend} worker>`));
        assert.match(stack, /errors\.test\.ts/, 'caller frame');
        assert.doesNotMatch(stack, /dist\/backends/, 'no frames of multicore itself');
      });
    });

    it('non-Error throws are wrapped with the value', async () => {
      await withPool({ workers: 1, backend }, async (pool) => {
        await assert.rejects(pool.apply(ref('throwString')), (error: TaskNonErrorThrowError) => {
          assert.ok(error instanceof TaskNonErrorThrowError);
          assert.equal(error.code, 'ERR_TASK_NON_ERROR');
          assert.equal(error.value, 'plain string');
          assert.match(error.message, /plain string/);
          return true;
        });
      });
    });

    it('map rejects with the first failure and starts no more items', async () => {
      await withPool({ workers: 1, backend }, async (pool) => {
        const marks = markFile();
        const inputs = Array.from({ length: 200 }, (_, i) => i);
        await assert.rejects(
          pool.map(
            (i: number) => {
              if (i === 3) throw new RangeError(`item ${i} is bad`);
              return i;
            },
            inputs,
            { chunksize: 1 },
          ),
          { name: 'RangeError', message: 'item 3 is bad' },
        );
        await assert.rejects(
          pool.starmap(ref<(path: string, v: number) => number>('markAndEcho'), inputs.map((i) => [i === 5 ? '' : marks, i] as [string, number]), { chunksize: 1 }),
          { code: 'ENOENT' },
        );
        const ran = readMarks(marks).length;
        assert.ok(ran < inputs.length / 2, `only the items in flight ran (${ran})`);
      });
    });
  });

  describe(`multicore's own errors (${backend})`, () => {
    it('ERR_TASK_CAPTURE names the captured variable', { skip: unsupportedOn({ bun: reasons.bunConstInlining }, `ERR_TASK_CAPTURE names the captured variable (${backend})`) }, async () => {
      await withPool({ workers: 1, backend }, async (pool) => {
        const factor = 3;
        await assert.rejects(pool.map((x: number) => x * factor, [1]), (error: Error & { code: string; variables: string[] }) => {
          assert.equal(error.code, 'ERR_TASK_CAPTURE');
          assert.deepEqual(error.variables, ['factor']);
          assert.match(error.message, /'factor'/);
          assert.match(error.message, /task\(import\.meta, fn\)/);
          assert.match(error.message, /argument/);
          return true;
        });
      });
    });

    it('ERR_TASK_SERIALIZATION names the item and the type, for arguments and results', async () => {
      await withPool({ workers: 1, backend }, async (pool) => {
        await assert.rejects(pool.map((x: unknown) => typeof x, [1, 2, { handler: () => 0 }], { chunksize: 1 }), (error: Error & { code: string; index: number }) => {
          assert.equal(error.code, 'ERR_TASK_SERIALIZATION');
          assert.equal(error.index, 2);
          assert.match(error.message, /Item 2/);
          assert.match(error.message, /item\.handler is a function/);
          return true;
        });
        await assert.rejects(pool.apply(ref('returnFunction')), (error: Error & { code: string }) => {
          assert.equal(error.code, 'ERR_TASK_SERIALIZATION');
          assert.match(error.message, /result\.callback is a function/);
          return true;
        });
        assert.equal(await pool.apply(() => 'still usable'), 'still usable');
      });
    });

    it('ERR_TASK_NOT_FOUND lists what the module exports', async () => {
      await withPool({ workers: 1, backend }, async (pool) => {
        await assert.rejects(pool.apply(ref('noSuchTask')), (error: Error & { code: string }) => {
          assert.equal(error.code, 'ERR_TASK_NOT_FOUND');
          assert.match(error.message, /noSuchTask/);
          assert.match(error.message, /square/);
          return true;
        });
        await assert.rejects(pool.apply(ref('notAFunction')), { code: 'ERR_TASK_NOT_FOUND' });
        await assert.rejects(pool.apply(ref('toString')), { code: 'ERR_TASK_NOT_FOUND' }, 'no prototype lookups');
      });
    });

    it('ERR_TASK_LOAD carries the module and the original error as cause', async () => {
      await withPool({ workers: 1, backend }, async (pool) => {
        await assert.rejects(pool.apply({ module: fixture('broken-import.mjs'), name: 'anything' }), (error: Error & { code: string; cause: Error }) => {
          assert.equal(error.code, 'ERR_TASK_LOAD');
          assert.match(error.message, /broken-import\.mjs/);
          assert.ok(error.cause instanceof RangeError);
          assert.equal(error.cause.message, 'this module cannot load');
          return true;
        });
        await assert.rejects(pool.apply({ module: fixture('does-not-exist.mjs'), name: 'x' }), { code: 'ERR_TASK_LOAD' });
      });
    });

    it('ERR_POOL_IN_WORKER when a task module creates a Pool at its top level', async () => {
      await withPool({ workers: 1, backend }, async (pool) => {
        await assert.rejects(pool.apply({ module: fixture('creates-pool.mjs'), name: 'double' }, [2]), (error: Error & { code: string }) => {
          assert.equal(error.code, 'ERR_POOL_IN_WORKER');
          assert.match(error.message, /creates-pool\.mjs/);
          assert.match(error.message, /Move the tasks into a module of their own/);
          return true;
        });
      });
    });

    it('a function that cannot be sent is refused with a TypeError', async () => {
      await withPool({ workers: 1, backend }, async (pool) => {
        await assert.rejects(pool.map(Math.sqrt, [4]), /native or bound/);
        await assert.rejects(pool.map(42 as never, [4]), TypeError);
      });
    });
  });
}
