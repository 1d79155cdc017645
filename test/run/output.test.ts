import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { requireGnuParallel, runBoth, sortedLines } from './helpers.js';

before(requireGnuParallel);

// Jobs that write several lines to both streams with pauses between, so that an interleaving
// runner would mix them.
const chatty = 'for i in 1 2 3; do echo "{} out $i"; echo "{} err $i" >&2; sleep 0.01; done';

test('output is grouped per job by default: never interleaved', async () => {
  const { gnu, ours } = await runBoth(['-j4', chatty, ':::', 'a', 'b', 'c', 'd', 'e']);
  assert.equal(ours.status, 0);
  assert.deepEqual(sortedLines(ours.stdout), sortedLines(gnu.stdout));
  // Each job's three lines are adjacent.
  const blocks = ours.stdout.trim().split('\n').map((line) => line.split(' ')[0]);
  for (let i = 0; i < blocks.length; i += 3) assert.deepEqual(blocks.slice(i, i + 3), Array(3).fill(blocks[i]));
  assert.deepEqual(sortedLines(ours.stderr), sortedLines(gnu.stderr));
});

test('-k keeps input order for stdout and stderr', async () => {
  const { gnu, ours } = await runBoth(['-k', '-j4', 'sleep 0.0$((5 - {})); echo out {}; echo err {} >&2', ':::', '1', '2', '3', '4']);
  assert.equal(ours.stdout, gnu.stdout);
  assert.equal(ours.stderr, gnu.stderr);
});

test('--tag prefixes every line of both streams with the arguments', async () => {
  const { gnu, ours } = await runBoth(['-k', '--tag', chatty, ':::', 'a b', 'c', ':::', '1']);
  assert.equal(ours.stdout, gnu.stdout);
  assert.equal(ours.stderr, gnu.stderr);
});

test('--line-buffer prints whole lines, and with -k in order', async () => {
  const unordered = await runBoth(['--line-buffer', '-j3', chatty, ':::', 'a', 'b', 'c']);
  assert.deepEqual(sortedLines(unordered.ours.stdout), sortedLines(unordered.gnu.stdout));
  const ordered = await runBoth(['--lb', '-k', '-j3', chatty, ':::', 'a', 'b', 'c']);
  assert.equal(ordered.ours.stdout, ordered.gnu.stdout);
  const tagged = await runBoth(['--lb', '-k', '--tag', 'printf "x\\ny"', ':::', 'a', 'b']);
  assert.equal(tagged.ours.stdout, tagged.gnu.stdout);
});

test('-u passes output straight through', async () => {
  const { gnu, ours } = await runBoth(['-u', '-j1', chatty, ':::', 'a', 'b']);
  assert.equal(ours.stdout, gnu.stdout);
  assert.equal(ours.stderr, gnu.stderr);
});

test('output without a final newline and binary bytes survive unchanged', async () => {
  const { gnu, ours } = await runBoth(['-k', "printf 'no newline {}'; printf '\\001\\377\\000'", ':::', '1', '2']);
  assert.equal(ours.stdout, gnu.stdout);
});

test('--dry-run prints the commands and runs nothing', async () => {
  const { gnu, ours } = await runBoth(['--dry-run', '-k', 'touch', '/nonexistent/should-not-exist-{}', ':::', 'a', 'b']);
  assert.equal(ours.stdout, gnu.stdout);
  assert.equal(ours.status, 0);
});

test('--progress, --bar and --eta write to stderr only', async () => {
  for (const flag of ['--progress', '--bar', '--eta']) {
    const { gnu, ours } = await runBoth(['-k', flag, 'echo', ':::', 'a', 'b', 'c']);
    assert.equal(ours.stdout, gnu.stdout, flag);
    assert.notEqual(ours.stderr, '', flag);
    assert.equal(ours.status, 0);
  }
});

test('jobs see PARALLEL_SEQ and PARALLEL_JOBSLOT', async () => {
  const { gnu, ours } = await runBoth(['-k', '-j1', 'echo $PARALLEL_SEQ $PARALLEL_JOBSLOT', ':::', 'a', 'b']);
  assert.equal(ours.stdout, gnu.stdout);
});
