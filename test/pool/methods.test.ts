import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { task, type ModuleTask } from 'multicore';
import { backends, fixture, withPool } from '../helpers.js';
import { square, add } from '../fixtures/tasks.mjs';
import { norm } from '../fixtures/tasks-ts.js';
import { reasons, unsupportedOn } from '../runtimes/support.js';

const squareRef: ModuleTask<(x: number) => number> = { module: fixture('tasks.mjs'), name: 'square' };
const items = Array.from({ length: 100 }, (_, i) => i);
const expected = items.map((x) => x * x);

for (const backend of backends) {
  describe(`the three ways to name a task (${backend})`, () => {
    it('task(import.meta, fn) is still callable locally and runs in workers', async () => {
      assert.equal(square(7), 49);
      await withPool({ workers: 2, backend }, async (pool) => assert.deepEqual(await pool.map(square, items), expected));
    });

    it('inline functions are compiled in the workers', async () => {
      await withPool({ workers: 2, backend }, async (pool) => assert.deepEqual(await pool.map((x: number) => x * x, items), expected));
    });

    it('module references accept URLs, file URL strings and paths', async () => {
      await withPool({ workers: 2, backend }, async (pool) => {
        assert.deepEqual(await pool.map(squareRef, items), expected);
        assert.deepEqual(await pool.map({ module: fixture('tasks.mjs').href, name: 'square' }, [3]), [9]);
        assert.deepEqual(await pool.map({ module: fixture('tasks.mjs').pathname, name: 'square' }, [4]), [16]);
      });
    });

    it('TypeScript task modules load in workers when the program runs under tsx', async () => {
      await withPool({ workers: 2, backend }, async (pool) => assert.deepEqual(await pool.map(norm, [{ x: 3, y: 4 }, { x: 6, y: 8 }]), [5, 10]));
    });

    it('a task exported under another name is found by its task name', { skip: unsupportedOn({ bun: reasons.selfImport }, `a task exported under another name (${backend})`) }, async () => {
      const greet = task(import.meta, function greetingTask(name: string) {
        return `hi ${name}`;
      });
      assert.equal(greet('me'), 'hi me');
      await withPool({ workers: 1, backend }, async (pool) => {
        // This test module exports nothing, so the worker reports the missing export clearly.
        await assert.rejects(pool.apply(greet, ['you']), { code: 'ERR_TASK_NOT_FOUND' });
      });
    });
  });

  describe(`map, starmap, imap, imapUnordered, apply (${backend})`, () => {
    it('map keeps input order for arrays, sets, iterables and async iterables', async () => {
      await withPool({ workers: 2, backend }, async (pool) => {
        function* generate() {
          yield* items;
        }
        async function* generateAsync() {
          for (const item of items) yield item;
        }
        assert.deepEqual(await pool.map(square, new Set(items)), expected);
        assert.deepEqual(await pool.map(square, generate()), expected);
        assert.deepEqual(await pool.map(square, generateAsync()), expected);
        assert.deepEqual(await pool.map(square, []), []);
      });
    });

    it('map honours chunksize and reports progress up to the total', async () => {
      await withPool({ workers: 2, backend }, async (pool) => {
        const seen: { done: number; total: number | undefined }[] = [];
        const results = await pool.map(square, items, { chunksize: 7, onProgress: (progress) => seen.push(progress) });
        assert.deepEqual(results, expected);
        assert.equal(seen.length, Math.ceil(items.length / 7), 'one report per chunk');
        assert.deepEqual(seen.at(-1), { done: items.length, total: items.length });
        assert.ok(seen.every((progress, i) => i === 0 || progress.done > seen[i - 1]!.done), 'done only grows');
      });
    });

    it('starmap spreads argument lists', async () => {
      await withPool({ workers: 2, backend }, async (pool) => {
        assert.deepEqual(await pool.starmap(add, [[1, 2], [3, 4], [5, 6]]), [3, 7, 11]);
        assert.deepEqual(await pool.starmap((a: string, b: number) => a.repeat(b), [['ab', 2]]), ['abab']);
        await assert.rejects(pool.starmap(add, [5 as unknown as [number, number]]), /item 0 must be an array of arguments/);
      });
    });

    it('imap yields in input order, imapUnordered yields every result once', async () => {
      await withPool({ workers: 2, backend }, async (pool) => {
        const ordered: number[] = [];
        for await (const value of pool.imap(square, items)) ordered.push(value);
        assert.deepEqual(ordered, expected);
        const unordered: number[] = [];
        for await (const value of pool.imapUnordered(square, items, { chunksize: 3 })) unordered.push(value);
        assert.deepEqual(unordered.sort((a, b) => a - b), expected);
      });
    });

    it('apply runs one call, with no arguments or several', async () => {
      await withPool({ workers: 2, backend }, async (pool) => {
        assert.equal(await pool.apply(add, [2, 3]), 5);
        assert.equal(await pool.apply(() => 'no arguments'), 'no arguments');
        assert.equal(await pool.apply(squareRef, [12]), 144);
      });
    });

    it('async inline functions may import modules inside their body', async () => {
      await withPool({ workers: 1, backend }, async (pool) => {
        const result = await pool.apply(async (text: string) => {
          const { createHash } = await import('node:crypto');
          return createHash('sha256').update(text).digest('hex').slice(0, 8);
        }, ['multicore']);
        const { createHash } = await import('node:crypto');
        assert.equal(result, createHash('sha256').update('multicore').digest('hex').slice(0, 8));
      });
    });

    it('inline functions transformed by tsx (with __name helpers) still run', { skip: unsupportedOn({ bun: reasons.tsxOnly, deno: reasons.tsxOnly }, `inline functions transformed by tsx (${backend})`) }, async () => {
      const fn = (n: number) => {
        function fib(k: number): number {
          return k < 2 ? k : fib(k - 1) + fib(k - 2);
        }
        const helper = function named() {
          return fib(n);
        };
        return `${helper.name}:${helper()}`;
      };
      assert.match(fn.toString(), /__name\(/, 'this suite runs under tsx, which inserts __name calls');
      await withPool({ workers: 1, backend }, async (pool) => {
        assert.equal(await pool.apply(fn, [10]), 'named:55');
      });
    });

    it('stats count workers, completed and failed items', async () => {
      await withPool({ workers: 2, backend }, async (pool) => {
        await pool.map(square, items);
        await assert.rejects(pool.apply({ module: fixture('tasks.mjs'), name: 'throwString' }));
        const { workers, busy, queued, completed, failed, runTime } = pool.stats;
        assert.deepEqual({ workers, busy, queued, completed, failed }, { workers: 2, busy: 0, queued: 0, completed: items.length, failed: 1 });
        assert.ok(runTime.count >= 2, 'the map and the apply ran chunks');
      });
    });
  });
}
