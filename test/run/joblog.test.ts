import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { requireGnuParallel, runGnu, runOurs, stableJoblog, temporaryDirectory, type Result } from './helpers.js';

before(requireGnuParallel);
const temp = temporaryDirectory();
after(temp.remove);

/** Runs the same command line through both with a joblog each; returns results and logs. */
async function withJoblogs(args: string[], name: string, keep = false) {
  const gnuLog = path.join(temp.dir, `${name}.gnu.log`);
  const ourLog = path.join(temp.dir, `${name}.ours.log`);
  if (!keep) {
    rmSync(gnuLog, { force: true });
    rmSync(ourLog, { force: true });
  }
  const gnu: Result = await runGnu(['--joblog', gnuLog, ...args]);
  const ours: Result = await runOurs(['--joblog', ourLog, ...args]);
  return { gnu, ours, gnuLog: readFileSync(gnuLog, 'utf8'), ourLog: readFileSync(ourLog, 'utf8') };
}

test('the joblog has GNU columns: Seq Host Starttime JobRuntime Send Receive Exitval Signal Command', async () => {
  const run = await withJoblogs(['-k', 'echo {}; exit {}', ':::', '0', '1', '2', '7'], 'columns');
  assert.equal(run.ourLog.split('\n')[0], run.gnuLog.split('\n')[0]);
  assert.deepEqual(stableJoblog(run.ourLog), stableJoblog(run.gnuLog));
  assert.equal(run.ours.status, run.gnu.status);
  assert.equal(run.ours.status, 3);
  const [, first] = run.ourLog.split('\n');
  const fields = first!.split('\t');
  assert.match(fields[2]!, /^\d{10}\.\d{3}$/);
  assert.match(fields[3]!, /^ {4,}\d+\.\d{3}$/);
});

test('a job killed by a signal is logged with its signal number', async () => {
  const run = await withJoblogs(['kill -9 $$', ':::', '1'], 'signal');
  assert.deepEqual(stableJoblog(run.ourLog), stableJoblog(run.gnuLog));
  assert.equal(run.ours.status, run.gnu.status);
});

test('--resume skips logged jobs; --resume-failed reruns the failed ones', async () => {
  await withJoblogs(['-k', 'echo {}; exit {}', ':::', '0', '1', '0'], 'resume');
  const resumed = await withJoblogs(['--resume', '-k', 'echo R{}; exit {}', ':::', '0', '1', '0', '3'], 'resume', true);
  assert.equal(resumed.ours.stdout, resumed.gnu.stdout);
  assert.equal(resumed.ours.status, resumed.gnu.status);
  assert.deepEqual(stableJoblog(resumed.ourLog), stableJoblog(resumed.gnuLog));
  const failed = await withJoblogs(['--resume-failed', '-k', 'echo F{}; exit 0', ':::', '0', '1', '0', '3', '5'], 'resume', true);
  assert.equal(failed.ours.stdout, failed.gnu.stdout);
  assert.equal(failed.ours.status, failed.gnu.status);
  assert.deepEqual(stableJoblog(failed.ourLog), stableJoblog(failed.gnuLog));
});

test('--retries reruns a failing job and logs and prints only its last attempt', async () => {
  const counter = path.join(temp.dir, 'attempts');
  rmSync(counter, { force: true });
  const run = await withJoblogs(['-k', '--retries', '3', `echo try >> ${counter}.{}; echo out{}; exit {}`, ':::', '0', '5'], 'retries');
  assert.equal(run.ours.stdout, run.gnu.stdout);
  assert.equal(run.ours.status, run.gnu.status);
  assert.deepEqual(stableJoblog(run.ourLog), stableJoblog(run.gnuLog));
  // Both ran job 2 three times and job 1 once.
  assert.equal(readFileSync(`${counter}.5`, 'utf8'), 'try\n'.repeat(6));
  assert.equal(readFileSync(`${counter}.0`, 'utf8'), 'try\n'.repeat(2));
});

test('--timeout kills a job: exit -1, signal 15 in the joblog, and it counts as failed', async () => {
  const run = await withJoblogs(['-k', '--timeout', '1', 'echo s{}; sleep {}; echo e{}', ':::', '0.1', '30'], 'timeout');
  assert.equal(run.ours.stdout, run.gnu.stdout);
  assert.equal(run.ours.status, run.gnu.status);
  assert.deepEqual(stableJoblog(run.ourLog), stableJoblog(run.gnuLog));
});

test('--timeout N% kills a job running far longer than the median of the successful ones', async () => {
  // Four 0.2 s jobs set the median; the 20 s job is killed at about 3 × that.
  const run = await withJoblogs(['-j1', '-k', '--timeout', '300%', 'sleep {}; echo {}', ':::', '0.2', '0.2', '0.2', '0.2', '20'], 'timeout-percent');
  assert.equal(run.ours.stdout, run.gnu.stdout);
  assert.equal(run.ours.status, run.gnu.status);
  assert.equal(run.ours.status, 1);
  assert.deepEqual(stableJoblog(run.ourLog), stableJoblog(run.gnuLog));
});

test('--dry-run writes no joblog', async () => {
  for (const [name, run] of [['gnu', runGnu], ['ours', runOurs]] as const) {
    const log = path.join(temp.dir, `dry.${name}.log`);
    const result = await run(['--joblog', log, '--dry-run', 'echo', ':::', 'a']);
    assert.equal(result.status, 0);
    assert.equal(result.stdout, 'echo a\n');
    assert.equal(existsSync(log), false, name);
  }
});
