import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatTime } from '../../dist/tools/format-time.js';
import { TimeitResult, timeit } from '../../dist/tools/timeit.js';
import { autorange } from '../../dist/tools/timer.js';
import { formatFixed, formatGeneral, groupThousands } from '../../dist/tools/python-format.js';
import { exactSum, populationStdev } from '../../dist/tools/statistics.js';
import { formatTimeCases, timeitResultCases } from '../fixtures/ipython-recorded.js';

test(`formatTime prints what IPython's _format_time printed (${formatTimeCases.length} recorded cases)`, () => {
  for (const [seconds, precision, expected] of formatTimeCases) {
    assert.equal(formatTime(seconds, precision), expected, `formatTime(${seconds}, ${precision})`);
  }
});

test(`TimeitResult prints IPython's line and warning (${timeitResultCases.length} recorded runs)`, () => {
  for (const { loops, allRuns, precision, text, warning } of timeitResultCases) {
    const result = new TimeitResult({ loops, allRuns, precision });
    assert.equal(result.toString(), text, `loops ${loops}, runs ${allRuns.join(', ')}`);
    assert.equal(result.warning, warning, `warning for runs ${allRuns.join(', ')}`);
  }
});

test('TimeitResult fields follow IPython: per-loop timings, population stdev, best and worst', () => {
  const result = new TimeitResult({ loops: 10, allRuns: [0.5, 0.3, 0.4] });
  assert.equal(result.repeat, 3);
  assert.deepEqual(result.timings, [0.05, 0.03, 0.04]);
  assert.equal(result.average, 0.04);
  assert.equal(result.stdev, populationStdev([0.05, 0.03, 0.04]));
  assert.ok(Math.abs(result.stdev - Math.sqrt(2e-4 / 3)) < 1e-15);
  assert.equal(result.best, 0.03);
  assert.equal(result.worst, 0.05);
  assert.equal(result.precision, 3);
  const json = JSON.parse(JSON.stringify(result)) as Record<string, unknown>;
  assert.equal(json.text, result.toString());
  assert.deepEqual(json.allRuns, [0.5, 0.3, 0.4]);
});

test('formatTime defaults to 3 significant digits and rejects bad input', () => {
  assert.equal(formatTime(0.0072449), '7.24 ms');
  assert.throws(() => formatTime(-1), { name: 'RangeError', message: /seconds/ });
  assert.throws(() => formatTime(Number.NaN), { name: 'RangeError', message: /seconds/ });
  assert.throws(() => formatTime(Infinity), { name: 'RangeError', message: /seconds/ });
  assert.throws(() => formatTime('1' as unknown as number), { name: 'TypeError', message: /seconds/ });
  assert.throws(() => formatTime(1, 1.5), { name: 'RangeError', message: /precision/ });
  assert.throws(() => formatTime(1, -1), { name: 'RangeError', message: /precision/ });
});

test("Python's %g and %f: ties round half to even on the exact binary value", () => {
  const cases: Array<[string, number, number, string]> = [
    ['g', 2, 1.25, '1.2'], ['g', 3, 100.5, '100'], ['g', 3, 999.5, '1e+03'], ['g', 3, 0.0001, '0.0001'],
    ['g', 3, 1e-5, '1e-05'], ['g', 3, 123456789, '1.23e+08'], ['g', 17, 0.1, '0.10000000000000001'],
    ['g', 3, 1e22, '1e+22'], ['g', 0, 0.5, '0.5'], ['g', 3, 0, '0'], ['g', 3, -2.5e-7, '-2.5e-07'],
    ['f', 2, 4.125, '4.12'], ['f', 2, 0.125, '0.12'], ['f', 0, 2.5, '2'], ['f', 0, 0.5, '0'],
    ['f', 1, 0.05, '0.1'], ['f', 2, 1e20, '100000000000000000000.00'], ['f', 3, -0.0005, '-0.001'],
  ];
  for (const [kind, digits, value, expected] of cases) {
    const actual = kind === 'g' ? formatGeneral(value, digits) : formatFixed(value, digits);
    assert.equal(actual, expected, `'%.${digits}${kind}' % ${value}`);
  }
  assert.equal(groupThousands(1), '1');
  assert.equal(groupThousands(1000), '1,000');
  assert.equal(groupThousands(1000000000), '1,000,000,000');
});

