/**
 * The Pool method suite, run over every backend that runs inline functions and module tasks
 * alike: by methods.test.ts for threads and processes, by memory-backend.test.ts in memory.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { task, type ModuleTask } from 'multicore';
import { fixture, waitFor, withPool, type BackendName } from '../helpers.js';
import { square, add } from '../fixtures/tasks.mjs';
import { norm } from '../fixtures/tasks-ts.js';
import { reasons, unsupportedOn } from '../runtimes/support.js';

const squareRef: ModuleTask<(x: number) => number> = { module: fixture('tasks.mjs'), name: 'square' };
const throwCustomRef: ModuleTask<(field: string) => never> = { module: fixture('tasks.mjs'), name: 'throwCustom' };
const sleepThenRef: ModuleTask<(ms: number, value?: string) => string> = { module: fixture('tasks.mjs'), name: 'sleepThen' };
const items = Array.from({ length: 100 }, (_, i) => i);
const expected = items.map((x) => x * x);

/** Registers the suite for `backend`; `label` names it in the test titles. */
export function describePoolMethods(backend: BackendName, label: string = backend): void {
  describe(`the three ways to name a task (${label})`, () => {
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

    it('a task exported under another name is found by its task name', { skip: unsupportedOn({ bun: reasons.selfImport }, `a task exported under another name (${label})`) }, async () => {
      const greet = task(import.meta, function greetingTask(name: string) {
        return `hi ${name}`;
      });
      assert.equal(greet('me'), 'hi me');
      await withPool({ workers: 1, backend }, async (pool) => {
        // This module exports no such task, so the worker reports the missing export clearly.
        await assert.rejects(pool.apply(greet, ['you']), { code: 'ERR_TASK_NOT_FOUND' });
      });
    });
  });

  describe(`map, starmap, imap, imapUnordered, apply (${label})`, () => {
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

    it('inline functions transformed by tsx (with __name helpers) still run', { skip: unsupportedOn({ bun: reasons.tsxOnly, deno: reasons.tsxOnly }, `inline functions transformed by tsx (${label})`) }, async () => {
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

  describe(`mapSettled, errors and cancellation (${label})`, () => {
    it('map rejects with the task\'s own error, rebuilt; mapSettled reports every item', async () => {
      await withPool({ workers: 2, backend }, async (pool) => {
        await assert.rejects(pool.map(throwCustomRef, ['email']), { name: 'ValidationError', message: 'bad email', field: 'email' });
        const outcomes = await pool.mapSettled((x: number) => {
          if (x % 2 === 1) throw new RangeError(`odd ${x}`);
          return x * 10;
        }, [0, 1, 2, 3], { chunksize: 1 });
        assert.deepEqual(outcomes.map((outcome) => outcome.status), ['fulfilled', 'rejected', 'fulfilled', 'rejected']);
        assert.deepEqual(outcomes[2], { status: 'fulfilled', value: 20 });
        const reason = (outcomes[3] as PromiseRejectedResult).reason as Error;
        assert.ok(reason instanceof RangeError);
        assert.equal(reason.message, 'odd 3');
      });
    });

    it('an AbortSignal ends a running apply and a map with its reason', async () => {
      await withPool({ workers: 2, backend }, async (pool) => {
        const controller = new AbortController();
        const stop = new Error('stop');
        const running = pool.apply(sleepThenRef, [1_500, 'too late'], { signal: controller.signal });
        await waitFor(() => pool.stats.busy === 1);
        controller.abort(stop);
        await assert.rejects(running, (error) => error === stop);
        const mapping = new AbortController();
        const mapped = pool.map(sleepThenRef, [1_500], { signal: mapping.signal });
        await waitFor(() => pool.stats.busy === 1);
        mapping.abort(stop);
        await assert.rejects(mapped, (error) => error === stop);
        assert.equal(await pool.apply(add, [1, 1]), 2, 'the pool still works');
      });
    });
  });
}
