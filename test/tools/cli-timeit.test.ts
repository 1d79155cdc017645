import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { multicore } from '../helpers.js';
import { reasons, unsupportedOn } from '../runtimes/support.js';

function timeitCli(args: string[], cwd?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return multicore('timeit', ...args, { cwd });
}

// The warning line may come first: a machine's noise can make one run 4 times slower.
const LINE = /^(The slowest run took \d+\.\d\d times longer than the fastest\. This could mean that an intermediate result is being cached\.\n)?\S+ (ns|µs|ms|s) ± \S+ (ns|µs|ms|s) per loop \(mean ± std\. dev\. of 2 runs, 3 loops each\)\n$/;

test('multicore timeit prints IPython\'s line', async () => {
  const { code, stdout } = await timeitCli(['-n', '3', '-r', '2', '-s', 'let n = 0', 'n++']);
  assert.equal(code, 0);
  assert.match(stdout, LINE);
});

test('multicore timeit --json has the TimeitResult fields', async () => {
  const { code, stdout } = await timeitCli(['-n', '3', '-r', '2', '-p', '5', '--json', '[1, 2].map((x) => x * 2)']);
  assert.equal(code, 0);
  const result = JSON.parse(stdout) as Record<string, unknown>;
  assert.equal(result.loops, 3);
  assert.equal(result.repeat, 2);
  assert.equal(result.precision, 5);
  assert.equal((result.allRuns as number[]).length, 2);
  assert.match(result.text as string, /per loop/);
});

const runsPerRun = 'setup runs before every run, and the statement runs -n times per run';
test(runsPerRun, { skip: unsupportedOn({ bun: reasons.bunEvalFrames }, runsPerRun) }, async () => {
  const args = (loops: string) => ['-n', loops, '-r', '3', '-s', 'const seen = []', 'seen.push(1); if (seen.length > 3) throw new Error("ran " + seen.length + " times")'];
  assert.equal((await timeitCli(args('3'))).code, 0);
  const tooMany = await timeitCli(args('4'));
  assert.equal(tooMany.code, 1);
  assert.match(tooMany.stderr, /^multicore timeit: the statement threw Error: ran 4 times\n {4}at <statement>:1:\d+\n$/);
});

test('several statements and setups are joined with newlines; -q prints nothing', async () => {
  const { code, stdout } = await timeitCli(['-q', '-n', '1', '-r', '1', '-s', 'let a = 1', '-s', 'let b = 2', 'if (a + b !== 3)', 'throw new Error("no")']);
  assert.equal(code, 0);
  assert.equal(stdout, '');
});

test('import() in setup resolves paths from the current directory', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'multicore-timeit-'));
  try {
    await writeFile(path.join(dir, 'double.mjs'), 'export const double = (x) => 2 * x;\n');
    const { code, stdout, stderr } = await timeitCli(
      ['-n', '3', '-r', '2', '-s', "const { double } = await import('./double.mjs')", 'if (double(2) !== 4) throw new Error("bad")'],
      dir,
    );
    assert.equal(code, 0, stderr);
    assert.match(stdout, LINE);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('bad input: syntax errors name the part, bad numbers name the flag', async () => {
  const syntax = await timeitCli(['const x = ;']);
  assert.equal(syntax.code, 1);
  assert.match(syntax.stderr, /the statement is not valid JavaScript/);
  const setup = await timeitCli(['-n', '1', '-s', 'let x = ;', '1']);
  assert.match(setup.stderr, /the setup is not valid JavaScript/);
  const number = await timeitCli(['-n', '0', '1']);
  assert.equal(number.code, 2);
  assert.match(number.stderr, /-n\/--number must be a whole number >= 1, got '0'/);
  const negative = await timeitCli(['-n', '-5', '1']);
  assert.equal(negative.code, 2);
  assert.match(negative.stderr, /-n\/--number must be a whole number >= 1, got '-5'\.\nRun 'multicore timeit --help' for usage\./);
  assert.doesNotMatch(negative.stderr, /ambiguous/);
  const typo = await timeitCli(['--repet', '3', '1']);
  assert.equal(typo.code, 2);
  assert.match(typo.stderr, /unknown option '--repet'\. Did you mean '--repeat'\?/);
  const none = await timeitCli([]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /give the statement to time/);
  const help = await timeitCli(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: multicore timeit/);
});

const throwsStack = 'a statement or setup that throws: which one, and its stack in their own lines';
test(throwsStack, { skip: unsupportedOn({ bun: reasons.bunEvalFrames }, throwsStack) }, async () => {
  const statement = await timeitCli(['-n', '1', '-r', '1', '-s', 'const limit = 1', 'let x = 0', 'function check() { throw new RangeError("over " + limit); }', 'check()']);
  assert.equal(statement.code, 1);
  assert.equal(statement.stderr, 'multicore timeit: the statement threw RangeError: over 1\n    at check (<statement>:2:26)\n    at <statement>:3:1\n');
  const setup = await timeitCli(['-n', '1', '-r', '1', '-s', 'const a = 1', '-s', 'null.x', 'a']);
  assert.equal(setup.code, 1);
  assert.match(setup.stderr, /^multicore timeit: the setup threw TypeError: Cannot read properties of null \(reading 'x'\)\n {4}at <setup>:2:6\n$/);
});
