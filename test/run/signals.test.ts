import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { cli, within, withTestProcesses } from './helpers.js';
import { reasons, unsupportedOn } from '../runtimes/support.js';

/** True while a process exists and is not a zombie waiting to be reaped. */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false; // no /proc entry: the process is gone
  }
}

const jobScripts = {
  'jobs that stop on SIGTERM': 'sleep 300 & echo $$ $!; wait; : {}',
  // SIGTERM ignored by the job and its child (ignored signals stay ignored across exec): only
  // the SIGKILL that follows stops them.
  'jobs that ignore SIGTERM': "trap '' TERM; sleep 300 & echo $$ $!; wait; : {}",
  // The job's shell dies at once; with -u nothing holds a pipe open to tell us its child lives on.
  'jobs whose children ignore SIGTERM': "(trap '' TERM; exec sleep 300) & echo $$ $!; wait; : {}",
};

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  for (const output of ['-u', '--line-buffer']) {
    for (const [kind, script] of Object.entries(jobScripts)) {
      const title = `${signal} stops every job and the processes they started, leaving no orphan (${output}, ${kind})`;
      test(title, { skip: unsupportedOn({ deno: reasons.denoExitStatus }, title) }, () => withTestProcesses(async (processes) => {
        // Each job starts a grandchild (a background sleep) and reports both pids, then waits.
        const runner = spawn(process.execPath, [cli, 'run', output, '-j3', script, ':::', 'a', 'b', 'c'], {
          stdio: ['ignore', 'pipe', 'inherit'],
          detached: true,
          env: { ...process.env, ...processes.env }, // whatever is left running, withTestProcesses ends
        });
        // 'exit', not 'close': a leftover job holding our pipe must fail the test, not hang it.
        const exited = new Promise<number | null>((resolve) => runner.on('exit', (code) => resolve(code)));
        const pids: number[] = [];
        const lines = createInterface({ input: runner.stdout });
        const reported = (async () => {
          for await (const line of lines) {
            pids.push(...line.split(' ').map(Number));
            if (pids.length === 6) break;
          }
        })();
        await within(reported, 'the three jobs to report their pids');
        assert.ok(pids.every(isAlive));
        runner.kill(signal);
        const status = await within(exited, `the runner to exit after ${signal}`);
        assert.equal(status, 255); // GNU parallel's status after a signal
        assert.deepEqual(pids.filter(isAlive), []);
      }));
    }
  }
}

// The timeout only turns a hang (the bug this guards against) into a failure.
const waitingForStdin = 'SIGINT ends a run that is waiting for more input on stdin';
test(waitingForStdin, { timeout: 60_000, skip: unsupportedOn({ deno: reasons.denoExitStatus }, waitingForStdin) }, async () => {
  const runner = spawn(process.execPath, [cli, 'run', 'echo'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => runner.on('exit', (code) => resolve(code)));
  try {
    runner.stdin.write('first\n'); // stdin stays open: more input could always come
    const lines = createInterface({ input: runner.stdout });
    for await (const line of lines) {
      assert.equal(line, 'first'); // the first job ran, so the runner is up and waiting
      break;
    }
    runner.kill('SIGINT');
    assert.equal(await exited, 255);
  } finally {
    if (runner.exitCode === null && runner.signalCode === null) runner.kill('SIGKILL');
  }
});
