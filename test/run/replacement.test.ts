import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { hostileNames, requireGnuParallel, runBoth } from './helpers.js';

before(requireGnuParallel);

const paths = ['', '/', '/a/', 'a/', '.hidden', 'a.b/c', '../x', 'a b/.c.d', '/usr/lib/x.tar.gz', 'noext', 'dir.d/file', './rel.txt', '//double//slash//'];

test('{} {.} {/} {//} {/.} transform paths like GNU parallel', async () => {
  const { gnu, ours } = await runBoth(['--dry-run', '-k', 'echo', '{}', '{.}', '{/}', '{//}', '{/.}', ':::', ...paths, ...hostileNames]);
  assert.equal(gnu.status, 0);
  assert.equal(ours.stdout, gnu.stdout);
});

test('positional {1} {2.} {3/} {1//} {2/.} pick and transform one source each', async () => {
  const { gnu, ours } = await runBoth([
    '--dry-run', '-k', 'echo', '{1}', '{2.}', '{3/}', '{1//}', '{2/.}', '{4}', '{0}', 'x{0.}', '{00}', '{01}',
    ':::', 'a/b.c', 'x y/z', ':::', 'p.q', 'r s.t', ':::', '/u/v.w',
  ]);
  assert.equal(ours.stdout, gnu.stdout);
});

test('{#} is the job number and {%} the slot', async () => {
  const { gnu, ours } = await runBoth(['-j1', '-k', 'echo', '{#}', '{%}', '{}', ':::', 'a', 'b', 'c']);
  assert.equal(ours.stdout, gnu.stdout);
  assert.equal(ours.stdout, '1 1 a\n2 1 b\n3 1 c\n');
});

test('{%} stays within 1..jobs', async () => {
  const { gnu, ours } = await runBoth(['-j3', 'echo', '{%}', ':::', ...Array.from({ length: 30 }, (_, i) => String(i))]);
  // Which slots get used depends on timing; both must stay within 1..3.
  for (const result of [gnu, ours]) {
    const slots = new Set(result.stdout.trim().split('\n'));
    assert.ok([...slots].every((slot) => ['1', '2', '3'].includes(slot)), [...slots].join(','));
  }
});

test('arguments are appended when the command has no replacement string', async () => {
  const { gnu, ours } = await runBoth(['--dry-run', '-k', 'echo', 'a b', '$x', ':::', 'one', 'two words', ':::', '3']);
  assert.equal(ours.stdout, gnu.stdout);
  const onlySeq = await runBoth(['--dry-run', 'echo', '{#}', ':::', 'x']);
  assert.equal(onlySeq.ours.stdout, onlySeq.gnu.stdout);
});

test('without a command, each argument is the command line', async () => {
  const { gnu, ours } = await runBoth(['-k', ':::', 'echo one', 'echo two; echo three', 'printf "%s\\n" {}']);
  assert.equal(ours.stdout, gnu.stdout);
  const combined = await runBoth(['-k', ':::', 'echo', 'printf "<%s>"', ':::', 'a b']);
  assert.equal(combined.ours.stdout, combined.gnu.stdout);
});

test('replacement strings inside words and quotes of the command line', async () => {
  const { gnu, ours } = await runBoth(['-k', 'echo pre{}post "{.}" {/}{/}', ':::', 'd/f.x', 'a b.c']);
  assert.equal(ours.stdout, gnu.stdout);
});
