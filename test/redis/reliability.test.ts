import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Pool, RemoteJobFailedError, type ModuleTask } from 'multicore';
import { remoteTasks, startRedis, startWorker, stopWorker, type WorkerProcess } from './servers.js';
import { reasons, unsupportedOn } from '../runtimes/support.js';

const napWho: ModuleTask<(value: number) => [number, number]> = { module: remoteTasks, name: 'napWho' };
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** Runs imapUnordered over `count` items, calling `midway` once after the first result. */
async function runWith(pool: Pool, count: number, midway: (firstPid: number) => Promise<void>): Promise<[number, number][]> {
  const seen: [number, number][] = [];
  let called = false;
  for await (const result of pool.imapUnordered(napWho, range(count), { chunksize: 1 })) {
    seen.push(result);
    if (!called) {
      called = true;
      await midway(result[1]);
    }
  }
  return seen;
}

function assertEachOnce(seen: [number, number][], count: number): void {
  const values = seen.map(([value]) => value).sort((a, b) => a - b);
  assert.deepEqual(values, range(count), 'every item exactly once');
}

describe('reliability over Redis', () => {
  it('a worker killed with SIGKILL mid-map: another worker takes its jobs and every result arrives once', async () => {
    const redis = await startRedis();
    const killed = await startWorker(redis.url, { threads: 2 });
    let rescuer: WorkerProcess | undefined;
    const pool = new Pool({ backend: 'redis', redis: redis.url });
    try {
      const seen = await runWith(pool, 30, async () => {
        // The killed worker holds running jobs now: it took the first ones, alone.
        assert.equal((await stopWorker(killed, 'SIGKILL')).signal, 'SIGKILL');
        rescuer = await startWorker(redis.url, { threads: 2 });
      });
      assertEachOnce(seen, 30);
      assert.ok(seen.some(([, pid]) => pid === rescuer!.pid), 'the second worker finished the work');
    } finally {
      await pool.terminate();
      if (rescuer !== undefined) await stopWorker(rescuer);
      await redis.stop();
    }
  });

  const sigterm = 'SIGTERM: the worker finishes its running jobs, exits 0, and the others finish the map';
  it(sigterm, { skip: unsupportedOn({ deno: reasons.denoExitStatus }, sigterm) }, async () => {
    const redis = await startRedis();
    const leaving = await startWorker(redis.url, { threads: 1 });
    const staying = await startWorker(redis.url, { threads: 1 });
    const pool = new Pool({ backend: 'redis', redis: redis.url });
    try {
      let exit: { code: number | null; signal: string | null } | undefined;
      const seen = await runWith(pool, 30, async () => {
        exit = await stopWorker(leaving, 'SIGTERM');
      });
      assert.deepEqual(exit, { code: 0, signal: null });
      assertEachOnce(seen, 30);
    } finally {
      await pool.terminate();
      await stopWorker(staying);
      await redis.stop();
    }
  });

  it('Redis restarting empty mid-map: lost jobs are added again and the map completes', async () => {
    const redis = await startRedis();
    const worker = await startWorker(redis.url, { threads: 2 });
    const pool = new Pool({ backend: 'redis', redis: redis.url });
    try {
      const seen = await runWith(pool, 30, async () => {
        await redis.kill();
        await redis.start();
      });
      assertEachOnce(seen, 30);
    } finally {
      await pool.terminate();
      await stopWorker(worker);
      await redis.stop();
    }
  });

  it('mapSettled: a job that stalls past the limit is one rejected item, the rest fulfil', { timeout: 90_000 }, async () => {
    const redis = await startRedis();
    // Four threads, so that the long item never holds up the short ones.
    const doomed = await startWorker(redis.url, { threads: 4 });
    let finder: WorkerProcess | undefined;
    const pool = new Pool({ backend: 'redis', redis: redis.url });
    const slowWho: ModuleTask<(value: number, ms: number) => [number, number]> = { module: remoteTasks, name: 'slowWho' };
    try {
      let killed = false;
      const outcomes = await pool.starmapSettled(slowWho, [[1, 0], [2, 0], [3, 0], [4, 600_000]], {
        chunksize: 1,
        onProgress: ({ done }) => {
          if (done < 3 || killed) return;
          killed = true;
          // The worker dies holding the long job; the next one, allowed no stall, fails it for good.
          void stopWorker(doomed, 'SIGKILL').then(async () => {
            finder = await startWorker(redis.url, { threads: 1, args: ['--max-stalls', '0'] });
          });
        },
      });
      assert.deepEqual(outcomes.slice(0, 3).map((outcome) => outcome.status === 'fulfilled' && outcome.value[0]), [1, 2, 3]);
      assert.equal(outcomes[3]!.status, 'rejected');
      const reason = (outcomes[3] as PromiseRejectedResult).reason as RemoteJobFailedError;
      assert.ok(reason instanceof RemoteJobFailedError, String(reason));
      assert.equal(reason.code, 'ERR_REMOTE_JOB_FAILED');
      assert.deepEqual(reason.items, [3]);
      assert.match(reason.message, /stalled/);
    } finally {
      await pool.terminate();
      if (finder !== undefined) await stopWorker(finder);
      await redis.stop();
    }
  });

  it('attempts: a chunk whose task throws is run again, and only the last error is reported', async () => {
    const redis = await startRedis();
    // One thread, so that the fixture's call counter sees every attempt.
    const worker = await startWorker(redis.url, { threads: 1 });
    const flaky: ModuleTask<(key: string, failures: number) => number> = { module: remoteTasks, name: 'flaky' };
    const patient = new Pool({ backend: 'redis', redis: redis.url, attempts: 3, backoff: 10 });
    const hasty = new Pool({ backend: 'redis', redis: redis.url });
    try {
      assert.equal(await patient.apply(flaky, ['a', 2]), 3, 'third attempt succeeded');
      await assert.rejects(patient.apply(flaky, ['b', 5]), /transient failure 3 for b/);
      await assert.rejects(hasty.apply(flaky, ['c', 1]), /transient failure 1 for c/);
    } finally {
      await patient.terminate();
      await hasty.terminate();
      await stopWorker(worker);
      await redis.stop();
    }
  });
});
