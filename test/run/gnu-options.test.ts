/**
 * The GNU parallel options people use most, run through both with command lines taken from
 * GNU parallel's man pages and tutorial, made deterministic (-k, fixed inputs).
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { mayStart, memoryCritical, runningProcesses } from '../../src/run/resources.js';
import { compareCases, requireGnuParallel, runBoth, runGnu, runOurs, stableJoblog, temporaryDirectory } from './helpers.js';

before(requireGnuParallel);
const temp = temporaryDirectory();
after(temp.remove);

const numbers = Array.from({ length: 10 }, (_, i) => String(i + 1));

test('-n, -N, -L, -X, -m and --xargs put several arguments in one job', async () => {
  await compareCases([
    { args: ['-k', '-n2', 'echo', ':::', 'a', 'b', 'c'] },
    { args: ['-k', '-N2', 'echo', '{1}-{2}', ':::', 'a', 'b', 'c', 'd', 'e'] },
    { args: ['-k', '-N3', 'echo', '{}', '{-1}', ':::', ...numbers] },
    { args: ['-k', '-N0', 'echo', 'x', ':::', 'a', 'b'] },
    { args: ['-k', '-N2', 'echo', '{1}-{2}', ':::', 'a', 'b', ':::', '1', '2'] },
    { args: ['-k', '-L2', '--dry-run', 'echo'], input: { stdin: 'a b\nc d \ne\nf\n' } },
    { args: ['-k', '-L1', 'echo'], input: { stdin: 'x\n\ny\n' } },
    { args: ['-j1', '-k', '-X', 'echo', 'pre{}post', ':::', '1', '2', '3'] },
    { args: ['-j1', '-k', '-m', 'echo', 'pre{}post', ':::', '1', '2', '3'] },
    { args: ['-j2', '-k', '-X', 'echo', ':::', '1', '2', '3', '4', '5'] },
    { args: ['-j3', '-k', '-m', 'echo', ':::', ...numbers] },
    { args: ['-k', '--xargs', 'echo'], input: { stdin: 'a b\nc d\n' } },
  ], assert.equal);
});

test('-I and the other renamed replacement strings', async () => {
  await compareCases([
    { args: ['-k', '-I', ',,', 'echo', ',,', '{}', ':::', 'a.b'] },
    { args: ['-k', '-I', '{x}', 'echo', '{x}/{x}', ':::', 'a', 'b c'] },
    { args: ['-k', '--er', '<e>', '--bnr', '<b>', '--dnr', '<d>', '--bner', '<be>', 'echo', '<e>', '<b>', '<d>', '<be>', ':::', 'x/y.z'] },
    { args: ['-k', '--seqreplace', '<n>', '--slotreplace', '<s>', '-j1', 'echo', '<n>', '<s>', ':::', 'a', 'b'] },
  ], assert.equal);
});

test('--link, :::+ and ::::+ take sources side by side', async () => {
  const file = path.join(temp.dir, 'three');
  writeFileSync(file, '1\n2\n3\n');
  await compareCases([
    { args: ['-k', 'echo', ':::', 'a', 'b', 'c', ':::+', '1', '2'] },
    { args: ['-k', '--link', 'echo', ':::', 'a', 'b', 'c', ':::', '1', '2', ':::', 'x'] },
    { args: ['-k', 'echo', ':::', 'a', 'b', ':::+', '1', '2', '3', ':::', 'x', 'y'] },
    { args: ['-k', 'echo', '::::', file, '::::+', file] },
    { args: ['-k', '--xapply', 'echo', '{2}{1}', ':::', 'a', 'b', '::::', file] },
  ], assert.equal);
});

test('--header names the columns', async () => {
  await compareCases([
    { args: ['-k', '--header', ':', '--colsep', ',', 'echo', '{h2}', '{1}'], input: { stdin: 'h1,h2\n1,2\n3,4\n' } },
    { args: ['-k', '--header', ':', 'echo', '{f}', '{g}', ':::', 'f', 'a', 'b', ':::', 'g', 'c'] },
  ], assert.equal);
});

test('--tagstring prefixes lines with its own string', async () => {
  await compareCases([
    { args: ['-k', '--tagstring', '<{}>', 'echo x; echo y >&2', ':::', 'a b', 'c'], compare: ['stdout', 'stderr', 'status'] },
    { args: ['-k', '--tagstring', '{#}:{2}', 'echo', ':::', 'a', ':::', 'b'] },
  ], assert.equal);
});

test('--results DIR stores each job\'s output; --files prints the file names', async () => {
  const trees: Record<string, string[]> = {};
  for (const [who, run] of [['gnu', runGnu], ['ours', runOurs]] as const) {
    const dir = path.join(temp.dir, `results-${who}`);
    const result = await run(['-k', '--results', dir, 'echo out {1} {2}; echo err >&2', ':::', 'a', 'b/c', ':::', 'x']);
    assert.equal(result.status, 0, who);
    assert.equal(result.stdout, '', who);
    trees[who] = readdirSync(dir, { recursive: true }).map(String).sort()
      .map((entry) => `${entry}: ${entry.endsWith('stdout') || entry.endsWith('stderr') || entry.endsWith('seq') ? readFileSync(path.join(dir, entry), 'utf8') : ''}`);
    const files = await run(['-k', '--files', 'echo {}', ':::', 'one', 'two']);
    const names = files.stdout.trim().split('\n');
    assert.deepEqual(names.map((name) => readFileSync(name, 'utf8')), ['one\n', 'two\n'], who);
    for (const name of names) rmSync(name);
  }
  assert.deepEqual(trees.ours, trees.gnu);
});

test('--pipe splits stdin into blocks at record ends, --block, --recstart, --recend, -N', async () => {
  const lines = Array.from({ length: 2000 }, (_, i) => `line ${i}`).join('\n') + '\n';
  const records = '>a\nAAA\n>b\nBB\n>c\nC\n';
  await compareCases([
    { args: ['--pipe', '-k', 'wc', '-l'], input: { stdin: lines } },
    { args: ['--pipe', '--block', '1k', '-k', 'wc', '-c'], input: { stdin: lines } },
    { args: ['--pipe', '--block', '100', '-k', 'wc', '-l'], input: { stdin: lines.slice(0, 2000) } },
    { args: ['--pipe', '--block', '10', '--recstart', '>', '-k', 'cat; echo ---'], input: { stdin: records } },
    { args: ['--pipe', '--block', '10', '--recend', '', '--recstart', '>', '-k', 'cat; echo ---'], input: { stdin: records } },
    { args: ['--pipe', '-N3', '-k', 'cat; echo ---'], input: { stdin: numbers.join('\n') + '\n' } },
    { args: ['--pipe', '-k', '--block', '5', 'echo {#}; cat'], input: { stdin: 'no newline at the end' } },
    { args: ['--pipe', '--header', ':', '-N1', '-k', 'cat; echo --'], input: { stdin: 'h1 h2\na b\nc d\n' } },
    { args: ['--pipe', '--header', '2', '--block', '4', '-k', 'cat; echo --'], input: { stdin: 'h1\nh2\na b\nc d\n' } },
  ], assert.equal);
  const gnuLog = path.join(temp.dir, 'pipe.gnu');
  const ourLog = path.join(temp.dir, 'pipe.ours');
  await runGnu(['--pipe', '--block', '1k', '-k', '--joblog', gnuLog, 'wc', '-l'], { stdin: lines });
  await runOurs(['--pipe', '--block', '1k', '-k', '--joblog', ourLog, 'wc', '-l'], { stdin: lines });
  assert.deepEqual(stableJoblog(readFileSync(ourLog, 'utf8')), stableJoblog(readFileSync(gnuLog, 'utf8')));
});

test('--plus replacement strings', async () => {
  await compareCases([
    { args: ['--plus', '-k', '--dry-run', 'echo', '{..}', '{/..}', '{/...}', '{+/}', '{+.}', '{+..}', '{+...}', ':::', 'a/b.tar.gz', 'a/b.c.d.e', 'x'] },
    { args: ['--plus', '-k', '--dry-run', 'echo', '{##}', '{0#}', '{:1:2}', '{:2}', '{#a/}', '{%.gz}', '{/a/x}', '{//b/y}', ':::', ...numbers.map((n) => `a/b${n}.gz`)] },
    { args: ['--plus', '-k', '--dry-run', 'echo', '{^a}', '{^^b}', '{1..}', '{2+.}', ':::', 'abab.x.y', ':::', 'q.r'] },
  ], assert.equal);
});

test('--delay, --shuf, -v, --wd, --env, --arg-sep, --arg-file-sep and -d', async () => {
  const dir = path.join(temp.dir, 'workdir');
  mkdirSync(dir, { recursive: true });
  const file = path.join(temp.dir, 'two');
  writeFileSync(file, 'p\nq\n');
  await compareCases([
    { args: ['-k', '--delay', '0.05', 'echo', ':::', 'a', 'b', 'c'] },
    { args: ['--shuf', 'echo', ':::', ...numbers], compare: ['sortedStdout', 'status'] },
    { args: ['-k', '-v', 'echo', ':::', 'a', 'b c'] },
    { args: ['-k', '--wd', dir, 'pwd; echo', ':::', 'a'] },
    { args: ['-k', '--env', 'HOME', 'echo', ':::', 'a'] },
    { args: ['-k', '--arg-sep', ',,', 'echo', ',,', 'a', 'b', ':::', 'c'] },
    { args: ['-k', '--arg-file-sep', '//', 'echo', '//', file] },
    { args: ['-k', '-d', 'XY', 'echo'], input: { stdin: 'aXYbXYc' } },
    { args: ['-k', '-d', '\\001', 'echo'], input: { stdin: 'a\x01b' } },
    { args: ['-k', '-d', '\\072', 'echo'], input: { stdin: 'a:b' } },
    { args: ['-k', '-d', ',', 'echo'], input: { stdin: 'a,b,' } },
  ], assert.equal);
  const shuffled = await runOurs(['-j1', '--shuf', 'echo', ':::', ...Array.from({ length: 40 }, (_, i) => String(i))]);
  assert.notEqual(shuffled.stdout, Array.from({ length: 40 }, (_, i) => `${i}\n`).join(''), 'a shuffle of 40 kept the order');
});

test('--retry-failed reruns the failed jobs of the joblog', async () => {
  const outputs: string[] = [];
  const logs: string[][][] = [];
  for (const run of [runGnu, runOurs]) {
    const log = path.join(temp.dir, `retry-failed.${outputs.length}`);
    rmSync(log, { force: true });
    await run(['-k', '--joblog', log, 'echo {}; exit {}', ':::', '0', '1', '0', '2']);
    const retried = await run(['-j1', '-k', '--retry-failed', '--joblog', log]);
    outputs.push(`${retried.stdout}|${String(retried.status)}`);
    logs.push(stableJoblog(readFileSync(log, 'utf8')));
  }
  assert.equal(outputs[1], outputs[0]);
  assert.deepEqual(logs[1], logs[0]);
});

test('--number-of-cores, --number-of-threads, --number-of-sockets', async () => {
  await compareCases([
    { args: ['--number-of-cores'] },
    { args: ['--number-of-threads'] },
    { args: ['--number-of-sockets'] },
  ], assert.equal);
});

test('--wd creates a directory that does not exist, as GNU does', async () => {
  const { gnu, ours } = await runBoth(['--wd', path.join(temp.dir, 'missing', 'deeper'), 'pwd; echo', ':::', 'a']);
  assert.equal(ours.stdout, gnu.stdout);
  assert.equal(ours.status, 0);
  assert.equal(ours.status, gnu.status);
});

test('--load and --memfree start jobs while the machine has room', async () => {
  await compareCases([
    { args: ['-k', '--load', '100', '--memfree', '1k', 'echo', ':::', 'a', 'b'] },
    { args: ['-k', '--load', '1000%', 'echo', ':::', 'a'] },
  ], assert.equal);
  // GNU reads the x of 1x as a unit (1024^9 bytes) and waits for that much memory forever.
  const bad = await runOurs(['--memfree', '1x', 'echo', ':::', 'a']);
  assert.equal(bad.status, 255);
  assert.match(bad.stderr, /--memfree expects a size/);
  assert.equal(mayStart({ maxLoad: undefined, memfreeBytes: 1024 }), true);
  assert.equal(mayStart({ maxLoad: undefined, memfreeBytes: 2 ** 60 }), false);
  assert.equal(mayStart({ maxLoad: Infinity, memfreeBytes: undefined }), true);
  assert.ok(Number.isInteger(runningProcesses()) && runningProcesses() >= 0);
  assert.equal(memoryCritical({ maxLoad: undefined, memfreeBytes: 2 ** 60 }), true);
});
