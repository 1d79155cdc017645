import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DurationSummary } from 'multicore';
import { backends, fixture, withPool } from '../helpers.js';

const sleepThen = { module: fixture('serving-tasks.mjs'), name: 'sleepThen' };

function assertOrdered(summary: DurationSummary, what: string): void {
  const { p50, p90, p99, max, mean } = summary;
  assert.ok(0 <= p50 && p50 <= p90 && p90 <= p99 && p99 <= max, `${what}: percentiles in order (${JSON.stringify(summary)})`);
  assert.ok(mean <= max, `${what}: the mean is at most the max`);
}

for (const backend of backends) {
  describe(`pool.stats figures (${backend})`, () => {
    it('a fresh pool reports zeros', async () => {
      await withPool({ workers: 1, backend }, async (pool) => {
        const { utilization, runTime, waitTime } = pool.stats;
        assert.equal(utilization, 0);
        assert.deepEqual(runTime, { count: 0, mean: 0, p50: 0, p90: 0, p99: 0, max: 0 });
        assert.deepEqual(waitTime, runTime);
      });
    });

    it('runTime counts each task and measures at least its sleep; waitTime sees the tasks queued behind others', async () => {
      await withPool({ workers: 1, backend }, async (pool) => {
        // Three 30 ms tasks on one worker at once: the last waits for the two before it.
        const results = await Promise.all([1, 2, 3].map((value) => pool.apply(sleepThen, [30, value])));
        assert.deepEqual(results, [1, 2, 3]);
        const { runTime, waitTime, utilization } = pool.stats;
        assert.equal(runTime.count, 3);
        assert.equal(waitTime.count, 3);
        // Lower bounds only: a timer never fires much early, however slow the machine.
        assert.ok(runTime.p50 >= 25, `each task ran about 30 ms or more (p50 ${runTime.p50})`);
        assert.ok(waitTime.max >= 50, `the last task waited behind two 30 ms tasks (max wait ${waitTime.max})`);
        assertOrdered(runTime, 'runTime');
        assertOrdered(waitTime, 'waitTime');
        assert.ok(utilization > 0 && utilization <= 1, `utilization ${utilization} is in (0, 1]`);
      });
    });

    it('map: one runTime sample per chunk', async () => {
      await withPool({ workers: 2, backend }, async (pool) => {
        await pool.map((x: number) => x + 1, [1, 2, 3, 4, 5, 6], { chunksize: 2 });
        assert.equal(pool.stats.runTime.count, 3);
        assert.equal(pool.stats.completed, 6);
      });
    });
  });
}
