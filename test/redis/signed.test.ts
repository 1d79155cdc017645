/**
 * Signed work: with a secret, a worker runs only jobs signed with it and signs its results, and
 * the pool reads only results signed with it. Refusals happen before anything is decoded, and a
 * mismatch of configuration says which side lacks the secret.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { serialize } from 'node:v8';
import { JobRejectedError, Pool, type ModuleTask } from 'multicore';
import { listeningQueue, remoteTasks, startRedis, startWorker, stopWorker, type RedisServer, type WorkerProcess } from './servers.js';
import { envelope } from './wire.js';

const add: ModuleTask<(a: number, b: number) => number> = { module: remoteTasks, name: 'add' };
const secret = 'correct horse battery staple, twice';

function rejected(by: 'worker' | 'pool', reason: RegExp) {
  return (error: JobRejectedError) => {
    assert.ok(error instanceof JobRejectedError, String(error));
    assert.equal(error.code, 'ERR_JOB_REJECTED');
    assert.equal(error.rejectedBy, by);
    assert.match(error.message, reason);
    return true;
  };
}

describe('signed work over Redis', () => {
  let redis: RedisServer;
  let dir: string;
  let signedWorker: WorkerProcess;
  let envWorker: WorkerProcess;
  let plainWorker: WorkerProcess;

  before(async () => {
    redis = await startRedis();
    dir = mkdtempSync(join(tmpdir(), 'multicore-secret-'));
    const secretFile = join(dir, 'secret');
    writeFileSync(secretFile, `${secret}\n`, { mode: 0o600 });
    signedWorker = await startWorker(redis.url, { queue: 'signed', args: ['--secret-file', secretFile] });
    envWorker = await startWorker(redis.url, { queue: 'signed-env', env: { MULTICORE_SECRET: secret } });
    plainWorker = await startWorker(redis.url, { queue: 'plain' });
  });

  after(async () => {
    for (const worker of [signedWorker, envWorker, plainWorker]) await stopWorker(worker);
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a pool and workers with the same secret work as without one (file or environment)', async () => {
    assert.match(signedWorker.banner, /signed jobs only/);
    assert.doesNotMatch(signedWorker.banner + envWorker.banner, /horse/);
    for (const queue of ['signed', 'signed-env']) {
      const pool = new Pool({ backend: 'redis', redis: redis.url, queue, secret });
      try {
        assert.deepEqual(await pool.starmap(add, [[1, 2], [3, 4]]), [3, 7]);
        assert.deepEqual(await pool.map({ module: remoteTasks, name: 'echo' } as ModuleTask<(x: unknown) => unknown>, [new Map([[1, new Date(0)]]), 2n ** 70n]), [new Map([[1, new Date(0)]]), 2n ** 70n]);
      } finally {
        await pool.terminate();
      }
    }
  });

  it('unsigned or wrongly signed jobs are rejected by the worker, which lives on', async () => {
    const unsigned = new Pool({ backend: 'redis', redis: redis.url, queue: 'signed' });
    const wrong = new Pool({ backend: 'redis', redis: redis.url, queue: 'signed', secret: 'another secret, just as long' });
    const right = new Pool({ backend: 'redis', redis: redis.url, queue: 'signed', secret });
    try {
      await assert.rejects(unsigned.apply(add, [1, 2]), rejected('worker', /the job is not signed, and a secret is set here/));
      await assert.rejects(wrong.apply(add, [1, 2]), rejected('worker', /signature is wrong/));
      // Written straight into Redis: the deadly payload of fault 1, unsigned, is refused for that alone.
      const { queue, events, close } = await listeningQueue(signedWorker.queue, redis.port);
      try {
        const job = await queue.add('add', envelope(serialize({ task: 'add', start: 0, spread: true, settle: false, items: [new Array(2 ** 32 - 1)] })));
        await assert.rejects(job.waitUntilFinished(events), /ERR_JOB_REJECTED: the job is not signed/);
      } finally {
        await close();
      }
      assert.equal(signedWorker.child.exitCode, null);
      assert.equal(await right.apply(add, [20, 22]), 42);
    } finally {
      for (const pool of [unsigned, wrong, right]) await pool.terminate();
    }
  });

  it('a pool with a secret refuses the unsigned results of a worker without one, and says so', async () => {
    const pool = new Pool({ backend: 'redis', redis: redis.url, queue: 'plain', secret });
    try {
      await assert.rejects(pool.apply(add, [1, 2]), rejected('pool', /its result was refused: the result is not signed/));
    } finally {
      await pool.terminate();
    }
  });
});
