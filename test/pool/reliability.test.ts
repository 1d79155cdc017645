import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Pool, TaskTimeoutError, WorkerCrashedError, WorkerInitError, type ModuleTask } from 'multicore';
import { backends, fixture, waitFor, withPool } from '../helpers.js';
import { reasons, unsupportedOn } from '../runtimes/support.js';

const tasks = fixture('tasks.mjs');
const ref = <F extends (...args: any[]) => unknown>(name: string): ModuleTask<F> => ({ module: tasks, name });
const spinForever = ref<() => never>('spinForever');
const workerIdentity = ref<() => string>('workerIdentity');
const greet = ref<(name: string) => string>('greet');
const sleepThen = ref<(ms: number, value: string) => string>('sleepThen');
const allocateForever = ref<() => never>('allocateForever');
const exitWorker = ref<(code: number) => never>('exitWorker');

for (const backend of backends) {
  describe(`initializer (${backend})`, () => {
    it('runs once in each worker before its first task, with initArgs', async () => {
      await withPool({ workers: 2, backend, initializer: ref('setGreeting'), initArgs: ['Hello'] }, async (pool) => {
        const greetings = await pool.map(greet, ['a', 'b', 'c', 'd', 'e', 'f'], { chunksize: 1 });
        assert.deepEqual(greetings, ['a', 'b', 'c', 'd', 'e', 'f'].map((name) => `Hello ${name} (initializer ran 1×)`));
      });
    });

    it('an inline initializer works too, and runs again in replacement workers', async () => {
      const options = { workers: 1, backend, maxTasksPerWorker: 2, initializer: (tag: string) => void ((globalThis as Record<string, unknown>).tag = tag), initArgs: ['tagged'] };
      await withPool(options, async (pool) => {
        const tags = await pool.map(() => (globalThis as Record<string, unknown>).tag, [1, 2, 3, 4, 5], { chunksize: 1 });
        assert.deepEqual(tags, ['tagged', 'tagged', 'tagged', 'tagged', 'tagged']);
      });
    });

    it('a throwing initializer fails pending and new tasks with ERR_WORKER_INIT and its cause, without respawning', async () => {
      await withPool({ workers: 2, backend, initializer: ref('failingInitializer') }, async (pool) => {
        const outcomes = await Promise.allSettled([pool.apply(() => 1), pool.map((x: number) => x, [1, 2, 3])]);
        for (const outcome of outcomes) {
          assert.equal(outcome.status, 'rejected');
          const error = (outcome as PromiseRejectedResult).reason as WorkerInitError & { cause: Error };
          assert.ok(error instanceof WorkerInitError);
          assert.equal(error.code, 'ERR_WORKER_INIT');
          assert.ok(error.cause instanceof RangeError);
          assert.equal(error.cause.message, 'no database here');
          assert.match(error.message, /initializer failed.*no database here.*Fix the initializer/);
        }
        await waitFor(() => pool.stats.workers === 0);
        await assert.rejects(pool.apply(() => 2), { code: 'ERR_WORKER_INIT' });
        assert.equal(pool.stats.workers, 0, 'no worker was respawned');
      });
    });
  });

  describe(`maxTasksPerWorker (${backend})`, () => {
    it('replaces a worker after that many items, losing nothing', async () => {
      await withPool({ workers: 1, backend, maxTasksPerWorker: 3 }, async (pool) => {
        const identities = await pool.map(workerIdentity, Array.from({ length: 10 }, () => null), { chunksize: 1 });
        assert.equal(identities.length, 10);
        const perWorker = new Map<string, number>();
        for (const id of identities) perWorker.set(id, (perWorker.get(id) ?? 0) + 1);
        assert.deepEqual([...perWorker.values()], [3, 3, 3, 1], 'each worker ran at most 3 items, in turn');
        assert.equal(pool.stats.workers, 1);
      });
    });
  });

  describe(`timeouts (${backend})`, () => {
    it('a per-call timeout fails the hung task with ERR_TASK_TIMEOUT; the others go on', async () => {
      await withPool({ workers: 2, backend }, async (pool) => {
        const hung = pool.apply(spinForever, [], { timeout: 200 });
        const others = pool.map((x: number) => x * 3, [1, 2, 3, 4], { chunksize: 1 });
        await assert.rejects(hung, (error: TaskTimeoutError) => {
          assert.ok(error instanceof TaskTimeoutError);
          assert.equal(error.code, 'ERR_TASK_TIMEOUT');
          assert.equal(error.timeout, 200);
          assert.equal(error.index, 0);
          assert.match(error.message, /timeout of 200 ms.*Raise `timeout`/);
          return true;
        });
        assert.deepEqual(await others, [3, 6, 9, 12]);
        assert.equal(await pool.apply(() => 'replaced'), 'replaced');
        assert.equal(pool.stats.workers, 2);
      });
    });

    it("the pool's taskTimeout applies to every item; a call's timeout overrides it", async () => {
      await withPool({ workers: 1, backend, taskTimeout: 1_000 }, async (pool) => {
        // Importing the task module counts against the timeout too: import it with time to spare.
        const warm = () => pool.apply(sleepThen, [1, 'warm'], { timeout: 120_000 });
        await warm();
        await assert.rejects(pool.apply(sleepThen, [60_000, 'late']), { code: 'ERR_TASK_TIMEOUT' });
        await warm();
        const error = await pool.starmap(sleepThen, [[1, 'a'], [10_000, 'b'], [1, 'c']], { chunksize: 3 }).catch((e: unknown) => e as TaskTimeoutError);
        assert.equal((error as TaskTimeoutError).index, 1, 'the error names the item that ran too long');
        assert.equal(await pool.apply(sleepThen, [300, 'allowed'], { timeout: 10_000 }), 'allowed');
      });
    });

    it('mapSettled reports the timed-out item and keeps the rest', async () => {
      await withPool({ workers: 2, backend }, async (pool) => {
        await pool.starmap(sleepThen, [[50, 'warm'], [50, 'warm']], { chunksize: 1, timeout: 120_000 });
        const outcomes = await pool.starmapSettled(sleepThen, [[1, 'a'], [60_000, 'b'], [1, 'c']], { chunksize: 1, timeout: 1_000 });
        assert.deepEqual(outcomes[0], { status: 'fulfilled', value: 'a' });
        assert.equal(outcomes[1]!.status, 'rejected');
        assert.equal(((outcomes[1] as PromiseRejectedResult).reason as TaskTimeoutError).code, 'ERR_TASK_TIMEOUT');
        assert.deepEqual(outcomes[2], { status: 'fulfilled', value: 'c' });
      });
    });
  });

  describe(`mapSettled and starmapSettled (${backend})`, () => {
    it('report every item like Promise.allSettled, in input order', async () => {
      await withPool({ workers: 2, backend }, async (pool) => {
        const outcomes = await pool.mapSettled(
          (x: number) => {
            if (x % 3 === 0) throw new RangeError(`bad ${x}`);
            return x * 2;
          },
          [1, 2, 3, 4, 5, 6, 7],
          { chunksize: 2 },
        );
        assert.deepEqual(
          outcomes.map((o) => (o.status === 'fulfilled' ? o.value : (o.reason as Error).message)),
          [2, 4, 'bad 3', 8, 10, 'bad 6', 14],
        );
        assert.ok((outcomes[2] as PromiseRejectedResult).reason instanceof RangeError);
        const pairs = await pool.starmapSettled((a: number, b: number) => a / b, [[1, 2], [3, 4]]);
        assert.deepEqual(pairs, [{ status: 'fulfilled', value: 0.5 }, { status: 'fulfilled', value: 0.75 }]);
      });
    });

    it('a crash fails only the items of its chunk', async () => {
      await withPool({ workers: 2, backend }, async (pool) => {
        const outcomes = await pool.mapSettled(
          (x: number) => {
            if (x === 2) process.exit(9);
            return x;
          },
          [0, 1, 2, 3, 4],
          { chunksize: 1 },
        );
        assert.deepEqual(outcomes.map((o) => o.status), ['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
        const error = (outcomes[2] as PromiseRejectedResult).reason as WorkerCrashedError;
        assert.equal(error.code, 'ERR_WORKER_CRASHED');
        assert.equal(error.exitCode, 9);
        assert.deepEqual(error.items, [2]);
      });
    });

    it('a task module that fails to load fails each item of the chunk', async () => {
      await withPool({ workers: 1, backend }, async (pool) => {
        const outcomes = await pool.mapSettled({ module: fixture('broken-import.mjs'), name: 'x' }, [1, 2], { chunksize: 2 });
        assert.deepEqual(outcomes.map((o) => o.status === 'rejected' && (o.reason as { code?: string }).code), ['ERR_TASK_LOAD', 'ERR_TASK_LOAD']);
      });
    });

    it('an abort still rejects the whole call', async () => {
      await withPool({ workers: 1, backend }, async (pool) => {
        const controller = new AbortController();
        const call = pool.mapSettled(spinForever, [1, 2], { signal: controller.signal });
        await waitFor(() => pool.stats.busy === 1);
        controller.abort();
        await assert.rejects(call, { name: 'AbortError' });
      });
    });
  });

  describe(`out of memory (${backend})`, () => {
    const outOfMemory = `out of memory (${backend}): fails only the task that ran out`;
    it('fails only the task that ran out, with a reason that says so', { skip: unsupportedOn(backend === 'thread' ? { bun: reasons.heapLimitsRefused, deno: reasons.heapLimitsRefused } : { bun: reasons.heapLimitsRefused }, outOfMemory) }, async () => {
      await withPool({ workers: 1, backend, resourceLimits: { maxOldGenerationSizeMb: 32 } }, async (pool) => {
        await assert.rejects(pool.apply(allocateForever), (error: WorkerCrashedError) => {
          assert.equal(error.code, 'ERR_WORKER_CRASHED');
          assert.match(error.message, /out of memory/);
          assert.deepEqual(error.items, [0]);
          return true;
        });
        assert.equal(await pool.apply(() => 'fresh heap'), 'fresh heap');
      });
    });
  });

  describe(`respawn storms (${backend})`, () => {
    it('a task module that kills every worker that imports it stops respawning after a few attempts', async () => {
      await withPool({ workers: 2, backend }, async (pool) => {
        const killer = { module: fixture('exits-on-import.mjs'), name: 'neverReached' };
        const outcomes = await Promise.allSettled(Array.from({ length: 20 }, () => pool.apply(killer)));
        const reasons = outcomes.map((o) => {
          assert.equal(o.status, 'rejected', 'every call settles, none succeeds');
          return (o as PromiseRejectedResult).reason as WorkerCrashedError;
        });
        assert.ok(reasons.every((error) => error.code === 'ERR_WORKER_CRASHED'));
        const whileImporting = reasons.filter((error) => /while importing its task module/.test(error.message));
        assert.ok(whileImporting.length >= 1 && whileImporting.length <= 6, `a few attempts (${whileImporting.length})`);
        assert.ok(reasons.some((error) => /in a row died while starting or importing a task module; not respawning\), so the pool runs no tasks/.test(error.message)));
        await waitFor(() => pool.stats.workers === 0);
        await assert.rejects(pool.apply(() => 1), { code: 'ERR_WORKER_CRASHED', message: /not respawning/ });
      });
    });
  });

  describe(`terminate and join never hang (${backend})`, () => {
    it('with every worker stuck in a synchronous loop', async () => {
      const pool = new Pool({ workers: 2, backend });
      const stuck = assert.rejects(pool.map(spinForever, [1, 2], { chunksize: 1 }), { code: 'ERR_POOL_TERMINATED' });
      await waitFor(() => pool.stats.busy === 2);
      pool.close();
      const joined = pool.join();
      await pool.terminate();
      await joined;
      await stuck;
      assert.equal(pool.stats.workers, 0);
    });

    it('after workers crashed', async () => {
      const pool = new Pool({ workers: 2, backend });
      await Promise.allSettled([pool.apply(exitWorker, [1]), pool.apply(exitWorker, [2])]);
      pool.close();
      await pool.join();
      assert.equal(pool.stats.workers, 0);
    });
  });
}

describe('crashes only a child process can survive (process)', () => {
  for (const signal of ['SIGKILL', 'SIGTERM'] as const) {
    it(`process.kill(process.pid, '${signal}') fails only the task in flight, with the signal`, async () => {
      await withPool({ workers: 2, backend: 'process' }, async (pool) => {
        const [killed, fine] = await Promise.allSettled([pool.apply(ref<(s: string) => never>('killSelf'), [signal]), pool.map((x: number) => x, [1, 2, 3])]);
        const error = (killed as PromiseRejectedResult).reason as WorkerCrashedError;
        assert.equal(error.code, 'ERR_WORKER_CRASHED');
        assert.equal(error.signal, signal);
        assert.equal(error.exitCode, null);
        assert.match(error.message, new RegExp(`killed by ${signal}`));
        assert.deepEqual(fine, { status: 'fulfilled', value: [1, 2, 3] });
        assert.equal(await pool.apply(() => 'alive'), 'alive');
      });
    });
  }

  it('process.abort() fails only the task in flight, with SIGABRT', async () => {
    await withPool({ workers: 1, backend: 'process' }, async (pool) => {
      await assert.rejects(pool.apply(ref('abortProcess')), { code: 'ERR_WORKER_CRASHED', signal: 'SIGABRT' });
      assert.equal(await pool.apply(() => 'alive'), 'alive');
    });
  });

  it('children exit when their parent is killed, even while stuck in a task', { skip: process.platform !== 'linux' && 'reads /proc', timeout: 60_000 }, async () => {
    const parent = spawn(process.execPath, [fileURLToPath(fixture('orphans-children.mjs'))], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    parent.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitFor(() => output.includes('\n'));
    const pids = JSON.parse(output) as number[];
    assert.ok(pids.length >= 1 && pids.every((pid) => existsSync(`/proc/${pid}`)), 'the children run');
    parent.kill('SIGKILL');
    // Their watcher notices the lost parent within a second; poll until they are gone.
    const gone = () => pids.every((pid) => !existsSync(`/proc/${pid}`) || /\) Z /.test(readStat(pid)));
    while (!gone()) await new Promise((resolve) => setTimeout(resolve, 50));
  });

  it('env, cwd and execArgv reach the children', { skip: unsupportedOn({ deno: reasons.denoExecArgv }, 'env, cwd and execArgv reach the children') }, async () => {
    const cwd = fileURLToPath(new URL('.', tasks));
    await withPool({ workers: 1, backend: 'process', env: { ...process.env, MULTICORE_TEST: 'yes' }, cwd, execArgv: [...process.execArgv, '--stack-size=900'] }, async (pool) => {
      const seen = await pool.apply(() => ({ env: process.env.MULTICORE_TEST, cwd: process.cwd(), execArgv: process.execArgv }));
      assert.equal(seen.env, 'yes');
      assert.equal(seen.cwd, cwd.replace(/\/$/, ''));
      assert.ok(seen.execArgv.includes('--stack-size=900'));
    });
  });
});

function readStat(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return ') Z '; // gone between the two reads
  }
}
