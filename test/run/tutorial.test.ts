/**
 * Command lines from GNU parallel's own tutorial (`man parallel_tutorial`), run through both
 * with the tutorial's input files, made deterministic with -k (and -j1 where slots show).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { compareCases, requireGnuParallel, temporaryDirectory, type Case } from './helpers.js';

before(requireGnuParallel);
const temp = temporaryDirectory();
after(temp.remove);

const cwd = temp.dir;
writeFileSync(path.join(cwd, 'abc-file'), 'A\nB\nC\n');
writeFileSync(path.join(cwd, 'def-file'), 'D\nE\nF\n');
writeFileSync(path.join(cwd, 'abc0-file'), 'A\0B\0C\0');
writeFileSync(path.join(cwd, 'abc_-file'), 'A_B_C_');
writeFileSync(path.join(cwd, 'tsv-file.tsv'), 'f1\tf2\nA\tB\nC\tD\n');
writeFileSync(path.join(cwd, 'num8'), '1\n2\n3\n4\n5\n6\n7\n8\n');

const lines: string[][] = [
  ['echo', ':::', 'A', 'B', 'C'],
  ['-a', 'abc-file', 'echo'],
  ['echo', ':::', 'A', 'B', 'C', ':::', 'D', 'E', 'F'],
  ['-a', 'abc-file', '-a', 'def-file', 'echo'],
  ['echo', ':::', 'A', 'B', 'C', '::::', 'def-file'],
  ['--link', 'echo', ':::', 'A', 'B', 'C', ':::', 'D', 'E', 'F'],
  ['--link', 'echo', ':::', 'A', 'B', 'C', 'D', 'E', ':::', 'F', 'G'],
  ['echo', '::::', 'abc-file', ':::+', 'G', 'H', 'I', '::::', 'def-file'],
  ['echo', '::::', 'abc-file', ':::', 'G', 'H', 'I', '::::+', 'def-file'],
  ['echo', ':::', 'A', 'B', 'C', 'D', 'E', ':::+', 'F', 'G'],
  ['--arg-sep', ',,', 'echo', ',,', 'A', 'B', 'C', '::::', 'def-file'],
  ['--arg-file-sep', '//', 'echo', ':::', 'A', 'B', 'C', '//', 'def-file'],
  ['-d', '_', 'echo', '::::', 'abc_-file'],
  ['-d', '\\0', 'echo', '::::', 'abc0-file'],
  ['-0', 'echo', '::::', 'abc0-file'],
  [':::', 'echo foo', 'pwd'],
  ['echo', ':::', 'A/B.C'],
  ['echo', '{}', ':::', 'A/B.C'],
  ['echo', '{.}', ':::', 'A/B.C'],
  ['echo', '{/}', ':::', 'A/B.C'],
  ['echo', '{//}', ':::', 'A/B.C'],
  ['echo', '{/.}', ':::', 'A/B.C'],
  ['echo', '{#}', ':::', 'A', 'B', 'C'],
  ['-j1', 'echo', '{%}', ':::', 'A', 'B', 'C'],
  ['-I', ',,', 'echo', ',,', ':::', 'A/B.C'],
  ['--extensionreplace', ',,', 'echo', ',,', ':::', 'A/B.C'],
  ['--basenamereplace', ',,', 'echo', ',,', ':::', 'A/B.C'],
  ['--dirnamereplace', ',,', 'echo', ',,', ':::', 'A/B.C'],
  ['--basenameextensionreplace', ',,', 'echo', ',,', ':::', 'A/B.C'],
  ['--seqreplace', ',,', 'echo', ',,', ':::', 'A', 'B', 'C'],
  ['-j1', '--slotreplace', ',,', 'echo', ',,', ':::', 'A', 'B', 'C'],
  ['echo', '{1}', 'and', '{2}', ':::', 'A', 'B', ':::', 'C', 'D'],
  ['echo', '/={1/}', '//={1//}', '/.={1/.}', '.={1.}', ':::', 'A/B.C', 'D/E.F'],
  ['echo', '1={1}', '2={2}', '3={3}', '-1={-1}', '-2={-2}', '-3={-3}', ':::', 'A', 'B', ':::', 'C', 'D', ':::', 'E', 'F'],
  ['--colsep', '\\t', 'echo', '1={1}', '2={2}', '::::', 'tsv-file.tsv'],
  ['--header', ':', 'echo', 'f1={f1}', 'f2={f2}', ':::', 'f1', 'A', 'B', ':::', 'f2', 'C', 'D'],
  ['--header', ':', '--colsep', '\\t', 'echo', 'f1={f1}', 'f2={f2}', '::::', 'tsv-file.tsv'],
  ['--plus', 'echo', '{}', ':::', 'dir/sub/file.ex1.ex2.ex3'],
  ['--plus', 'echo', '{+/}/{/}', ':::', 'dir/sub/file.ex1.ex2.ex3'],
  ['--plus', 'echo', '{.}.{+.}', ':::', 'dir/sub/file.ex1.ex2.ex3'],
  ['--plus', 'echo', '{+/}/{/.}.{+.}', ':::', 'dir/sub/file.ex1.ex2.ex3'],
  ['--plus', 'echo', '{..}.{+..}', ':::', 'dir/sub/file.ex1.ex2.ex3'],
  ['--plus', 'echo', '{+/}/{/..}.{+..}', ':::', 'dir/sub/file.ex1.ex2.ex3'],
  ['--plus', 'echo', '{...}.{+...}', ':::', 'dir/sub/file.ex1.ex2.ex3'],
  ['--plus', 'echo', '{+/}/{/...}.{+...}', ':::', 'dir/sub/file.ex1.ex2.ex3'],
  ['--plus', 'echo', 'Job', '{#}', 'of', '{##}', ':::', '1', '2', '3', '4', '5'],
  ...['{:-myval}', '{:2}', '{:2:3}', '{#bc}', '{#abc}', '{%de}', '{%def}', '{/def/ghi}', '{^a}', '{^^a}', '{,A}', '{,,A}']
    .flatMap((string) => [['--plus', 'echo', string, ':::', 'abcAaAdef'], ['--plus', 'echo', string, ':::', '']]),
  ['--jobs', '4', '-m', 'echo', ':::', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10'],
  ['--jobs', '4', '-m', 'echo', 'pre-{}-post', ':::', 'A', 'B', 'C', 'D', 'E', 'F', 'G'],
  ['--jobs', '4', '-X', 'echo', 'pre-{}-post', ':::', 'A', 'B', 'C', 'D', 'E', 'F', 'G'],
  ['-N3', 'echo', ':::', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'],
  ['-N3', 'echo', '1={1}', '2={2}', '3={3}', ':::', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'],
  ['-N0', 'echo', 'foo', ':::', '1', '2', '3'],
  ['perl', '-e', 'print "@ARGV\\n"', ':::', 'This', 'wont', 'work'],
  ['-q', 'perl', '-e', 'print "@ARGV\\n"', ':::', 'This', 'works'],
  ["perl -e 'print \"@ARGV\\n\"'", ':::', 'This', 'works,', 'too'],
  ['echo', '\\={}', ':::', 'zsh', 'bash', 'ls'],
  ['--tag', 'echo', 'foo-{}', ':::', 'A', 'B', 'C'],
  ['--tagstring', '{}-bar', 'echo', 'foo-{}', ':::', 'A', 'B', 'C'],
  ['--dryrun', 'echo', '{}', ':::', 'A', 'B', 'C'],
  ['-j2', 'printf "%s-start\\n%s" {} {}; sleep {}; printf "%s\\n" -middle; echo {}-end', ':::', '0.1', '0.2'],
  ['-j2', '--linebuffer', 'printf "%s-start\\n%s" {} {}; sleep {}; printf "%s\\n" -middle; echo {}-end', ':::', '0.1', '0.2'],
  ['--timeout', '2', 'sleep {}; echo {}', ':::', '0.1', '0.2', '30'],
  // The tutorial's example, with the failing job slower, so that the next one surely runs then.
  ['-j2', '--halt', 'soon,fail=1', 'echo {}; sleep 0.$(( {} * 3 )); exit {}', ':::', '0', '0', '1', '2', '3'],
  ['-j1', '--halt', 'soon,fail=20%', 'echo {}; exit {}', ':::', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  ['-j1', '--halt', 'now,success=1', 'echo {}; exit {}', ':::', '1', '2', '3', '0', '4', '5', '6'],
  // The tutorial says 100%; on a shared machine busier than one running process per core both
  // would wait for as long as it stays so, so the limit here is one no machine reaches.
  ['--load', '100000%', 'echo', 'load', 'is', 'less', 'than', '{}', 'job', 'per', 'cpu', ':::', '1'],
  ['--memfree', '1G', 'echo', 'will', 'run', 'if', 'more', 'than', '1', 'GB', 'is', ':::', 'free'],
];

test('the tutorial\'s command lines give the same output and status', async () => {
  const cases: Case[] = lines.map((args) => ({ args: ['-k', ...args], input: { cwd } }));
  const differences: string[] = [];
  await compareCases(cases, (actual, expected, message) => {
    if (actual !== expected) differences.push(`${message}: ${JSON.stringify(actual)} instead of ${JSON.stringify(expected)}`);
  });
  assert.deepEqual(differences, []);
});

test('--verbose and -t print each command line on stderr, -v on stdout', async () => {
  await compareCases([
    { args: ['-j1', '-k', '--verbose', 'echo', '{}', ':::', 'A', 'B', 'C'], compare: ['stdout', 'stderr', 'status'] },
    { args: ['-j1', '-k', '-t', 'echo', '{}', ':::', 'A'], compare: ['stdout', 'stderr', 'status'] },
    { args: ['-j1', '-k', '-v', 'echo', '{}', ':::', 'A', 'B'], compare: ['stdout', 'stderr', 'status'] },
  ], assert.equal);
});
