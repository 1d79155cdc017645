import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Pool } from 'multicore';
import { runFaultPlan } from '../fixtures/fault-plan.js';
import { backends, childProcesses, markFile, threadCount } from '../helpers.js';
import { reasons, unsupportedOn } from '../runtimes/support.js';

const calls = 2_000;

for (const backend of backends) {
  describe(`fault-injection soak (${backend})`, () => {
    it(`${calls} calls with random exits, kills, throws, hangs and aborts: each settles once, as it should`, { skip: process.platform !== 'linux' && 'reads /proc' }, async () => {
      const threadsBefore = threadCount();
      const childrenBefore = childProcesses().live.length;
      const pool = new Pool({ workers: 2, backend });
      try {
        const report = await runFaultPlan(pool, { calls, seed: 20_26, backend, hangTimeoutMs: 100 });
        assert.deepEqual(report.wrong, [], 'every call got the outcome its fault calls for');
        assert.equal(report.settledTwice, 0, 'every call settled exactly once');
        assert.ok(report.byKind.exit > 0 && report.byKind.hang > 0 && report.byKind.throw > 0 && report.byKind.abortRunning > 0, 'the plan holds each fault');
        if (backend === 'process') assert.ok(report.byKind.sigkill > 0);
        if (backend === 'thread') assert.equal(report.lostWithWorker, 0);
        assert.equal(pool.stats.completed, report.byKind.ok - report.healthyLost, 'stats count each healthy call once');
        assert.deepEqual(await pool.map((x: number) => x + 1, [1, 2, 3, 4], { chunksize: 1 }), [2, 3, 4, 5], 'the pool is usable afterwards');
      } finally {
        await pool.terminate();
      }
      assert.equal(pool.stats.workers, 0);
      if (!unsupportedOn({ bun: reasons.threadCount, deno: reasons.threadCount }, `soak (${backend}): the thread count check`)) {
        assert.equal(threadCount(), threadsBefore, 'no worker thread remains');
      }
      const children = childProcesses();
      assert.equal(children.live.length, childrenBefore, 'no child process remains');
      assert.deepEqual(children.zombies, [], 'every child was reaped');
    });

    const edges = `${calls} calls with faults at the edges of tasks too, the pool closed while they run: each settles once, none runs twice`;
    // Its out-of-memory faults need a heap limit, which Bun refuses, and Deno for threads.
    const heapRefused = unsupportedOn(backend === 'thread' ? { bun: reasons.heapLimitsRefused, deno: reasons.heapLimitsRefused } : { bun: reasons.heapLimitsRefused }, `soak (${backend}): ${edges}`);
    it(edges, { skip: (process.platform !== 'linux' && 'reads /proc') || heapRefused }, async () => {
      const threadsBefore = threadCount();
      const childrenBefore = childProcesses().live.length;
      // A small heap, so that the calls that allocate forever run out of memory soon.
      const pool = new Pool({ workers: 2, backend, resourceLimits: { maxOldGenerationSizeMb: 64 } });
      try {
        const report = await runFaultPlan(pool, { calls, seed: 12, backend, hangTimeoutMs: 100, edges: true, marks: markFile(), close: true });
        assert.deepEqual(report.wrong, [], 'every call got the outcome its fault calls for, and each healthy one ran once');
        assert.equal(report.settledTwice, 0, 'every call settled exactly once');
        for (const kind of ['argumentThrows', 'resultThrows', 'resultExits', 'importExits', 'outOfMemory'] as const) assert.ok(report.byKind[kind] > 0, `the plan holds ${kind}`);
        assert.equal(pool.stats.completed, report.byKind.ok - report.healthyLost, 'stats count each healthy call once');
      } finally {
        await pool.terminate();
      }
      assert.equal(pool.stats.workers, 0);
      if (!unsupportedOn({ bun: reasons.threadCount, deno: reasons.threadCount }, `soak (${backend}): the second thread count check`)) {
        assert.equal(threadCount(), threadsBefore, 'no worker thread remains');
      }
      assert.equal(childProcesses().live.length, childrenBefore, 'no child process remains');
    });
  });
}
