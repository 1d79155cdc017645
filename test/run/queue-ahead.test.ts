/**
 * Jobs queued in the spawner helper ahead of a free slot (src/run/queue-ahead.ts): which runs do
 * it, the helper's queue itself (driven through HelperLauncher, with and without the system
 * call numbers that spare it the POSIX module), and runs whose jobs start from the queue: each
 * job exactly once, in order under -k, never two in one slot, still timed out and stopped, and
 * the same output as when every job is started from our side (a child process per job).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { CommandLines } from '../../src/run/command-lines.js';
import { findExecutable, heldKillsLimitMs, HelperLauncher } from '../../src/run/launch/helper-launcher.js';
import type { QueuedJobEvents } from '../../src/run/launch/launcher.js';
import { spawnerConstants } from '../../src/run/launch/spawner-script.js';
import { parseRunArgs } from '../../src/run/options.js';
import { queuesAhead } from '../../src/run/queue-ahead.js';
import { processTable } from '../process-table.js';
import { cli, runOurs, stableJoblog, temporaryDirectory, waitForFile, waitUntil, within, withTestProcesses, type TestProcesses } from './helpers.js';

const temp = temporaryDirectory();
after(temp.remove);
const viaNode = { MULTICORE_RUN_SPAWNER: 'node' };

test('jobs are queued ahead only where nothing decided at a start can differ', () => {
  const queues = (args: string[]) => {
    const options = parseRunArgs([...args, ':::', 'a'], {});
    return queuesAhead(options, new CommandLines(options, () => []));
  };
  for (const args of [['echo'], ['-k', '-j3', 'echo {#}'], ['--timeout', '1', '--joblog', 'log', 'echo'], ['-u', 'echo'], ['--tag', 'echo']]) {
    assert.equal(queues(args), true, args.join(' '));
  }
  for (const args of [
    ['--halt', 'now,fail=1', 'echo'], ['--retries', '2', 'echo'], ['--delay', '0.1', 'echo'], ['--load', '100%', 'echo'],
    ['--memfree', '1M', 'echo'], ['--progress', 'echo'], ['--bar', 'echo'], ['-v', 'echo'], ['-t', 'echo'], ['--dry-run', 'echo'],
    ['echo {%}'], ['--plus', 'echo {0%}'], ['--plus', 'echo {slot}'], ['--tagstring', '{%}', 'echo'],
  ]) {
    assert.equal(queues(args), false, args.join(' '));
  }
});

interface Frame {
  kind: 'started' | 'output' | 'exited' | 'withdrawn' | 'failed';
  seq: number;
  slot?: number;
  text?: string;
}

/** A helper with `slots` slots (its jobs get `env` too), and what it reports of each job, in the order it reports it. */
function queueingHelper(slots: number, constants: string, shell = '/bin/sh', env: Record<string, string> = {}) {
  const perl = findExecutable('perl');
  assert.ok(perl !== undefined, 'perl is needed by the spawner helper tests (perl-base is on every Debian system)');
  const launcher = new HelperLauncher(perl, shell, { ...process.env, ...env }, undefined, slots, constants);
  const frames: Frame[] = [];
  const startTimes: (number | undefined)[] = [];
  let ended = 0;
  let onEnd: (() => void) | undefined;
  const end = () => {
    ended++;
    onEnd?.();
  };
  const enqueue = (seq: number, command: string) => {
    const events: QueuedJobEvents = {
      started: (slot, epochMs) => {
        frames.push({ kind: 'started', seq, slot });
        startTimes.push(epochMs);
      },
      output: (_stream, chunk) => frames.push({ kind: 'output', seq, text: chunk.toString() }),
      startFailed: (error) => frames.push({ kind: 'failed', seq, text: error.message }),
      launchFailed: (error) => {
        frames.push({ kind: 'failed', seq, text: error.message });
        end();
      },
      closed: (code) => {
        frames.push({ kind: 'exited', seq, text: String(code) });
        end();
      },
      withdrawn: () => {
        frames.push({ kind: 'withdrawn', seq });
        end();
      },
    };
    return launcher.enqueue({ command, seq, attempt: 1, stdio: 'pipe' }, events);
  };
  /** Resolves once `count` jobs have ended in all (exited, failed or withdrawn). */
  const ends = (count: number) => new Promise<void>((resolve) => {
    onEnd = () => {
      if (ended >= count) resolve();
    };
    onEnd();
  });
  return { launcher, frames, startTimes, enqueue, ends };
}

