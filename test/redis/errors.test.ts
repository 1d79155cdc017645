import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { deserialize, serialize } from 'node:v8';
import { InlineRemoteError, Pool, RedisUnavailableError, TaskNotFoundError, TaskSerializationError, type ModuleTask } from 'multicore';
import { freePort, listeningQueue, remoteTasks, startRedis, startWorker, stopWorker, type RedisServer, type WorkerProcess } from './servers.js';
import { envelope, jobBytes, type Envelope } from './wire.js';

const ref = <F extends (...args: any[]) => unknown = (...args: any[]) => unknown>(name: string): ModuleTask<F> => ({ module: remoteTasks, name });

describe('errors over Redis', () => {
  let redis: RedisServer;
  let worker: WorkerProcess;
  let pool: Pool;

  before(async () => {
    redis = await startRedis();
    worker = await startWorker(redis.url);
    pool = new Pool({ backend: 'redis', redis: redis.url });
  });

  after(async () => {
    await pool.terminate();
    await stopWorker(worker);
    await redis.stop();
  });

  it('a task error keeps its class, message, properties, cause and the remote stack', async () => {
    const custom = (await pool.apply(ref<(field: string) => never>('throwCustom'), ['email']).catch((e: unknown) => e)) as Error & { field?: string };
    assert.equal(custom.name, 'ValidationError');
    assert.equal(custom.message, 'bad email');
    assert.equal(custom.field, 'email');
    assert.match(custom.stack ?? '', /at throwCustom \(.*fixtures\/tasks\.mjs/, 'frame from the worker (remote-tasks.mjs re-exports it)');
    assert.match(custom.stack ?? '', /<redis worker>/);
    assert.match(custom.stack ?? '', /errors\.test\.ts/, 'frame of the caller');

    const withCause = (await pool.apply(ref('throwWithCause')).catch((e: unknown) => e)) as TypeError & { cause: Error & { code: string } };
    assert.ok(withCause instanceof TypeError);
    assert.equal(withCause.cause.message, 'disk full');
    assert.equal(withCause.cause.code, 'ENOSPC');
  });

  it('map rejects with the failing item', async () => {
    await assert.rejects(pool.starmap(ref<(x: number, bad: number) => number>('failOn'), [[1, 3], [2, 3], [3, 3], [4, 3]]), (error: Error) => {
      assert.ok(error instanceof RangeError);
      assert.equal(error.message, 'item 3 is bad');
      return true;
    });
  });

  it('inline functions are refused with ERR_INLINE_REMOTE before anything is sent', async () => {
    await assert.rejects(pool.map((x: number) => x + 1, [1]), (error: InlineRemoteError) => {
      assert.ok(error instanceof InlineRemoteError);
      assert.equal(error.code, 'ERR_INLINE_REMOTE');
      assert.match(error.message, /task\(import\.meta, fn\)/);
      return true;
    });
  });

  it('a name the task module does not export fails with ERR_TASK_NOT_FOUND, prototype names included', async () => {
    for (const name of ['nope', 'constructor', '__proto__', 'toString']) {
      await assert.rejects(pool.apply(ref(name)), (error: TaskNotFoundError) => {
        assert.ok(error instanceof TaskNotFoundError);
        assert.equal(error.code, 'ERR_TASK_NOT_FOUND');
        return true;
      });
    }
  });

  it('the worker itself refuses unknown names and malformed jobs written straight into Redis', async () => {
    const { queue, events, close } = await listeningQueue(worker.queue, redis.port);
    try {
      for (const task of ['constructor', '__proto__', 'hasOwnProperty', 'missing']) {
        const job = await queue.add(task, envelope(jobBytes(task, [[]], true)));
        const result = (await job.waitUntilFinished(events)) as Envelope;
        const outcome = deserialize(Buffer.from(result.body, 'base64')) as { errors: [number, { props: { code: string } }][] };
        assert.equal(outcome.errors[0]![1].props.code, 'ERR_TASK_NOT_FOUND', task);
      }
      const malformed = await queue.add('square', { body: 'not base64 v8 data' });
      await assert.rejects(malformed.waitUntilFinished(events), /ERR_JOB_REJECTED/);
      const noEnvelope = await queue.add('square', { task: 'square', items: serialize([1]).toString('base64') } as never);
      await assert.rejects(noEnvelope.waitUntilFinished(events), /ERR_JOB_REJECTED: the job has no body string/);
    } finally {
      await close();
    }
  });

  it('values that cannot be serialized fail with ERR_TASK_SERIALIZATION naming the item', async () => {
    await assert.rejects(pool.map(ref<(value: unknown) => unknown>('echo'), [1, { callback: () => 1 }]), { code: 'ERR_TASK_SERIALIZATION', index: 1 });
  });

  it('a result that a thread hands back but Redis cannot carry fails its item with ERR_TASK_SERIALIZATION, the others fulfil', async () => {
    const outcomes = await pool.starmapSettled(ref<(value: number, shared: boolean) => unknown>('valueOrShared'), [[1, false], [2, true], [3, false]], { chunksize: 1 });
    assert.deepEqual(outcomes.map((outcome) => outcome.status), ['fulfilled', 'rejected', 'fulfilled']);
    assert.deepEqual([(outcomes[0] as PromiseFulfilledResult<unknown>).value, (outcomes[2] as PromiseFulfilledResult<unknown>).value], [1, 3]);
    const error = (outcomes[1] as PromiseRejectedResult).reason as TaskSerializationError;
    assert.ok(error instanceof TaskSerializationError, String(error));
    assert.equal(error.code, 'ERR_TASK_SERIALIZATION');
    assert.equal(error.index, 1);
    assert.match(error.message, /^The results of the job holding items from 1 cannot be sent back through Redis: #<SharedArrayBuffer> could not be cloned\. Return plain data \(/);
  });
});

describe('Redis unreachable', () => {
  it('fails with ERR_REDIS_UNAVAILABLE after redisTimeout instead of hanging', async () => {
    const port = await freePort(); // nothing listens there
    const pool = new Pool({ backend: 'redis', redis: `redis://127.0.0.1:${port}`, redisTimeout: 300 });
    try {
      await assert.rejects(pool.apply(ref<(a: number, b: number) => number>('add'), [1, 2]), (error: RedisUnavailableError) => {
        assert.ok(error instanceof RedisUnavailableError);
        assert.equal(error.code, 'ERR_REDIS_UNAVAILABLE');
        assert.equal(error.server, `127.0.0.1:${port}`);
        assert.match(error.message, /ECONNREFUSED/);
        return true;
      });
    } finally {
      await pool.terminate();
    }
  });
});

describe('redis options are validated', () => {
  it('names the option and what was expected', () => {
    assert.throws(() => new Pool({ backend: 'redis', redis: 'http://x' }), /redis must use redis:\/\/ or rediss:\/\//);
    assert.throws(() => new Pool({ backend: 'redis', redis: 42 as never }), TypeError);
    assert.throws(() => new Pool({ backend: 'redis', queue: 'a:b' }), RangeError);
    assert.throws(() => new Pool({ backend: 'redis', attempts: 0 }), RangeError);
    // @ts-expect-error a type error too (Redis-only option); here the run-time check is tested
    assert.throws(() => new Pool({ redis: 'redis://x' }), /applies only with backend: 'redis'/);
  });

  it('checks ports up front instead of failing later with NaN', () => {
    assert.throws(() => new Pool({ backend: 'redis', redis: 'redis://h:0' }), { name: 'RangeError', message: /redis port must be an integer from 1 to 65535, got 0/ });
    assert.throws(() => new Pool({ backend: 'redis', redis: { port: 'abc' as never } }), { name: 'TypeError', message: /redis\.port must be a number, got the string "abc"/ });
    assert.throws(() => new Pool({ backend: 'redis', redis: { port: 70000 } }), RangeError);
    assert.throws(() => new Pool({ backend: 'redis', redis: { host: 42 as never } }), TypeError);
  });

  it('never shows the password of a URL that does not parse', () => {
    assert.throws(
      () => new Pool({ backend: 'redis', redis: 'redis://app:TopSecretPw@[::1' }),
      (error: Error) => {
        assert.ok(error instanceof RangeError);
        assert.doesNotMatch(error.message, /TopSecretPw/);
        assert.match(error.message, /redis:\/\/app:\*\*\*@\[::1/);
        return true;
      },
    );
    assert.throws(() => new Pool({ backend: 'redis', redis: 'redis://app:Top@Secret@[::1' }), (error: Error) => !/Secret/.test(error.message));
  });

  it('secret and maxJobBytes are checked', () => {
    assert.throws(() => new Pool({ backend: 'redis', secret: 'short' }), { name: 'RangeError', message: /secret must be at least 16 bytes, got 5/ });
    assert.throws(() => new Pool({ backend: 'redis', secret: 42 as never }), TypeError);
    assert.throws(() => new Pool({ backend: 'redis', maxJobBytes: 10 }), { name: 'RangeError', message: /maxJobBytes must be from 1024/ });
    assert.throws(() => new Pool({ secret: 'x'.repeat(32) } as never), /applies only with backend: 'redis'/);
  });
});
