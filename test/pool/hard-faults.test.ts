/**
 * Faults that take more than a task's own code (issue 12): out of memory while an argument is
 * decoded, V8 fatal errors, file descriptors running out, tasks stuck in system calls or leaving
 * processes behind, inputs that throw, limits past what a timer can wait. Each failed before its fix.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Pool, WorkerCrashedError, WorkerInitError, type ModuleTask } from 'multicore';
import { backends, childProcesses, fixture, markFile, readMarks, waitFor, withPool } from '../helpers.js';
import { reasons, runtimeName, shellRunScript, unsupportedOn } from '../runtimes/support.js';

const run = promisify(execFile);
const edge = fixture('edge-tasks.mjs');
const ref = <F extends (...args: any[]) => unknown>(name: string): ModuleTask<F> => ({ module: edge, name });
const countEntries = ref<(list: unknown[]) => number>('countEntries');
const sqr = (x: number) => x * x;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

for (const backend of backends) {
  describe(`hard faults (${backend})`, () => {
    const fault3 = 'fault 3: a worker out of memory while decoding an argument fails the call with "out of memory", respawning bounded';
    const heapRefused = backend === 'thread' ? { bun: reasons.heapLimitsRefused, deno: reasons.heapLimitsRefused } : { bun: reasons.heapLimitsRefused };
    it(fault3, { skip: unsupportedOn(heapRefused, `${fault3} (${backend})`) }, async () => {
      await withPool({ workers: 1, backend, resourceLimits: { maxOldGenerationSizeMb: 32 } }, async (pool) => {
        const huge = Array.from({ length: 2e6 }, (_, i) => ({ i }));
        await assert.rejects(pool.apply(countEntries, [huge]), (error: WorkerCrashedError) => {
          assert.equal(error.code, 'ERR_WORKER_CRASHED');
          assert.match(error.message, /out of memory/);
          assert.match(error.message, /died while receiving the task's arguments/);
          return true;
        });
        assert.equal(await pool.apply(countEntries, [[1, 2, 3]]), 3, 'the pool goes on');
      });
    });

    it('fault 5: imap yields the results read before an input error, then throws it', async () => {
      function* input() {
        yield 0;
        yield 1;
        yield 2;
        throw new Error('when');
      }
      await withPool({ workers: 2, backend }, async (pool) => {
        for (const chunksize of [1, 2, 3, 5]) {
          const seen: number[] = [];
          await assert.rejects(
            (async () => {
              for await (const value of pool.imap(sqr, input(), { chunksize })) seen.push(value);
            })(),
            { message: 'when' },
          );
          assert.deepEqual(seen, [0, 1, 4], `chunksize ${chunksize}`);
        }
      });
    });

    it('fault 9: time limits a timer cannot wait are refused with a RangeError naming the option', async () => {
      assert.throws(() => new Pool({ workers: 1, backend, taskTimeout: 3e9 }), { name: 'RangeError', message: /taskTimeout must be at most 2147483647 ms/ });
      await withPool({ workers: 1, backend, taskTimeout: 2 ** 31 - 1 }, async (pool) => {
        await assert.rejects(pool.apply(() => 1, [], { timeout: 2 ** 31 }), { name: 'RangeError', message: /timeout must be at most/ });
        await assert.rejects(pool.map(sqr, [1], { timeout: 1e12 }), { name: 'RangeError', message: /timeout must be at most/ });
        assert.equal(await pool.apply(() => 'the longest limit works'), 'the longest limit works');
      });
    });
  });
}

describe('hard faults of the thread backend', () => {
  it('fault 11: a task blocked in a system call times out, and the pool goes on without its thread', { timeout: 60_000 }, async () => {
    const before = new Set(childProcesses().live);
    try {
      await withPool({ workers: 1 }, async (pool) => {
        await assert.rejects(pool.apply(ref<(s: number) => string>('sleepInSyscall'), [30], { timeout: 200 }), { code: 'ERR_TASK_TIMEOUT' });
        assert.equal(await pool.apply(() => 'replaced'), 'replaced');
        assert.equal(pool.stats.workers, 1);
      });
    } finally {
      // The `sleep` the stuck thread waits for was started by this test: end it, so the thread ends too.
      // Node's shell execs it; Bun's stays as its parent (`/bin/sh -c sleep 30`), and ends with it.
      for (const pid of childProcesses().live) {
        if (before.has(pid)) continue;
        const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ').filter(Boolean).map(Number);
        for (const sleeper of [pid, ...children]) if (readFileSync(`/proc/${sleeper}/cmdline`, 'utf8').startsWith('sleep')) process.kill(sleeper, 'SIGKILL');
      }
    }
  });

  it('fault 12: workers stopped while importing a task module leave no file open', { skip: process.platform !== 'linux' && 'reads /proc' }, async () => {
    const openModules = () => readdirSync('/proc/self/fd').filter((fd) => {
      try {
        return /\.m?js$/.test(readlinkSync(`/proc/self/fd/${fd}`));
      } catch {
        return false; // closed while we listed them
      }
    }).length;
    const before = openModules();
    await withPool({ workers: 1 }, async (pool) => {
      // tasks.mjs imports multicore itself: each new worker reads a few dozen module files.
      const spin = { module: fixture('tasks.mjs'), name: 'spinForever' } as ModuleTask<() => never>;
      // Deno keeps the thread and ~10 MB of each terminated worker, so each stop takes it seconds here; 6 still tell.
      const stops = runtimeName === 'deno' ? 6 : 30;
      for (let i = 0; i < stops; i++) await assert.rejects(pool.apply(spin, [], { timeout: 5 }), { code: 'ERR_TASK_TIMEOUT' });
    });
    // A read that a stopped worker had started finishes on libuv's thread pool and closes its file
    // a moment later, later still on a loaded machine: wait a bounded while. A leak stays open.
    const deadline = Date.now() + 10_000;
    while (openModules() !== before && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(openModules(), before, 'no module file left open');
  });

  const noThreads = 'issue 13.5: a pool whose threads cannot be created fails fast with ERR_WORKER_INIT naming how many started';
  it(noThreads, { skip: unsupportedOn({ bun: reasons.threadResourceLimits, deno: reasons.threadResourceLimits }, noThreads) }, async () => {
    // A stack no thread can get makes pthread_create fail with EAGAIN, as 10,000 workers do.
    const pool = new Pool({ workers: 4, resourceLimits: { stackSizeMb: 1e7 } });
    try {
      await assert.rejects(pool.apply(() => 1), (error: WorkerInitError & { cause: NodeJS.ErrnoException }) => {
        assert.ok(error instanceof WorkerInitError);
        assert.match(error.message, /Only 0 of the 4 workers of the pool could be started/);
        assert.match(String(error.cause.message), /EAGAIN/);
        return true;
      });
      assert.equal(pool.stats.workers, 0);
    } finally {
      await pool.terminate();
    }
  });
});

describe('hard faults of the process backend', () => {
  const fault10 = 'fault 10: a V8 fatal error (a huge spread) ends only its child process; on threads it aborts the program (docs/reliability.md)';
  it(fault10, { skip: unsupportedOn({ bun: reasons.heapLimitsRefused }, fault10) }, async () => {
    // The heap limit only makes it fail sooner and with less memory; without one V8 aborts on "invalid array length".
    await withPool({ workers: 1, backend: 'process', resourceLimits: { maxOldGenerationSizeMb: 128 } }, async (pool) => {
      await assert.rejects(pool.apply(ref<() => number>('spreadHugeArray')), (error: WorkerCrashedError) => {
        assert.equal(error.code, 'ERR_WORKER_CRASHED');
        assert.match(error.message, /out of memory/);
        return true;
      });
      assert.equal(await pool.apply(() => 'still here'), 'still here');
    });
  });

  it('fault 13: out of file descriptors, a replacement that cannot start fails the work cleanly', { skip: process.platform !== 'linux' && 'ulimit', timeout: 60_000 }, async () => {
    const script = fileURLToPath(fixture('exhausts-fds.mjs'));
    const { stdout } = await run('sh', ['-c', `ulimit -n 120 && exec ${shellRunScript(script)} process`], { encoding: 'utf8' });
    const { outcomes, workers } = JSON.parse(stdout) as { outcomes: { status: string; code?: string; cause?: string }[]; workers: number };
    assert.equal(outcomes.length, 8, 'every call settled');
    const failed = outcomes.filter((outcome) => outcome.status === 'rejected');
    assert.ok(failed.length > 0, 'some replacement could not start');
    for (const outcome of failed) assert.equal(outcome.code, 'ERR_WORKER_INIT');
    assert.ok(failed.some((outcome) => outcome.cause === 'EMFILE'), JSON.stringify(failed));
    assert.equal(workers, 0);
  });

  it('fault 14: a timed-out task does not leave the processes it started behind', { timeout: 30_000 }, async () => {
    await withPool({ workers: 1, backend: 'process' }, async (pool) => {
      const pids = markFile();
      await assert.rejects(pool.apply(ref<(file: string) => never>('spawnSleepThenSpin'), [pids], { timeout: 500 }), { code: 'ERR_TASK_TIMEOUT' });
      const [sleeper] = readMarks(pids).map(Number);
      assert.ok(sleeper !== undefined && sleeper > 0);
      await waitFor(() => !alive(sleeper));
    });
  });
});
