import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { cli } from './helpers.js';

/** True while a process exists and is not a zombie waiting to be reaped. */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false; // no /proc entry: the process is gone
  }
}

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`${signal} stops every job and the processes they started, leaving no orphan`, async () => {
    // Each job starts a grandchild (a background sleep) and reports both pids, then waits. The
    // `: {}` keeps the argument from being appended to `wait`.
    const runner = spawn(process.execPath, [cli, 'run', '-u', '-j3', 'sleep 300 & echo $$ $!; wait; : {}', ':::', 'a', 'b', 'c'], {
      stdio: ['ignore', 'pipe', 'inherit'],
      detached: true, // our own process group, so the finally below can clean up everything
    });
    const exited = new Promise<number | null>((resolve) => runner.on('close', (code) => resolve(code)));
    try {
      const pids: number[] = [];
      const lines = createInterface({ input: runner.stdout });
      for await (const line of lines) {
        pids.push(...line.split(' ').map(Number));
        if (pids.length === 6) break;
      }
      assert.ok(pids.every(isAlive));
      runner.kill(signal);
      const status = await exited;
      assert.equal(status, signal === 'SIGTERM' ? 143 : 130);
      assert.deepEqual(pids.filter(isAlive), []);
    } finally {
      if (runner.exitCode === null && runner.signalCode === null) process.kill(-runner.pid!, 'SIGKILL');
    }
  });
}
