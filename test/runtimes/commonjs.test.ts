import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { task, type NamedTask } from 'multicore';
import { withPool } from '../helpers.js';
import { fixtureScript, otherRuntimes, report, runWith } from './runtimes.js';

const tasksCjs = fixtureScript('cjs/tasks.cjs');

test('a CommonJS task module is found by { module: __filename-style path, name } on both backends', async () => {
  for (const backend of ['thread', 'process'] as const) {
    await withPool({ workers: 1, backend }, async (pool) => {
      assert.deepEqual(await pool.map({ module: tasksCjs, name: 'square' }, [1, 2, 3]), [1, 4, 9]);
      assert.equal(await pool.apply({ module: tasksCjs, name: 'where' }), 'commonjs');
    });
  }
});

test('task(module, fn) takes a CommonJS module object; a wrong first argument says what to pass', async () => {
  const require = createRequire(import.meta.url);
  const { cube } = require(fixtureScript('cjs/named-tasks.cjs')) as { cube: NamedTask<(x: number) => number> };
  await withPool({ workers: 1 }, async (pool) => assert.deepEqual(await pool.map(cube, [2, 3]), [8, 27]));
  assert.throws(() => task({ filename: '' } as never, function f() {}), { name: 'TypeError', message: /import\.meta .*or `module` in a CommonJS module/ });
  assert.throws(() => task(null as never, function f() {}), { name: 'TypeError', message: /import\.meta/ });
});

for (const runtime of ['node', ...otherRuntimes] as const) {
  test(`${runtime}: a CommonJS program requires multicore and runs CommonJS tasks on both backends`, async () => {
    const result = await runWith(runtime, fixtureScript('cjs/main.cjs'));
    assert.equal(result.code, 0, result.stderr);
    const expected = { square: [1, 4, 9], where: 'commonjs', cube: [8, 27], greet: 'hello cjs' };
    assert.deepEqual(report(result), { thread: expected, process: expected });
  });
}
