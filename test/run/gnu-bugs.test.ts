/**
 * The differences issue 18 found between GNU parallel 20221122 and multicore run, each as a
 * differential case: the same command line through both must give the same output and status.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { parseJobs } from '../../src/run/jobs.js';
import { compareCases, requireGnuParallel, runBoth, runGnu, runOurs, stableJoblog, temporaryDirectory } from './helpers.js';

before(requireGnuParallel);
const temp = temporaryDirectory();
after(temp.remove);

test('1. a NUL byte in the input is passed on as \\0 with a warning, not a crash', async () => {
  const { gnu, ours } = await runBoth(['-k', 'echo'], { stdin: Buffer.from('foo\0bar\nplain\n') });
  assert.equal(ours.stdout, gnu.stdout);
  assert.equal(ours.status, 0);
  assert.equal(ours.status, gnu.status);
  assert.match(ours.stderr, /NUL character in the input was replaced/);
  assert.doesNotMatch(ours.stderr, /ERR_INVALID_ARG_VALUE|at .*\.js/);
  const dry = await runBoth(['--dry-run', 'echo'], { stdin: Buffer.from('a\0b\n') });
  assert.equal(dry.ours.stdout, dry.gnu.stdout);
});

test('5. --joblog +FILE appends without a second header; --joblog - writes to stdout', async () => {
  const logs = { gnu: path.join(temp.dir, 'append.gnu'), ours: path.join(temp.dir, 'append.ours') };
  for (const [who, run] of [['gnu', runGnu], ['ours', runOurs]] as const) {
    rmSync(logs[who], { force: true });
    await run(['--joblog', logs[who], 'echo', ':::', 'a']);
    const again = await run(['--joblog', `+${logs[who]}`, 'echo', ':::', 'b']);
    assert.equal(again.status, 0);
  }
  const [gnuLog, ourLog] = [readFileSync(logs.gnu, 'utf8'), readFileSync(logs.ours, 'utf8')];
  assert.deepEqual(stableJoblog(ourLog), stableJoblog(gnuLog));
  assert.equal(ourLog.split('\n').filter((line) => line.startsWith('Seq')).length, 1);
  const { gnu, ours } = await runBoth(['--joblog', '-', '-k', 'echo', ':::', 'a', 'b']);
  assert.deepEqual(stableJoblog(ours.stdout), stableJoblog(gnu.stdout));
  assert.match(ours.stdout, /^Seq\tHost/);
});

test('6. --retries 0 retries until the job succeeds', async () => {
  for (const [who, run] of [['gnu', runGnu], ['ours', runOurs]] as const) {
    const counter = path.join(temp.dir, `retries0.${who}`);
    rmSync(counter, { force: true });
    const result = await run(['--retries', '0', `echo x >> ${counter}; [ $(wc -l < ${counter}) -ge 4 ] && echo done {}`, ':::', 'a']);
    assert.equal(result.status, 0, who);
    assert.equal(result.stdout, 'done a\n', who);
    assert.equal(readFileSync(counter, 'utf8'), 'x\n'.repeat(4), who);
  }
});

test('7. -j N% rounds up; -j 0% is refused', async () => {
  assert.equal(parseJobs('75%', 2), 2);
  assert.equal(parseJobs('125%', 2), 3);
  assert.equal(parseJobs('50%', 2), 1);
  assert.equal(parseJobs('10%', 2), 1);
  assert.equal(parseJobs('33%', 4), 2);
  assert.throws(() => parseJobs('0%', 2), /-j\/--jobs '0%' leaves no job/);
  await compareCases([
    { args: ['-j', '0%', 'echo', ':::', 'a'], compare: ['status', 'stdout'] },
  ], assert.equal);
  // How many run at once for each N% is checked in jobs.test.ts.
});

test('8. --colsep trims the blanks around each column', async () => {
  await compareCases([
    { args: ['-k', '--colsep', ',', 'echo', '{1}x{2}x', '{}'], input: { stdin: ' a , b \n\tc\t,  d\n' } },
    { args: ['-k', '--colsep', '\\t', "printf '[%s]'", '{1}', '{2}'], input: { stdin: 'a \t b\n' } },
  ], assert.equal);
});

test('9. a command that begins with a replacement string is not quoted', async () => {
  await compareCases([
    { args: ['-k', '{} | tr a-z A-Z', ':::', 'echo a', 'echo b c'] },
    { args: ['--dry-run', '-k', '{}', 'x', ':::', 'echo a'] },
    { args: ['--dry-run', '-k', '{1} {2}', ':::', 'echo a', ':::', 'b c'] },
    { args: ['--dry-run', '-k', ' {}', ':::', 'echo a'] },
    { args: ['--dry-run', '-k', '{#} {}', ':::', 'echo a'] },
    { args: ['--dry-run', '-k', 'echo {}', ':::', 'echo a'] },
  ], assert.equal);
});

test('10. {= perl =} is refused by name with exit 255', async () => {
  for (const expression of ['{= s/a/b/ =}', '{=1 uc =}']) {
    const ours = await runOurs(['echo', expression, ':::', 'a']);
    assert.equal(ours.status, 255, expression);
    assert.match(ours.stderr, /perl expression replacement string \{=.* is not supported/, expression);
    assert.equal(ours.stdout, '');
  }
});

test('10. {-1} is the last argument; an empty ::: group is one empty argument', async () => {
  await compareCases([
    { args: ['--dry-run', '-k', 'echo', '{-1}', '{-2}', '{-1.}', ':::', 'a', ':::', 'b.x', 'c.y'] },
    { args: ['--dry-run', '-k', 'echo', ':::', 'a', 'b', ':::'] },
    { args: ['-k', 'echo', 'x', ':::', 'a', ':::'] },
  ], assert.equal);
});

test('10. --resume and --resume-failed without --joblog exit 255', async () => {
  await compareCases([
    { args: ['--resume', 'echo', ':::', 'a'], compare: ['status', 'stdout'] },
    { args: ['--resume-failed', 'echo', ':::', 'a'], compare: ['status', 'stdout'] },
  ], assert.equal);
  const ours = await runOurs(['--resume', 'echo', ':::', 'a']);
  assert.match(ours.stderr, /--resume and --resume-failed require --joblog/);
});

test('10. $PARALLEL and $PARALLEL_HOME/config give default options', async () => {
  const home = path.join(temp.dir, 'parallel-home');
  mkdirSync(home, { recursive: true });
  writeFileSync(path.join(home, 'config'), '# defaults\n-k\n--tag\n');
  writeFileSync(path.join(home, 'will-cite'), '');
  await compareCases([
    { args: ['-j4', 'sleep 0.0$((4 - {})); echo', ':::', '1', '2', '3'], input: { env: { PARALLEL: '-k --tag' } } },
    { args: ['-j4', 'sleep 0.0$((4 - {})); echo', ':::', '1', '2', '3'], input: { env: { PARALLEL_HOME: home } } },
  ], assert.equal);
});

test('10. jobs see PARALLEL_PID, PARALLEL_SEQ and PARALLEL_JOBSLOT', async () => {
  await compareCases([
    { args: ['-k', '-j1', 'echo $PARALLEL_SEQ $PARALLEL_JOBSLOT; test "$PARALLEL_PID" -gt 1 && echo pid', ':::', 'a', 'b'] },
  ], assert.equal);
});

test('12. bytes that are not UTF-8 pass through unchanged', async () => {
  const dir = path.join(temp.dir, 'latin1');
  mkdirSync(dir, { recursive: true });
  const name = Buffer.from('caf\xe9.txt', 'latin1');
  // Node's fs takes Buffers for names that are not UTF-8.
  writeFileSync(Buffer.concat([Buffer.from(`${dir}/`), name]), 'latin-1 content\n');
  const list = Buffer.concat([name, Buffer.from('\n')]);
  await compareCases([
    { args: ['-k', 'cat', '{}'], input: { stdin: list, cwd: dir } },
    { args: ['-k', 'echo', '{}', '{.}', '{/}'], input: { stdin: list, cwd: dir } },
    { args: ['--dry-run', 'gzip', '{}'], input: { stdin: list, cwd: dir } },
    { args: ['-k', '--tag', 'echo', 'x'], input: { stdin: Buffer.from('\xff\xfe\n\xe9t\xe9\n', 'latin1') } },
    { args: ['-k', '-q', 'printf', '%s\\n'], input: { stdin: Buffer.from('a\x80b\n', 'latin1') } },
    { args: ['-k'], input: { stdin: Buffer.from("printf '%s\\n' '\xe9'\n", 'latin1') } },
  ], assert.equal);
});

test('14. --timeout 25d and 0% do not kill; -j 1e20 and a huge -j are refused; :::+ first is :::', async () => {
  await compareCases([
    { args: ['-k', '--timeout', '25d', 'sleep 0.2; echo', ':::', 'a'] },
    { args: ['-k', '--timeout', '0%', 'sleep 0.1; echo', ':::', 'a', 'b'] },
    { args: ['-k', '--timeout', '0', 'echo', ':::', 'a'] },
    // GNU prints its usage on stdout then; we print a message on stderr.
    { args: ['-j', '1e20', 'echo', ':::', 'a'], compare: ['status'] },
    { args: ['--timeout', '-1', 'echo', ':::', 'a'], compare: ['status', 'stdout'] },
    { args: ['-k', 'echo', ':::+', 'a', 'b'] },
  ], assert.equal);
  const huge = await runOurs(['-j', '100000000000000000000', 'echo', ':::', 'a']);
  assert.equal(huge.status, 255);
  assert.match(huge.stderr, /-j\/--jobs/);
});

test('14. a command line longer than the system takes stops the run with 255, as in GNU', async () => {
  const line = 'a'.repeat(200_000);
  const { gnu, ours } = await runBoth(['echo'], { stdin: `${line}\nshort\n` });
  assert.equal(ours.status, 255);
  assert.equal(ours.status, gnu.status);
  assert.equal(ours.stdout, gnu.stdout);
  assert.match(ours.stderr, /command line too long/);
});
