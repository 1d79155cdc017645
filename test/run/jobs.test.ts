/**
 * How many jobs run at once for each -j form. Every job prints its slot ({%}); the runner fills
 * all free slots before it handles any job's exit, so with more jobs than slots the set of
 * printed slots is exactly 1..N, whatever the timing.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { usableCores } from 'multicore';
import { runOurs } from './helpers.js';

const cores = usableCores();

async function slotsUsed(jobsOption: string[], jobCount: number): Promise<number[]> {
  const values = Array.from({ length: jobCount }, (_, i) => String(i));
  const result = await runOurs([...jobsOption, 'echo', '{%}', ':::', ...values]);
  assert.equal(result.status, 0, result.stderr);
  return [...new Set(result.stdout.trim().split('\n').map(Number))].sort((a, b) => a - b);
}

const upTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

test('without -j, as many jobs run at once as usableCores() reports', async () => {
  assert.deepEqual(await slotsUsed([], cores * 3), upTo(cores));
});

test('-j N, N%, +N, -N and 0 set the number of jobs at once', async () => {
  const cases: [string[], number][] = [
    [['-j', '3'], 3],
    [['-j3'], 3],
    [['--jobs=1'], 1],
    [['-P', '2'], 2],
    [['-j', '200%'], cores * 2],
    // GNU parallel rounds up: 75% of 2 cores is 2 jobs.
    [['-j', '50%'], Math.max(1, Math.ceil(cores / 2))],
    [['-j', '75%'], Math.max(1, Math.ceil((cores * 3) / 4))],
    [['-j', '125%'], Math.ceil((cores * 5) / 4)],
    [['-j', '+1'], cores + 1],
  ];
  if (cores > 1) cases.push([['-j', '-1'], cores - 1]);
  for (const [option, expected] of cases) {
    assert.deepEqual(await slotsUsed(option, expected * 3), upTo(expected), option.join(' '));
  }
  // As many as possible: every one of 40 jobs at once.
  assert.deepEqual(await slotsUsed(['-j', '0'], 40), upTo(40));
});