const constantSets = [
  ['with system call numbers', spawnerConstants()],
  ['with the POSIX module', spawnerConstants(false)],
] as const;

for (const [how, constants] of constantSets) {
  test(`the helper starts queued jobs in order, never more than its slots at once, each in a free slot (${how})`, async () => {
    const helper = queueingHelper(2, constants);
    const before = Date.now();
    const starts: number[] = [];

    for (let seq = 1; seq <= 8; seq++) {
      // Uneven lengths, so that the jobs end out of order and slots free in any order.
      helper.enqueue(seq, `echo $PARALLEL_SEQ $PARALLEL_JOBSLOT; sleep 0.0${(seq * 7) % 5}`);
    }
    await helper.ends(8);
    await helper.launcher.close();
    const running = new Map<number, number>(); // slot -> seq
    for (const frame of helper.frames) {
      if (frame.kind === 'started') {
        starts.push(frame.seq);
        assert.ok(frame.slot === 1 || frame.slot === 2, `slot ${frame.slot}`);
        assert.equal(running.has(frame.slot), false, `job ${frame.seq} started in slot ${frame.slot}, which job ${running.get(frame.slot!)} held`);
        running.set(frame.slot, frame.seq);
      }
      if (frame.kind === 'output') {
        const [seq, slot] = frame.text!.trim().split(' ').map(Number);
        assert.equal(seq, frame.seq);
        assert.equal(running.get(slot!), frame.seq, 'PARALLEL_JOBSLOT is the slot reported');
      }
      if (frame.kind === 'exited') {
        assert.equal(frame.text, '0');
        const slot = [...running].find(([, seq]) => seq === frame.seq)![0];
        running.delete(slot);
      }
    }
    assert.deepEqual(starts, [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.equal(helper.frames.filter((frame) => frame.kind === 'exited').length, 8);
    // The helper's clock for each start, when it has one finer than seconds (perl-base may not).
    const now = Date.now();
    for (const epochMs of helper.startTimes) if (epochMs !== undefined) assert.ok(epochMs >= before - 1 && epochMs <= now + 1, `start at ${epochMs}, run from ${before} to ${now}`);
  });

  test(`a queued job taken back never starts; a started one is not taken back (${how})`, () => withTestProcesses(async (processes) => {
    const dir = path.join(temp.dir, `withdraw-${how.replaceAll(' ', '-')}`);
    mkdirSync(dir);
    const helper = queueingHelper(1, constants, '/bin/sh', processes.env);
    const first = helper.enqueue(1, `touch ${dir}/1; while [ ! -e ${dir}/go ]; do sleep 0.01; done`);
    const second = helper.enqueue(2, `touch ${dir}/2`);
    await waitForFile(path.join(dir, '1'));
    first.withdraw(); // started: nothing happens to it
    second.withdraw();
    await within(helper.ends(1), 'job 2 to be taken back');
    assert.deepEqual(helper.frames.filter((frame) => frame.kind !== 'output'), [{ kind: 'started', seq: 1, slot: 1 }, { kind: 'withdrawn', seq: 2 }]);
    mkdirSync(path.join(dir, 'go'));
    await within(helper.ends(2), 'job 1 to end');
    await helper.launcher.close();
    assert.deepEqual(helper.frames.at(-1), { kind: 'exited', seq: 1, text: '0' });
    assert.deepEqual(readdirSync(dir).sort(), ['1', 'go']);
  }));

  test(`a job whose shell cannot be executed is reported as not started, each on its own (${how})`, async () => {
    // A directory passes the check for an executable, and its exec fails with EACCES.
    const helper = queueingHelper(2, constants, temp.dir);
    for (let seq = 1; seq <= 3; seq++) helper.enqueue(seq, 'true');
    await helper.ends(3);
    await helper.launcher.close();
    const failed = helper.frames.filter((frame) => frame.kind === 'failed');
    assert.deepEqual(failed.map((frame) => frame.seq).sort(), [1, 2, 3]);
    for (const frame of failed) assert.match(frame.text!, /Permission denied/);
    assert.equal(helper.frames.filter((frame) => frame.kind === 'exited').length, 0);
  });
}

/** A one-slot helper whose job 1 (touches dir/1, then sleeps) has started, and the helper's pid. */
async function helperWithJobOne(name: string, env: Record<string, string>) {
  const dir = path.join(temp.dir, name);
  mkdirSync(dir);
  const helper = queueingHelper(1, spawnerConstants(), '/bin/sh', env);
  const first = helper.enqueue(1, `touch ${dir}/1; exec sleep 30`);
  await waitUntil(() => helper.frames.some((frame) => frame.kind === 'started'), 'job 1 to start');
  const jobPid = (first as unknown as { pid: number }).pid;
  const helperPid = processTable().find((entry) => entry.pid === jobPid)?.ppid;
  assert.ok(helperPid !== undefined, 'the helper is the parent of the job it started');
  return { dir, helper, first, jobPid, helperPid };
}

test('a kill sent after a take-back frees no slot for the job taken back, however late the helper reads it', () => withTestProcesses(async (processes) => {
  const { dir, helper, first, jobPid, helperPid } = await helperWithJobOne('late-take-back', processes.env);
  // The helper is busy (stopped here; a failure leaves it to withTestProcesses' SIGKILL) while
  // the take-backs are on their way: a request longer than the pipe holds keeps them behind it,
  // as a runtime that writes from another thread, later, would.
  process.kill(helperPid, 'SIGSTOP');
  const second = helper.enqueue(2, `touch ${dir}/2`);
  const third = helper.enqueue(3, `: ${'x'.repeat(300_000)}`);
  second.withdraw();
  third.withdraw();
  let killed = false;
  first.stop((pid) => {
    process.kill(pid, 'SIGTERM');
    killed = true;
  });
  if (killed) {
    // Sent at once: the job dies before the helper runs again, which is the worst case.
    await waitUntil(() => processTable().find((entry) => entry.pid === jobPid)?.state === 'Z', `job 1 (pid ${jobPid}) to die of its SIGTERM`);
  }
  process.kill(helperPid, 'SIGCONT');
  await within(helper.ends(3), 'the three jobs to end');
  assert.deepEqual(helper.frames.filter((frame) => frame.kind !== 'output'), [
    { kind: 'started', seq: 1, slot: 1 }, { kind: 'withdrawn', seq: 2 }, { kind: 'withdrawn', seq: 3 }, { kind: 'exited', seq: 1, text: 'null' },
  ]);
  assert.deepEqual(readdirSync(dir), ['1']);
  await helper.launcher.close();
}));

test('a helper that does not answer its take-backs (stopped from outside) still has its running jobs killed', () => withTestProcesses(async (processes) => {
  const { dir, helper, first, helperPid } = await helperWithJobOne('unanswered-take-back', processes.env);
  process.kill(helperPid, 'SIGSTOP');
  helper.enqueue(2, `touch ${dir}/2`).withdraw();
  // The helper stays stopped until the kill has gone: it can answer nothing before.
  const killed = new Promise<void>((resolve) => first.stop((pid) => {
    process.kill(pid, 'SIGTERM');
    resolve();
  }));
  await within(killed, `the kill of job 1, held at most ${heldKillsLimitMs} ms for the helper's answer`);
  process.kill(helperPid, 'SIGCONT');
  await within(helper.ends(2), 'both jobs to end');
  assert.deepEqual(helper.frames.filter((frame) => frame.kind !== 'output').sort((a, b) => a.seq - b.seq), [
    { kind: 'started', seq: 1, slot: 1 }, { kind: 'exited', seq: 1, text: 'null' }, { kind: 'withdrawn', seq: 2 },
  ]);
  assert.deepEqual(readdirSync(dir), ['1']);
  await helper.launcher.close();
}));

test('a shell that cannot be executed fails each job the same way whether it was queued or not', async () => {
  const results = [];
  // {%} makes the run start each job from our side; `: {%}` changes nothing else.
  for (const command of ['echo {}', 'echo {}; : {%}']) {
    const log = path.join(temp.dir, `noexec-${results.length}.log`);
    const result = await runOurs(['-k', '--joblog', log, command, ':::', 'a', 'b', 'c'], { env: { PARALLEL_SHELL: temp.dir } });
    results.push({ status: result.status, stderr: result.stderr, log: stableJoblog(readFileSync(log, 'utf8')).map((row) => row.slice(0, -1)) });
  }
  assert.deepEqual(results[0], results[1]);
  assert.equal(results[0]!.status, 3);
  assert.match(results[0]!.stderr, /cannot start job 3: Permission denied/);
});

test('every job runs exactly once, in order under -k, and is logged once', async () => {
  const log = path.join(temp.dir, 'once.log');
  const count = 300;
  const values = Array.from({ length: count }, (_, index) => String(index + 1));
  const result = await runOurs(['-k', '-j3', '--joblog', log, 'echo {}; echo err {} >&2', ':::', ...values]);
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout, values.map((value) => `${value}\n`).join(''));
  assert.equal(result.stderr, values.map((value) => `err ${value}\n`).join(''));
  const rows = stableJoblog(readFileSync(log, 'utf8')).slice(1);
  assert.deepEqual(rows.map((row) => row[0]).sort((a, b) => Number(a) - Number(b)), values);
  for (const row of rows) assert.equal(row.at(-1), `echo ${row[0]}; echo err ${row[0]} >&2`);
});

test('never two running jobs in one slot, and every slot within -j', async () => {
  const dir = path.join(temp.dir, 'slots');
  mkdirSync(dir);
  // mkdir fails if another running job holds the slot's directory.
  const script = `mkdir ${dir}/$PARALLEL_JOBSLOT || exit 9; sleep 0.0$(( {} % 4 )); rmdir ${dir}/$PARALLEL_JOBSLOT; echo $PARALLEL_JOBSLOT`;
  const result = await runOurs(['-j3', script, ':::', ...Array.from({ length: 60 }, (_, index) => String(index))]);
  assert.equal(result.status, 0, result.stderr);
  assert.deepEqual([...new Set(result.stdout.trim().split('\n'))].sort(), ['1', '2', '3']);
});

test('the output is the same as when each job is started from our side', async () => {
  const args = ['-k', '-j2', '--tag', 'printf "%s\\n" {}; echo e{} >&2; case {} in b) exit 4;; c) kill -TERM $$;; esac', ':::', 'a', 'b', 'c', 'd', 'e'];
  const queued = await runOurs(args);
  const direct = await runOurs(args, { env: viaNode });
  assert.deepEqual(queued, direct);
  assert.equal(queued.status, 2);
});

test('a command line too long stops the run where it would have started, as without the queue', async () => {
  const args = ['-k', '-j1', 'echo {}'];
  const stdin = `a\nb\n${'x'.repeat(200_000)}\nc\n`;
  const queued = await runOurs(args, { stdin });
  const direct = await runOurs(args, { stdin, env: viaNode });
  assert.equal(queued.status, 255);
  assert.equal(queued.stdout, 'a\nb\n');
  assert.deepEqual(queued, direct);
});

test('--timeout kills the jobs the helper started from its queue', { timeout: 60_000 }, () => withTestProcesses(async (processes) => {
  const results = [];
  for (const env of [{}, viaNode]) {
    const log = path.join(temp.dir, `timeout-${results.length}.log`);
    const result = await runOurs(['-k', '-j1', '--timeout', '0.5', '--joblog', log, 'case {} in slow*) sleep 30;; esac; echo {}', ':::', 'slow1', 'slow2', 'fast'], { env: { ...env, ...processes.env } });
    results.push({ ...result, log: stableJoblog(readFileSync(log, 'utf8')) });
  }
  assert.deepEqual(results[0], results[1]);
  assert.equal(results[0]!.stdout, 'fast\n');
  assert.deepEqual(results[0]!.log.slice(1).map((row) => row.slice(4, 6)), [['-1', '15'], ['-1', '15'], ['0', '0']]);
}));

/** Starts the CLI among `processes` (withTestProcesses ends whatever it leaves running). */
function startRun(processes: TestProcesses, args: string[]) {
  const child = spawn(process.execPath, [cli, 'run', ...args], { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { ...process.env, PARALLEL_SHELL: '/bin/sh', ...processes.env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    child,
    /** Resolves once stderr holds `text`. */
    saidOnStderr: async (text: string) => {
      await waitUntil(() => {
        if (child.exitCode !== null) assert.fail(`the run ended without saying ${text}: ${stderr}`);
        return stderr.includes(text);
      }, `the run to say ${text}`);
    },
    exited: async () => ({ status: await within(exited, 'the run to exit'), stdout, stderr }),
  };
}

test('the helper starts the next job when one ends, even while our process is stopped', { timeout: 60_000 }, () => withTestProcesses(async (processes) => {
  const dir = path.join(temp.dir, 'stopped');
  mkdirSync(dir);
  const run = startRun(processes, ['-k', '-j1', `touch ${dir}/{}; [ {} != 1 ] || while [ ! -e ${dir}/go ]; do sleep 0.01; done; echo {}`, ':::', '1', '2', '3']);
  await waitForFile(path.join(dir, '1'));
  process.kill(run.child.pid!, 'SIGSTOP');
  mkdirSync(path.join(dir, 'go'));
  // Nothing of ours runs now: only the helper can start jobs 2 and 3.
  await waitUntil(() => existsSync(path.join(dir, '3')), 'jobs 2 and 3 to start while the runner is stopped', 30_000);
  process.kill(run.child.pid!, 'SIGCONT');
  const result = await run.exited();
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout, '1\n2\n3\n');
}));

test('SIGTERM: the jobs still queued never start, and none is logged', { timeout: 60_000 }, () => withTestProcesses(async (processes) => {
  const dir = path.join(temp.dir, 'term');
  mkdirSync(dir);
  const log = path.join(dir, 'log');
  const run = startRun(processes, ['-j1', '--joblog', log, `touch ${dir}/{}; sleep 30`, ':::', '1', '2', '3', '4', '5']);
  await waitForFile(path.join(dir, '1'));
  process.kill(run.child.pid!, 'SIGTERM');
  const result = await run.exited();
  assert.equal(result.status, 255);
  assert.equal(result.stdout, '');
  assert.deepEqual(readdirSync(dir).sort(), ['1', 'log']);
  assert.equal(stableJoblog(readFileSync(log, 'utf8')).length, 1); // the header only
}));

test('SIGHUP: the jobs still queued never start; we wait for the started one alone', { timeout: 60_000 }, () => withTestProcesses(async (processes) => {
  const dir = path.join(temp.dir, 'hup');
  mkdirSync(dir);
  const run = startRun(processes, ['-j1', `touch ${dir}/{}; while [ ! -e ${dir}/go ]; do sleep 0.01; done; echo done {}`, ':::', '1', '2', '3', '4']);
  await waitForFile(path.join(dir, '1'));
  process.kill(run.child.pid!, 'SIGHUP');
  // The job is let go only once the hangup is handled: jobs 2 to 4 are still queued then.
  await run.saidOnStderr('SIGHUP received');
  mkdirSync(path.join(dir, 'go'));
  const result = await run.exited();
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout, 'done 1\n');
  assert.match(result.stderr, /Waiting for these 1 jobs to finish/);
  assert.equal(result.stderr.split('\n').filter((line) => line.startsWith('multicore run: touch')).length, 1);
  assert.deepEqual(readdirSync(dir).sort(), ['1', 'go']);
}));
