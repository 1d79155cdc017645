/** MulticoreError.scope: which failures fail only their items (mapSettled goes on) and which the whole call. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JobRejectedError, PoolTerminatedError, RedisUnavailableError, RemoteJobFailedError, SharedMemoryBackendError, TaskSerializationError, TaskTimeoutError, WorkerCrashedError } from 'multicore';

describe('MulticoreError.scope', () => {
  it("is 'items' for a crash, a timeout, an unsendable value, and a remote job that failed or was refused", () => {
    const crash = new WorkerCrashedError({ exitCode: 1, signal: null, items: [3] });
    for (const error of [crash, new TaskTimeoutError(10, 2), new TaskSerializationError('no', 1), new RemoteJobFailedError('boom', [0]), new JobRejectedError('pool', 'too big', [0])]) {
      assert.equal(error.scope, 'items', error.code);
    }
  });

  it("is 'call' for failures of the whole call", () => {
    for (const error of [new PoolTerminatedError(), new RedisUnavailableError('127.0.0.1:1', 10), new SharedMemoryBackendError('items[0]', 'process worker')]) {
      assert.equal(error.scope, 'call', error.code);
    }
  });
});
