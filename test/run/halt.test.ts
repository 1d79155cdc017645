import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { parseHalt } from '../../src/run/halt.js';
import { requireGnuParallel, runBoth, withTestProcesses } from './helpers.js';

before(requireGnuParallel);

test('exit status is the number of failed jobs', async () => {
  const { gnu, ours } = await runBoth(['exit {}', ':::', '0', '1', '2', '0', '3']);
  assert.equal(ours.status, gnu.status);
  assert.equal(ours.status, 3);
});

test('exit status is capped at 101 failed jobs', async () => {
  const jobs = Array.from({ length: 105 }, (_, i) => String(i));
  const { gnu, ours } = await runBoth(['-j4', 'exit 1', ':::', ...jobs]);
  assert.equal(ours.status, gnu.status);
  assert.equal(ours.status, 101);
});

// -j1 makes the order of events deterministic for both runners.
const cases: { name: string; args: string[] }[] = [
  { name: 'soon,fail=1 stops at the first failure with its exit status', args: ['--halt', 'soon,fail=1', 'echo {}; exit {}', ':::', '0', '4', '0'] },
  { name: 'now,fail=1', args: ['--halt', 'now,fail=1', 'echo {}; exit {}', ':::', '0', '7', '0'] },
  { name: 'the shorthand 2 means now,fail=1', args: ['--halt', '2', 'echo {}; exit {}', ':::', '0', '3', '0'] },
  { name: 'soon,fail=2 counts failures', args: ['--halt', 'soon,fail=2', 'echo {}; exit {}', ':::', '1', '0', '2', '0', '5'] },
  { name: 'fail=50% is a share of all jobs', args: ['--halt', 'soon,fail=50%', 'echo {}; exit {}', ':::', '0', '1', '1', '0'] },
  { name: 'now,success=1 stops at the first success with status 0', args: ['--halt', 'now,success=1', 'echo {}; exit {}', ':::', '1', '0', '1'] },
  { name: 'soon,done=2 stops after two jobs', args: ['--halt', 'soon,done=2', 'echo {}; exit {}', ':::', '1', '3', '1'] },
  { name: 'a failure by signal gives 128 + signal', args: ['--halt', 'now,fail=1', 'kill -TERM $$', ':::', 'x', 'y'] },
  { name: 'never halts', args: ['--halt', 'never', 'echo {}; exit {}', ':::', '1', '0', '2'] },
];

for (const { name, args } of cases) {
  test(`--halt ${name}`, async () => {
    const { gnu, ours } = await runBoth(['-j1', '-k', ...args]);
    assert.equal(ours.stdout, gnu.stdout);
    assert.equal(ours.status, gnu.status);
  });
}

test('--halt now kills the running jobs', () => withTestProcesses(async (processes) => {
  const { gnu, ours } = await runBoth(['-j2', '--halt', 'now,fail=1', 'if [ {} = fail ]; then exit 9; fi; sleep 30; echo late', ':::', 'slow', 'fail'], { env: processes.env });
  assert.equal(ours.status, gnu.status);
  assert.equal(ours.status, 9);
  assert.doesNotMatch(ours.stdout, /late/);
}));

test('parseHalt reads every documented form', () => {
  assert.deepEqual(parseHalt('now,fail=1'), { when: 'now', why: 'fail', threshold: 1, percent: false });
  assert.deepEqual(parseHalt('1'), { when: 'soon', why: 'fail', threshold: 1, percent: false });
  assert.deepEqual(parseHalt('-2'), { when: 'now', why: 'success', threshold: 1, percent: false });
  assert.deepEqual(parseHalt('20%'), { when: 'soon', why: 'fail', threshold: 0.2, percent: true });
  assert.equal(parseHalt('never'), undefined);
  assert.equal(parseHalt('0'), undefined);
  assert.throws(() => parseHalt('later,fail=1'), /--halt/);
});
