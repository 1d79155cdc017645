/**
 * `multicore/task` (src/task-side.ts): what a task module needs, from the files every worker has
 * loaded already, so that a worker importing it loads no more of multicore. Read from the static
 * imports of the bundle, not timed.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as whole from 'multicore';
import * as taskSide from 'multicore/task';
import { staticModuleClosure } from '../../bench/startup/module-graph.js';
import { fixture, withPool } from '../helpers.js';

const bundle = fileURLToPath(new URL('../../dist/bundle/', import.meta.url));
const relative = (files: string[]) => files.map((file) => file.slice(bundle.length)).sort();

describe('multicore/task', () => {
  it('loads nothing beyond what a thread worker and a process worker have loaded already', () => {
    const own = relative(staticModuleClosure(join(bundle, 'task-side.js'))).filter((file) => file !== 'task-side.js');
    for (const entry of ['worker.js', 'child.js']) {
      const worker = new Set(relative(staticModuleClosure(join(bundle, entry))));
      assert.deepEqual(own.filter((file) => !worker.has(file)), [], `files ${entry} does not load`);
    }
    // And not the pool: the core chunk that `import 'multicore'` loads besides the worker's.
    const index = relative(staticModuleClosure(join(bundle, 'index.js')));
    assert.ok(index.length > own.length + 1, `index.js loads more files (${index.join(', ')}) than multicore/task (${own.join(', ')})`);
  });

  it("exports the package's own task, isWorker, emit, taskSignal and transfer, the very same functions", () => {
    assert.deepEqual(Object.keys(taskSide).sort(), ['emit', 'isWorker', 'task', 'taskSignal', 'transfer']);
    for (const name of Object.keys(taskSide) as (keyof typeof taskSide)[]) assert.equal(taskSide[name], whole[name], name);
  });

  for (const backend of ['thread', 'process'] as const) {
    it(`runs a task module that imports only multicore/task, on a ${backend} pool`, async () => {
      const { where } = (await import(fixture('slim-tasks.mjs').href)) as { where: (x: number) => { x: number; inWorker: boolean } };
      await withPool({ workers: 2, backend }, async (pool) => {
        const seen: unknown[] = [];
        const results = await pool.map(where, [1, 2, 3], { onEmit: (data) => seen.push(data) });
        assert.deepEqual(results, [1, 2, 3].map((x) => ({ x: x * 2, inWorker: true })));
        assert.deepEqual(seen.sort(), ['seen 1', 'seen 2', 'seen 3']);
      });
    });
  }
});