test('exactSum is correctly rounded where a plain loop is not', () => {
  assert.equal(exactSum([1e100, 1, -1e100]), 1);
  assert.equal(exactSum(Array.from({ length: 10 }, () => 0.1)), 1);
  assert.equal(exactSum([]), 0);
});

test('new TimeitResult rejects bad recorded runs, naming the field', () => {
  assert.throws(() => new TimeitResult({ loops: 0, allRuns: [1] }), { name: 'RangeError', message: /loops/ });
  assert.throws(() => new TimeitResult({ loops: 1.5, allRuns: [1] }), { name: 'RangeError', message: /loops/ });
  assert.throws(() => new TimeitResult({ loops: 1, allRuns: [] }), { name: 'TypeError', message: /allRuns/ });
  assert.throws(() => new TimeitResult({ loops: 1, allRuns: [-1] }), { name: 'RangeError', message: /allRuns/ });
  assert.throws(() => new TimeitResult({ loops: 1, allRuns: [1], precision: 2.5 }), { name: 'RangeError', message: /precision/ });
});

test('timeit calls fn number × repeat times, and setup once per run with its value passed on', async () => {
  let calls = 0;
  let setups = 0;
  const seen = new Set<object>();
  const result = await timeit((state: { run: number }) => {
    calls++;
    seen.add(state);
  }, { number: 5, repeat: 3, setup: () => ({ run: ++setups }) });
  assert.equal(calls, 15);
  assert.equal(setups, 3);
  assert.equal(seen.size, 3);
  assert.equal(result.loops, 5);
  assert.equal(result.repeat, 3);
  assert.equal(result.allRuns.length, 3);
  assert.ok(result.allRuns.every((run) => run >= 0));
});

test('timeit awaits async functions and async setup on every call', async () => {
  let finished = 0;
  const result = await timeit(async (base: number) => {
    await Promise.resolve();
    finished += base;
  }, { number: 4, repeat: 2, setup: async () => 1, precision: 5 });
  assert.equal(finished, 8);
  assert.equal(result.precision, 5);
});

test('timeit without number runs 1 loop when one call already takes 0.2 s', async () => {
  let calls = 0;
  const result = await timeit(() => {
    calls++;
    const end = process.hrtime.bigint() + 250_000_000n; // spins, so the run cannot be shorter
    while (process.hrtime.bigint() < end);
  }, { repeat: 1 });
  assert.equal(result.loops, 1);
  assert.equal(calls, 2); // one autorange trial, then the timed run
  assert.ok(result.allRuns[0]! >= 0.25);
});

test("autorange tries 1, 10, 100... loops until a run takes 0.2 s, up to 10**9", async () => {
  const asked: number[] = [];
  const loops = await autorange(async (count) => {
    asked.push(count);
    return count * 0.003;
  });
  assert.equal(loops, 100);
  assert.deepEqual(asked, [1, 10, 100]);
  assert.equal(await autorange(async () => 0), 1e9);
});

test('timeit rejects errors from fn and bad options, naming the option', async () => {
  await assert.rejects(timeit(() => { throw new Error('boom'); }, { number: 1 }), /boom/);
  await assert.rejects(timeit(42 as unknown as () => void), { name: 'TypeError', message: /fn/ });
  await assert.rejects(timeit(() => 1, { number: 0 }), { name: 'RangeError', message: /options\.number/ });
  await assert.rejects(timeit(() => 1, { repeat: 1.5 }), { name: 'RangeError', message: /options\.repeat/ });
  await assert.rejects(timeit(() => 1, { precision: -1 }), { name: 'RangeError', message: /options\.precision/ });
  await assert.rejects(timeit(() => 1, { setup: 'x' as unknown as () => void }), { name: 'TypeError', message: /options\.setup/ });
});

test('timeit, TimeitResult and formatTime are part of the public API', async () => {
  const api = await import('../../dist/index.js');
  assert.equal(api.formatTime(0.00725), '7.25 ms');
  assert.equal(
    new api.TimeitResult({ loops: 1000, allRuns: [1, 1, 1] }).toString(),
    '1 ms ± 0 ns per loop (mean ± std. dev. of 3 runs, 1,000 loops each)',
  );
  const result = await api.timeit(() => {}, { number: 2, repeat: 1 });
  assert.ok(result instanceof api.TimeitResult);
  assert.equal(result.loops, 2);
});
