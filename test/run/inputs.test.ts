import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { requireGnuParallel, runBoth, temporaryDirectory } from './helpers.js';

before(requireGnuParallel);
const temp = temporaryDirectory();
after(temp.remove);

const lines = path.join(temp.dir, 'lines.txt');
const letters = path.join(temp.dir, 'letters.txt');
writeFileSync(lines, 'one\ntwo words\n\nlast without newline');
writeFileSync(letters, 'x\ny\n');

test('several ::: groups give every combination, first group slowest', async () => {
  const { gnu, ours } = await runBoth(['-k', 'echo', ':::', 'a', 'b', 'c', ':::', '1', '2', ':::', 'X', 'Y']);
  assert.equal(ours.stdout, gnu.stdout);
  assert.equal(ours.stdout.split('\n')[1], 'a 1 Y');
});

test(':::: files, -a files and ::: mix in GNU order', async () => {
  for (const args of [
    ['-k', 'echo', '::::', lines],
    ['-k', 'echo', '::::', lines, letters],
    ['-k', 'echo', '::::', letters, ':::', 'p', 'q'],
    ['-k', 'echo', ':::', 'p', 'q', '::::', letters],
    ['-k', '-a', letters, 'echo', ':::', 'p', 'q'],
    ['-k', '-a', letters, '-a', lines, 'echo'],
    ['-k', '--arg-file', lines, 'echo', '{}', '{#}'],
  ]) {
    const { gnu, ours } = await runBoth(args);
    assert.equal(ours.stdout, gnu.stdout, args.join(' '));
    assert.equal(ours.status, gnu.status, args.join(' '));
  }
});

test('stdin is the input when no source is given, and :::: - reads it too', async () => {
  const stdin = 'alpha\nbeta gamma\n\n$delta\n';
  for (const args of [['-k', 'echo'], ['-k', 'echo', '::::', '-', ':::', '1', '2'], ['-k', '-a', '-', 'echo', '[{}]']]) {
    const { gnu, ours } = await runBoth(args, { stdin });
    assert.equal(ours.stdout, gnu.stdout, args.join(' '));
  }
});

test('empty input runs no job and exits 0', async () => {
  const { gnu, ours } = await runBoth(['echo', 'never'], { stdin: '' });
  assert.equal(ours.stdout, '');
  assert.equal(ours.status, gnu.status);
  assert.equal(ours.status, 0);
});

test('a ::: value holding a newline becomes two arguments, as in GNU parallel', async () => {
  const { gnu, ours } = await runBoth(['-k', 'echo', '{#}', '{}', ':::', 'a\nb', 'c']);
  assert.equal(ours.stdout, gnu.stdout);
});

test('--colsep splits records into positional columns', async () => {
  const stdin = 'a\tb c\td\nx\ty\n';
  for (const args of [
    ['-k', '--colsep', '\t', 'echo', '{3}', '{1}', '{2}'],
    ['-k', '--colsep', '\\t', 'echo', '{2}-{1}'],
    ['-k', '-C', '\t', 'echo'],
    ['-k', '--colsep', ' ', 'echo', '{1}', '{}'],
  ]) {
    const { gnu, ours } = await runBoth(args, { stdin });
    assert.equal(ours.stdout, gnu.stdout, args.join(' '));
  }
});

test('-d sets the record delimiter and -r skips blank records', async () => {
  const stdin = 'a,b c,,d\n';
  const { gnu, ours } = await runBoth(['-k', '-d', ',', 'echo', '[{}]'], { stdin });
  assert.equal(ours.stdout, gnu.stdout);
  const blank = await runBoth(['-k', '-r', 'echo', '[{}]'], { stdin: 'a\n\n   \nb\n' });
  assert.equal(blank.ours.stdout, blank.gnu.stdout);
});

test('a missing input file is an error with status 255', async () => {
  const { gnu, ours } = await runBoth(['echo', '::::', path.join(temp.dir, 'absent')]);
  assert.equal(ours.status, 255);
  assert.equal(ours.status, gnu.status);
  assert.match(ours.stderr, /absent/);
});
