import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emit, NotInTaskError } from 'multicore';
import { backends, fixture, withPool } from '../helpers.js';

const tasks = fixture('serving-tasks.mjs');
const emitSteps = { module: tasks, name: 'emitSteps' };
const emitUncloneable = { module: tasks, name: 'emitUncloneable' };
const topLevelEmitOutcome = { module: tasks, name: 'topLevelEmitOutcome' };

type Step = { value: string; step: number };

for (const backend of backends) {
  describe(`emit() and onEmit (${backend})`, () => {
    it('starmap: every item emits in order, each tagged with its own index in the input', async () => {
      await withPool({ workers: 2, backend }, async (pool) => {
        const heard: { data: Step; index: number }[] = [];
        const items = ['a', 'b', 'c', 'd', 'e'].map((value): [string, number] => [value, 3]);
        const results = await pool.starmap(emitSteps, items, { chunksize: 2, onEmit: (data, { index }) => heard.push({ data: data as Step, index }) });
        assert.deepEqual(results, ['a', 'b', 'c', 'd', 'e']);
        assert.equal(heard.length, 15);
        items.forEach(([value], index) => {
          const mine = heard.filter((entry) => entry.index === index);
          assert.deepEqual(
            mine.map((entry) => entry.data),
            [0, 1, 2].map((step) => ({ value, step })),
            `item ${index}: its own emissions, in emission order`,
          );
        });
      });
    });

    it('apply: index 0; the emitted values all arrive before the call resolves', async () => {
      await withPool({ workers: 1, backend }, async (pool) => {
        const heard: unknown[] = [];
        assert.equal(await pool.apply(emitSteps, ['x', 4], { onEmit: (data, info) => heard.push([data, info.index]) }), 'x');
        assert.deepEqual(heard, [0, 1, 2, 3].map((step) => [{ value: 'x', step }, 0]));
      });
    });

    it('starmapSettled: onEmit works with the settled methods too', async () => {
      await withPool({ workers: 2, backend }, async (pool) => {
        const heard: number[] = [];
        const outcomes = await pool.starmapSettled(emitSteps, [['p', 1], ['q', 2]], { onEmit: (_, { index }) => heard.push(index) });
        assert.deepEqual(outcomes.map((outcome) => outcome.status), ['fulfilled', 'fulfilled']);
        assert.deepEqual(heard.sort(), [0, 1, 1]);
      });
    });

    it('a call without onEmit ignores what its task emits', async () => {
      await withPool({ workers: 1, backend }, async (pool) => {
        assert.equal(await pool.apply(emitSteps, ['quiet', 3]), 'quiet');
      });
    });

    it('a listener that throws fails the call with its error', async () => {
      await withPool({ workers: 1, backend }, async (pool) => {
        const boom = new Error('listener broke');
        await assert.rejects(pool.apply(emitSteps, ['x', 3], { onEmit: () => { throw boom; } }), boom);
        await assert.rejects(pool.starmap(emitSteps, [['y', 3], ['z', 3]], { onEmit: () => { throw boom; } }), boom);
        assert.equal(await pool.apply(emitSteps, ['after', 1]), 'after', 'the pool goes on');
      });
    });

    it('data that cannot be copied throws ERR_TASK_SERIALIZATION inside the task, naming the path', async () => {
      await withPool({ workers: 1, backend }, async (pool) => {
        const outcome = await pool.apply(emitUncloneable, [], { onEmit: () => assert.fail('nothing can arrive') });
        assert.match(outcome as string, /^ERR_TASK_SERIALIZATION: emit\(data\) could not send data to the caller: data\.callback is a function/);
      });
    });

    it("emit() at a task module's top level, in a worker but outside a task, throws ERR_NOT_IN_TASK", async () => {
      await withPool({ workers: 1, backend }, async (pool) => {
        assert.equal(await pool.apply(topLevelEmitOutcome, [], { onEmit: () => {} }), 'ERR_NOT_IN_TASK');
      });
    });

    it('onEmit must be a function', async () => {
      await withPool({ workers: 1, backend }, async (pool) => {
        await assert.rejects(pool.apply(emitSteps, ['x', 1], { onEmit: 'log' as never }), { name: 'TypeError', message: /onEmit must be a function/ });
        await assert.rejects(pool.map((x: number) => x, [1], { onEmit: 1 as never }), { name: 'TypeError', message: /onEmit must be a function/ });
      });
    });
  });
}

describe('emit() outside a task', () => {
  it('throws ERR_NOT_IN_TASK on the main thread', () => {
    assert.throws(() => emit('hello'), (error: unknown) => {
      assert.ok(error instanceof NotInTaskError);
      assert.equal(error.code, 'ERR_NOT_IN_TASK');
      assert.match(error.message, /emit\(\) works only inside a task that a pool runs/);
      return true;
    });
  });
});
