/**
 * `multicore run --redis`: jobs queued on a real redis-server, run by two `multicore worker
 * --shell` processes on this machine. Output order, -k, --halt, --retries and the joblog behave
 * as GNU parallel's local run; a worker killed with SIGKILL mid-run loses no job.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startRedis, type RedisServer } from '../redis/servers.js';
import { cli, requireGnuParallel, runGnu, runOurs, stableJoblog, temporaryDirectory } from './helpers.js';

before(requireGnuParallel);
const temp = temporaryDirectory();
let redis: RedisServer;
const workers: ChildProcess[] = [];

/** A `multicore worker --shell` on `queue`, once it says it runs jobs; fails if it exits first. */
async function startShellWorker(queue: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [cli, 'worker', '--shell', '--redis', redis.url, '--queue', queue, '--jobs', '2'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, PARALLEL_SHELL: '/bin/sh' },
  });
  workers.push(child);
  let banner = '';
  for await (const chunk of child.stdout!) {
    banner += String(chunk);
    if (banner.includes('running shell jobs')) break;
  }
  assert.match(banner, /running shell jobs/, `the worker exited before it ran jobs (exit ${child.exitCode}, ${child.signalCode})`);
  child.stdout!.resume();
  return child;
}

/** SIGTERM finishes the running jobs; a worker that has not exited 10 s later is killed. */
async function stopWorkers(): Promise<void> {
  await Promise.all(workers.splice(0).map(async (child) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const late = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(late);
  }));
}

/** Each test gets a bound, so a hang names its test instead of stalling the file. */
const bounded = { timeout: 120_000 };

before(async () => {
  redis = await startRedis();
});
after(async () => {
  await stopWorkers();
  await redis?.stop();
  temp.remove();
});

test('jobs run on the workers with the output, status and joblog of a local GNU parallel run', bounded, async () => {
  await startShellWorker('same');
  await startShellWorker('same');
  const remote = ['--redis', redis.url, '--queue', 'same'];
  for (const [name, args] of [
    ['order', ['-k', 'sleep 0.0$((5 - {})); echo out {}; echo err {} >&2; exit $(( {} % 3 ))', ':::', '1', '2', '3', '4']],
    ['halt', ['-j1', '-k', '--halt', 'soon,fail=1', 'echo {}; exit {}', ':::', '0', '4', '0']],
    ['tag', ['-k', '--tag', 'echo', ':::', 'a b', 'c']],
    ['pipe', ['-k', '--pipe', '--block', '10', 'wc', '-l']],
  ] as const) {
    const input = name === 'pipe' ? { stdin: 'a\nb\nc\nd\ne\nf\ng\nh\n' } : {};
    const gnuLog = path.join(temp.dir, `${name}.gnu`);
    const ourLog = path.join(temp.dir, `${name}.ours`);
    const gnu = await runGnu(['--joblog', gnuLog, ...args], input);
    const ours = await runOurs([...remote, '--joblog', ourLog, ...args], input);
    assert.equal(ours.stdout, gnu.stdout, name);
    // The "halting" message is worded our own way (docs/run.md); the jobs' own stderr is not.
    if (name !== 'halt') assert.equal(ours.stderr, gnu.stderr, name);
    assert.equal(ours.status, gnu.status, name);
    assert.deepEqual(stableJoblog(readFileSync(ourLog, 'utf8')), stableJoblog(readFileSync(gnuLog, 'utf8')), name);
  }
  await stopWorkers();
});

test('jobs that finish before the runner listens for them still deliver their output', bounded, async () => {
  await startShellWorker('fast');
  await startShellWorker('fast');
  const values = Array.from({ length: 80 }, (_, i) => String(i));
  const ours = await runOurs(['--redis', redis.url, '--queue', 'fast', '-k', '-j8', 'echo {}', ':::', ...values]);
  assert.equal(ours.stderr, '');
  assert.equal(ours.stdout, values.map((value) => `${value}\n`).join(''));
  assert.equal(ours.status, 0);
  await stopWorkers();
});

test('--retries reruns a failing job on the workers', bounded, async () => {
  await startShellWorker('retries');
  const counter = path.join(temp.dir, 'attempts');
  const ours = await runOurs(['--redis', redis.url, '--queue', 'retries', '--retries', '3', `echo x >> ${counter}; [ $(wc -l < ${counter}) -ge 3 ] && echo ok {}`, ':::', 'a']);
  assert.equal(ours.stdout, 'ok a\n');
  assert.equal(ours.status, 0);
  assert.equal(readFileSync(counter, 'utf8'), 'x\n'.repeat(3));
  await stopWorkers();
});

test('a worker killed with SIGKILL mid-run loses no job: another one runs it', bounded, async () => {
  // The victim starts alone, so the jobs it holds when it dies are certain: with two workers
  // from the start, the one BullMQ wakes first can run all twelve before the other wakes.
  const victim = await startShellWorker('kill');
  const marks = path.join(temp.dir, 'marks');
  mkdirSync(marks);
  const values = Array.from({ length: 12 }, (_, i) => String(i + 1));
  let finished = false;
  const run = runOurs(['--redis', redis.url, '--queue', 'kill', '-k', '-j4', `touch ${marks}/{}.$PPID; sleep 0.5; echo done {}`, ':::', ...values]);
  run.then(() => (finished = true), () => (finished = true));
  while (!readdirSync(marks).some((name) => name.endsWith(`.${victim.pid!}`))) {
    assert.equal(finished, false, 'the run ended before the victim started a job');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await startShellWorker('kill');
  victim.kill('SIGKILL');
  const ours = await run;
  assert.equal(ours.stdout, values.map((value) => `done ${value}\n`).join(''));
  assert.equal(ours.status, 0);
  await stopWorkers();
});

test('options that need the job on this machine are refused with --redis', bounded, async () => {
  for (const option of [['--timeout', '1'], ['-u'], ['--halt', 'now,fail=1']]) {
    const ours = await runOurs(['--redis', redis.url, ...option, 'echo', ':::', 'a']);
    assert.equal(ours.status, 255, option.join(' '));
    assert.match(ours.stderr, /not supported with --redis/, option.join(' '));
  }
});
