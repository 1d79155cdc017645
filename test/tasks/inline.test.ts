import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TaskCaptureError } from 'multicore';
import { withPool } from '../helpers.js';
import { reasons, unsupportedOn } from '../runtimes/support.js';

describe('inline functions', () => {
  it('may use globals, their parameters, locals, nested functions and destructuring', async () => {
    await withPool(1, async (pool) => {
      const result = await pool.apply(({ values }: { values: number[] }, [scale]: number[]) => {
        const total = values.reduce((sum, value) => sum + value, 0);
        const label = JSON.stringify({ max: Math.max(...values) });
        class Box {
          constructor(readonly value: number) {}
        }
        return `${new Box(total * scale!).value} ${label} ${typeof structuredClone}`;
      }, [{ values: [1, 2, 3] }, [10]]);
      assert.equal(result, '60 {"max":3} function');
    });
  });

  it('accept method shorthand and function declarations', async () => {
    const holder = {
      triple(x: number) {
        return 3 * x;
      },
    };
    function quadruple(x: number) {
      return 4 * x;
    }
    await withPool(1, async (pool) => {
      assert.deepEqual(await pool.map(holder.triple, [1, 2]), [3, 6]);
      assert.deepEqual(await pool.map(quadruple, [1, 2]), [4, 8]);
    });
  });

  it('send accessors and symbol-keyed methods as the functions they are, never their values', async () => {
    const holder = {
      get doubled() {
        return (x: number) => 2 * x;
      },
      [Symbol.for('tripled')](x: number) {
        return 3 * x;
      },
    };
    const getter = Object.getOwnPropertyDescriptor(holder, 'doubled')!.get!;
    await withPool(1, async (pool) => {
      // The getter itself is the task: called with the item, it returns a function, which
      // cannot be cloned back. (Running the getter in the worker would have mapped 1 to 2.)
      const settled = await pool.mapSettled(getter as unknown as (x: number) => number, [1]);
      assert.equal(settled[0]!.status, 'rejected');
      assert.match(String((settled[0] as PromiseRejectedResult).reason), /clone|serializ/i);
      assert.deepEqual(await pool.map(holder[Symbol.for('tripled')]!, [1, 2]), [3, 6]);
    });
  });

  it("refuse an arrow that reads its module's `this`, which a worker cannot have", async () => {
    const readsThis = new Function('return () => typeof this')() as () => string;
    await withPool(1, async (pool) => {
      await assert.rejects(pool.apply(readsThis), (error: TaskCaptureError) => {
        assert.ok(error instanceof TaskCaptureError);
        assert.deepEqual(error.variables, ['this']);
        return true;
      });
      assert.equal(await pool.apply(function own(this: unknown) { return typeof this; }), 'undefined');
      assert.equal(await pool.apply(() => [1].map(function inner(this: unknown) { return typeof this; })[0]), 'undefined');
    });
  });

  it('names every captured variable, and is refused before any worker runs', { skip: unsupportedOn({ bun: reasons.bunConstInlining }, 'inline: names every captured variable') }, async () => {
    const a = 1;
    const b = 2;
    await withPool(1, async (pool) => {
      await assert.rejects(pool.apply(() => a + b), (error: TaskCaptureError) => {
        assert.ok(error instanceof TaskCaptureError);
        assert.deepEqual(error.variables.sort(), ['a', 'b']);
        return true;
      });
      assert.equal(pool.stats.completed + pool.stats.failed, 0, 'nothing was sent');
    });
  });

  it("may use their own arguments object, but not an enclosing function's", async () => {
    function outer(..._ignored: number[]) {
      return () => arguments.length;
    }
    await withPool(1, async (pool) => {
      assert.equal(await pool.apply(function count(..._args: number[]) { return arguments.length; }, [1, 2, 3]), 3);
      await assert.rejects(pool.apply(outer(1, 2)), (error: TaskCaptureError) => {
        assert.ok(error instanceof TaskCaptureError);
        assert.deepEqual(error.variables, ['arguments']);
        return true;
      });
    });
  });

  it('are compiled once per worker: later calls reuse the same function object', async () => {
    await withPool(1, async (pool) => {
      const probe = function probe(): boolean {
        const store = globalThis as unknown as { probeSeen?: WeakSet<object> };
        const seen = (store.probeSeen ??= new WeakSet());
        const first = !seen.has(probe);
        seen.add(probe);
        return first;
      };
      const firsts = [];
      for (let i = 0; i < 3; i++) firsts.push(await pool.apply(probe));
      assert.deepEqual(firsts, [true, false, false]);
    });
  });

  it('name a bound function without the stray "bound " prefix, and native ones by name', async () => {
    await withPool(1, async (pool) => {
      const anonymous = ((x: number) => x).bind(null);
      await assert.rejects(pool.map(anonymous, [1]), { name: 'TypeError', message: /^The function is native or bound, so its source cannot be sent/ });
      function double(x: number) {
        return 2 * x;
      }
      await assert.rejects(pool.map(double.bind(null), [1]), { message: /^The function 'double' is native or bound/ });
      await assert.rejects(pool.map(Math.sqrt, [4]), { message: /^The function 'sqrt' is native or bound/ });
    });
  });
});
