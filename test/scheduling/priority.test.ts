import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { backends, eventually, fixture, markFile, readMarks, withPool } from '../helpers.js';

const tasks = fixture('serving-tasks.mjs');
const waitForFile = { module: tasks, name: 'waitForFile' };
const mark = { module: tasks, name: 'mark' };
const markEntry = { module: tasks, name: 'markEntry' };

for (const backend of backends) {
  describe(`priority (${backend})`, () => {
    it('apply: higher priorities run first, equal ones in submission order', async () => {
      await withPool({ workers: 1, backend }, async (pool) => {
        const release = markFile();
        const marks = markFile();
        const blocked = pool.apply(waitForFile, [release]);
        await eventually(() => pool.stats.busy === 1, 'the worker to hold the blocking task');
        const calls = [
          ['a', 0],
          ['b', 5],
          ['c', -1],
          ['d', 5],
          ['e', undefined],
          ['f', 10],
        ] as const;
        const done = calls.map(([name, priority]) => pool.apply(mark, [marks, name], priority === undefined ? undefined : { priority }));
        assert.equal(pool.stats.queued, calls.length);
        writeFileSync(release, '');
        await blocked;
        await Promise.all(done);
        assert.deepEqual(readMarks(marks), ['f', 'b', 'd', 'a', 'e', 'c']);
      });
    });

    it('map and imap: the queued chunks of a higher-priority call overtake those of an earlier call', async () => {
      await withPool({ workers: 1, backend }, async (pool) => {
        const release = markFile();
        const marks = markFile();
        const blocked = pool.apply(waitForFile, [release]);
        await eventually(() => pool.stats.busy === 1, 'the worker to hold the blocking task');
        const low = pool.starmap(mark, ['l1', 'l2', 'l3'].map((name) => [marks, name]), { chunksize: 1 });
        await eventually(() => pool.stats.queued === 3, 'the low-priority chunks to queue');
        const high = (async () => {
          const seen: string[] = [];
          for await (const name of pool.imap(markEntry, ['h1', 'h2'].map((value) => ({ path: marks, value })), { chunksize: 1, priority: 2 })) seen.push(name as string);
          return seen;
        })();
        const urgent = pool.starmap(mark, [[marks, 'u1']], { priority: 1 });
        await eventually(() => pool.stats.queued === 6, 'every chunk to queue');
        writeFileSync(release, '');
        await blocked;
        assert.deepEqual(await high, ['h1', 'h2']);
        await Promise.all([low, urgent]);
        assert.deepEqual(readMarks(marks), ['h1', 'h2', 'u1', 'l1', 'l2', 'l3']);
      });
    });

    it('a bad priority is refused up front, naming the option', async () => {
      await withPool({ workers: 1, backend }, async (pool) => {
        await assert.rejects(pool.apply(() => 1, [], { priority: 'high' as never }), { name: 'TypeError', message: /priority must be a number/ });
        await assert.rejects(pool.map((x: number) => x, [1], { priority: Number.NaN }), { name: 'RangeError', message: /priority must be a finite number/ });
        await assert.rejects(pool.forRange(4, () => 0, undefined, { priority: Infinity }), { name: 'RangeError', message: /priority must be a finite number/ });
        assert.deepEqual(await pool.forRange(4, (start: number, end: number) => end - start, undefined, { chunks: 2, priority: 3 }), [2, 2]);
      });
    });
  });
}
