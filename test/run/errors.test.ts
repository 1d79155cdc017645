import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { parseJobs } from '../../src/run/jobs.js';
import { cli, requireGnuParallel, runBoth, runOurs } from './helpers.js';

before(requireGnuParallel);

test('an unknown option exits 255 with a message naming it', async () => {
  const { gnu, ours } = await runBoth(['--no-such-option', 'echo', ':::', 'a']);
  assert.equal(ours.status, 255);
  assert.equal(ours.status, gnu.status);
  assert.match(ours.stderr, /unknown option '--no-such-option'/);
  assert.equal(ours.stdout, '');
});

test('a GNU option outside the subset is named as unsupported', async () => {
  for (const option of ['--pipepart', '--tty', '--color', '--filter', '--process-slot-var', '--no-keep-order', '-S']) {
    const ours = await runOurs([option, 'x', 'echo', ':::', 'a']);
    assert.equal(ours.status, 255, option);
    assert.match(ours.stderr, new RegExp(`option ${option} of GNU parallel is not supported`), option);
  }
});

test('bad values exit 255 naming the option and what it expects', async () => {
  for (const [args, pattern] of [
    [['-j', 'abc', 'echo', ':::', 'a'], /-j\/--jobs expects/],
    [['-j', '-99', 'echo', ':::', 'a'], /-j\/--jobs '-99' leaves no job/],
    [['--halt', 'sometimes', 'echo', ':::', 'a'], /--halt expects/],
    [['--timeout', 'soon', 'echo', ':::', 'a'], /--timeout expects/],
    [['--joblog'], /--joblog expects a value/],
  ] as const) {
    const { gnu, ours } = await runBoth([...args]);
    assert.equal(ours.status, 255, args.join(' '));
    assert.equal(ours.status, gnu.status, args.join(' '));
    assert.match(ours.stderr, pattern);
  }
});

test('--retries must be a whole number (GNU parallel silently reads a non-number as 0)', async () => {
  const ours = await runOurs(['--retries', 'x', 'echo', ':::', 'a']);
  assert.equal(ours.status, 255);
  assert.match(ours.stderr, /--retries expects a whole number; got 'x'/);
});

test('-j accepts N, N%, +N, -N and 0', async () => {
  for (const jobs of ['1', '3', '50%', '200%', '+1', '-1', '0']) {
    const { gnu, ours } = await runBoth(['-k', '-j', jobs, 'echo', ':::', 'a', 'b', 'c']);
    assert.equal(ours.stdout, gnu.stdout, jobs);
    assert.equal(ours.status, 0, jobs);
  }
  assert.equal(parseJobs('4', 2), 4);
  assert.equal(parseJobs('50%', 2), 1);
  assert.equal(parseJobs('75%', 2), 2);
  assert.equal(parseJobs('150%', 2), 3);
  assert.equal(parseJobs('10%', 2), 1);
  assert.equal(parseJobs('+2', 4), 6);
  assert.equal(parseJobs('-1', 4), 3);
  assert.ok(parseJobs('0', 2) > 100);
});

test('bundled short options and --name=value forms are read like GNU parallel', async () => {
  const { gnu, ours } = await runBoth(['-kj2', '--tag', '--colsep=,', 'echo', '{2}'], { stdin: 'a,b\nc,d\n' });
  assert.equal(ours.stdout, gnu.stdout);
});

test('--help and --version exit 0', async () => {
  const help = await runOurs(['--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /Usage: multicore run/);
  const version = await runOurs(['--version']);
  assert.equal(version.status, 0);
});

test('the multicore command lists run among its subcommands', () => {
  const listing = spawnSync(process.execPath, [cli, '--help'], { encoding: 'utf8' });
  assert.equal(listing.status, 0);
  assert.match(listing.stdout, /^ {2}run +run shell jobs in parallel/m);
});
