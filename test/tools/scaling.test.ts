import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scaling, usableCores, type ScalingProgress } from '../../dist/index.js';
import { square } from '../fixtures/tasks.mjs';

const work = new URL('../fixtures/scale-work.mjs', import.meta.url).href;

test('scaling() measures every worker count (1 added), reports each run and calls onProgress after each', async () => {
  const progress: ScalingProgress[] = [];
  const report = await scaling(square, [1, 2, 3, 4, 5, 6, 7, 8], { workers: [2], repeat: 2, onProgress: (step) => progress.push(step) });
  assert.equal(report.name, 'square');
  assert.equal(report.items, 8);
  assert.equal(report.usableCores, usableCores());
  assert.deepEqual(report.points.map((point) => point.workers), [1, 2]);
  for (const point of report.points) {
    assert.equal(point.runs.length, 2);
    assert.equal(point.seconds, Math.min(...point.runs));
    assert.ok(point.seconds > 0);
    assert.equal(point.speedup, report.points[0]!.seconds / point.seconds);
    assert.equal(point.efficiency, point.speedup / point.workers);
  }
  assert.equal(report.points[0]!.speedup, 1);
  assert.equal(report.points[0]!.karpFlatt, null);
  assert.equal(typeof report.points[1]!.karpFlatt, 'number');
  assert.deepEqual(progress, [
    { done: 1, total: 4, workers: 1 },
    { done: 2, total: 4, workers: 1 },
    { done: 3, total: 4, workers: 2 },
    { done: 4, total: 4, workers: 2 },
  ]);
});

test('scaling() takes { module, name } tasks and inline functions, and passes the backend to the Pool', async () => {
  const byReference = await scaling({ module: work, name: 'spinBriefly' }, [1, 2, 3], { workers: [1, 3], repeat: 1, backend: 'thread' });
  assert.equal(byReference.name, 'spinBriefly');
  assert.deepEqual(byReference.points.map((point) => point.workers), [1, 3]);

  const inline = await scaling((x: number) => x * 2, new Set([1, 2]), { workers: [1], repeat: 1, name: 'double' });
  assert.equal(inline.name, 'double');
  assert.equal(inline.items, 2);
  assert.equal(inline.amdahl, null, 'one worker alone fits nothing');

  await assert.rejects(scaling(square, [1], { workers: [1], backend: 'fibers' as 'thread' }), (error: Error) => {
    return error instanceof RangeError && /backend/.test(error.message) && /fibers/.test(error.message);
  });
});

test("scaling() rejects with the task's own error and stops its workers", async () => {
  await assert.rejects(scaling({ module: work, name: 'failOnThree' }, [1, 2, 3, 4], { workers: [2], repeat: 1 }), (error: Error) => {
    return error instanceof RangeError && error.message === 'item 3 is bad';
  });
});

test('scaling() validates its arguments, naming what was expected', async () => {
  const cases: Array<[() => Promise<unknown>, ErrorConstructor, RegExp]> = [
    [() => scaling(square, 5 as unknown as number[]), TypeError, /inputs must be an iterable/],
    [() => scaling(42 as unknown as typeof square, [1]), TypeError, /fn must be a function/],
    [() => scaling(square, []), RangeError, /at least one item/],
    [() => scaling(square, [1], { workers: [] }), TypeError, /options\.workers must be a non-empty array/],
    [() => scaling(square, [1], { workers: [2, 0] }), RangeError, /options\.workers\[\] must be a positive integer, got 0/],
    [() => scaling(square, [1], { workers: [1.5] }), RangeError, /options\.workers\[\]/],
    [() => scaling(square, [1], { repeat: 0 }), RangeError, /options\.repeat must be a positive integer/],
    [() => scaling(square, [1], { name: '' }), TypeError, /options\.name/],
    [() => scaling(square, [1], { onProgress: 'yes' as unknown as () => void }), TypeError, /options\.onProgress must be a function/],
    [() => scaling(square, [1], { backend: 3 as unknown as 'thread' }), TypeError, /options\.backend/],
    [() => scaling(square, [1], { wrokers: [2] } as object), TypeError, /Unknown option 'wrokers'/],
  ];
  for (const [call, type, message] of cases) {
    await assert.rejects(call(), (error: Error) => error instanceof type && message.test(error.message), String(message));
  }
});
