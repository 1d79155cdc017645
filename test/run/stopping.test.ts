/**
 * How runs stop, against GNU parallel: signals (the --termseq, exit 255, killed jobs neither
 * printed nor logged, so --resume reruns them), --halt now, --timeout's termseq, and SIGHUP
 * (no new jobs, the running ones finish). Each run is checked for orphans through /proc.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { processTable } from '../process-table.js';
import { cli, requireGnuParallel, runGnu, runOurs, stableJoblog, temporaryDirectory, waitForFile, waitUntil, within, withTestProcesses, type TestProcesses } from './helpers.js';

before(requireGnuParallel);
const temp = temporaryDirectory();
after(temp.remove);

function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

const runners = {
  gnu: (args: string[], env: Record<string, string>) => spawn('parallel', args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { ...process.env, PARALLEL_SHELL: '/bin/sh', ...env } }),
  ours: (args: string[], env: Record<string, string>) => spawn(process.execPath, [cli, 'run', ...args], { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { ...process.env, PARALLEL_SHELL: '/bin/sh', ...env } }),
};

/**
 * Starts a runner among `processes`, calls `poke` once `ready` exists, and collects what it
 * printed; whatever it leaves running is ended by withTestProcesses.
 */
async function signalled(processes: TestProcesses, who: keyof typeof runners, args: string[], ready: string[], poke: (pid: number) => void, readyLog?: string) {
  const child = runners[who](args, processes.env);
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout!.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    for (const file of ready) await waitForFile(file);
    // The fast job was printed and logged: its line is in the joblog.
    if (readyLog !== undefined) await waitUntil(() => readFileSync(readyLog, 'utf8').includes('\n1\t'), `job 1 in ${readyLog}`);
    poke(child.pid!);
    const status = await within(exited, `${who} to exit after the signal`);
    await new Promise((resolve) => setImmediate(resolve));
    return { status, stdout: Buffer.concat(stdout).toString(), stderr: Buffer.concat(stderr).toString() };
  } finally {
    if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
  }
}

function pidsIn(dir: string, names: string[]): number[] {
  return names.filter((name) => existsSync(path.join(dir, `${name}.pid`))).map((name) => Number(readFileSync(path.join(dir, `${name}.pid`), 'utf8')));
}

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`2. ${signal}: exit 255, killed jobs neither printed nor logged, --resume reruns them, no orphan`, () => withTestProcesses(async (processes) => {
    const results: Record<string, { status: number | null; stdout: string; log: string[][] }> = {};
    for (const who of ['gnu', 'ours'] as const) {
      const dir = path.join(temp.dir, `${signal}-${who}`);
      mkdirSync(dir, { recursive: true });
      const log = path.join(dir, 'log');
      const script = `case {} in fast) echo fast;; *) echo partial {}; sleep 30 & echo $! > ${dir}/{}.pid; wait;; esac`;
      const run = await signalled(processes, who, ['-k', '-j3', '--joblog', log, script, ':::', 'fast', 'a', 'b'],
        [path.join(dir, 'a.pid'), path.join(dir, 'b.pid'), log], (pid) => process.kill(pid, signal), log);
      const pids = pidsIn(dir, ['a', 'b']);
      assert.equal(pids.length, 2);
      results[who] = { status: run.status, stdout: run.stdout, log: stableJoblog(readFileSync(log, 'utf8')) };
      // GNU exits right after its final KILL; only our own runner must have reaped everything.
      if (who === 'ours') assert.deepEqual(pids.filter(isAlive), [], 'jobs left running');
    }
    assert.equal(results.ours!.status, 255);
    assert.equal(results.ours!.status, results.gnu!.status);
    assert.equal(results.ours!.stdout, results.gnu!.stdout);
    assert.doesNotMatch(results.ours!.stdout, /partial/);
    assert.deepEqual(results.ours!.log.map((row) => row[0]), results.gnu!.log.map((row) => row[0]));
  }));
}

test('2. --resume after a signal reruns exactly the killed jobs', () => withTestProcesses(async (processes) => {
  const outputs: Record<string, string> = {};
  for (const who of ['gnu', 'ours'] as const) {
    const dir = path.join(temp.dir, `resume-${who}`);
    mkdirSync(dir, { recursive: true });
    const log = path.join(dir, 'log');
    await signalled(processes, who, ['-k', '-j3', '--joblog', log, `case {} in fast) echo fast;; *) touch ${dir}/{}.pid; sleep 30;; esac`, ':::', 'fast', 'a', 'b'],
      [path.join(dir, 'a.pid'), path.join(dir, 'b.pid')], (pid) => process.kill(pid, 'SIGTERM'), log);
    const resume = who === 'gnu' ? runGnu : runOurs;
    outputs[who] = (await resume(['--resume', '-k', '--joblog', log, 'echo again {}', ':::', 'fast', 'a', 'b'], { env: processes.env })).stdout;
  }
  assert.equal(outputs.ours, outputs.gnu);
  assert.equal(outputs.ours, 'again a\nagain b\n');
}));

test('2 and 4. the --termseq reaches a job that traps TERM three times, then KILL', () => withTestProcesses(async (processes) => {
  const counts: Record<string, string[]> = {};
  for (const who of ['gnu', 'ours'] as const) {
    const dir = path.join(temp.dir, `termseq-${who}`);
    mkdirSync(dir, { recursive: true });
    // A loop of builtins runs the trap at once; with `sleep` in it the shell runs the trap only
    // when sleep ends, and on a loaded machine two TERMs 50 ms apart could merge into one.
    const script = (name: string) => `trap 'echo T >> ${dir}/${name}' TERM; touch ${dir}/${name}.up; while :; do :; done; : {}`;
    await signalled(processes, who, ['-j2', script('signal'), ':::', 'x'], [path.join(dir, 'signal.up')], (pid) => process.kill(pid, 'SIGTERM'));
    const run = who === 'gnu' ? runGnu : runOurs;
    const timedOut = await run(['--timeout', '0.3', script('timeout'), ':::', 'x'], { env: processes.env });
    assert.equal(timedOut.status, 1, who);
    const custom = await run(['--timeout', '0.3', '--termseq', 'TERM,150,KILL,25', script('custom'), ':::', 'x'], { env: processes.env });
    assert.equal(custom.status, 1, who);
    // No file: the job ran no trap at all.
    counts[who] = ['signal', 'timeout', 'custom'].map((name) => (existsSync(path.join(dir, name)) ? readFileSync(path.join(dir, name), 'utf8') : ''));
  }
  // The default sequence ends TERM, 50 ms, KILL: on a loaded machine the job's shell may not run
  // its third trap within those 50 ms, for GNU parallel as for us, so 2 TERMs count as reached.
  for (const who of ['gnu', 'ours'] as const) {
    const [signal, timeout, custom] = counts[who]!.map((log) => log.split('\n').length - 1);
    // GNU parallel itself, signalled under load (seen twice in CI under Deno), has ended before its
    // job ran a single trap: the reference is checked when it delivered anything; ours always is.
    const signalFloor = who === 'gnu' && signal === 0 ? 0 : 2;
    assert.ok(signal! >= signalFloor && signal! <= 3, `${who}: the signal's termseq reached the job ${signal} times`);
    assert.ok(timeout! >= 2 && timeout! <= 3, `${who}: the timeout's termseq reached the job ${timeout} times`);
    assert.equal(custom, 1, `${who}: TERM,150,KILL,25 sends one TERM`);
  }
}));

test('3. --halt now kills the running jobs without printing or logging them', () => withTestProcesses(async (processes) => {
  const logs: Record<string, string[][]> = {};
  const script = 'if [ {} = fail ]; then sleep 0.3; exit 9; fi; echo started {}; sleep 30';
  const gnuLog = path.join(temp.dir, 'halt.gnu');
  const ourLog = path.join(temp.dir, 'halt.ours');
  const gnu = await runGnu(['-j2', '--joblog', gnuLog, '--halt', 'now,fail=1', script, ':::', 'slow', 'fail'], { env: processes.env });
  const ours = await runOurs(['-j2', '--joblog', ourLog, '--halt', 'now,fail=1', script, ':::', 'slow', 'fail'], { env: processes.env });
  logs.gnu = stableJoblog(readFileSync(gnuLog, 'utf8'));
  logs.ours = stableJoblog(readFileSync(ourLog, 'utf8'));
  assert.equal(ours.status, 9);
  assert.equal(ours.status, gnu.status);
  assert.equal(ours.stdout, gnu.stdout);
  assert.equal(ours.stdout, '');
  assert.deepEqual(logs.ours, logs.gnu);
  assert.equal(logs.ours.length, 2); // the header and the failed job only
}));

test('11. SIGHUP: no new job starts, the running ones finish and are printed', () => withTestProcesses(async (processes) => {
  const results: Record<string, { status: number | null; stdout: string; started: boolean[] }> = {};
  for (const who of ['gnu', 'ours'] as const) {
    const dir = path.join(temp.dir, `hup-${who}`);
    mkdirSync(dir, { recursive: true });
    const run = await signalled(processes, who, ['-j1', `touch ${dir}/{}; sleep 0.5; echo done {}`, ':::', 'a', 'b', 'c'],
      [path.join(dir, 'a')], (pid) => process.kill(pid, 'SIGHUP'));
    results[who] = { status: run.status, stdout: run.stdout, started: ['a', 'b', 'c'].map((name) => existsSync(path.join(dir, name))) };
    if (who === 'ours') assert.match(run.stderr, /SIGHUP received\. No new jobs will be started/);
  }
  assert.deepEqual(results.ours, results.gnu);
  assert.deepEqual(results.ours!.started, [true, false, false]);
  assert.equal(results.ours!.stdout, 'done a\n');
}));

test('a test that fails halfway leaves none of the processes it started, GNU parallel\'s busy-looping job as ours', async () => {
  for (const who of ['gnu', 'ours'] as const) {
    const dir = path.join(temp.dir, `left-${who}`);
    mkdirSync(dir, { recursive: true });
    const recorded: { runner?: number; job?: number; jobGroup?: number } = {};
    const failing = withTestProcesses(async (processes) => {
      const child = runners[who](['-j2', `echo $$ > ${dir}/{}.tmp && mv ${dir}/{}.tmp ${dir}/{}.pid; while :; do :; done`, ':::', 'job'], processes.env);
      recorded.runner = child.pid;
      await waitForFile(path.join(dir, 'job.pid'));
      recorded.job = Number(readFileSync(path.join(dir, 'job.pid'), 'utf8'));
      recorded.jobGroup = processTable().find((entry) => entry.pid === recorded.job)?.pgrp;
      assert.equal(recorded.jobGroup, recorded.job, `${who} runs each job in a process group of its own`);
      throw new Error('a deliberate failure while the job runs');
    });
    await assert.rejects(failing, /a deliberate failure/);
    const left = processTable().filter((entry) => entry.state !== 'Z' && [recorded.runner, recorded.job].some((pid) => entry.pid === pid || entry.pgrp === pid));
    assert.deepEqual(left, [], `${who}: the runner's group or the job's group is still running`);
  }
});
