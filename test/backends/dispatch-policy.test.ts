/** The dispatch policy of the local worker group (backends/local/dispatch-policy.ts), without a worker. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DispatchPolicy, maxBatch, pipelineBelowMs, shortChunkMs } from '../../src/backends/local/dispatch-policy.js';

describe('DispatchPolicy', () => {
  it('sends one chunk at a time, unpipelined, until a chunk has been timed', () => {
    const policy = new DispatchPolicy();
    assert.equal(policy.averageChunkMs(), undefined);
    assert.equal(policy.depth(), 1);
    assert.equal(policy.batchSize(1000, 2), 1);
  });

  it('keeps a moving average that weighs the newest chunk by a fifth', () => {
    const policy = new DispatchPolicy();
    policy.record(10);
    assert.equal(policy.averageChunkMs(), 10);
    policy.record(20);
    assert.equal(policy.averageChunkMs(), 12);
  });

  it('pipelines chunks shorter than pipelineBelowMs, and only those', () => {
    const short = new DispatchPolicy();
    short.record(pipelineBelowMs - 1);
    assert.equal(short.depth(), 2);
    const long = new DispatchPolicy();
    long.record(pipelineBelowMs);
    assert.equal(long.depth(), 1);
    assert.equal(long.batchSize(1000, 2), 1, 'long chunks go one at a time');
  });

  it('batches about shortChunkMs of work per message, at most maxBatch, and never more than a fair share', () => {
    const policy = new DispatchPolicy();
    policy.record(shortChunkMs / 8);
    assert.equal(policy.batchSize(1000, 2), 8);
    assert.equal(policy.batchSize(6, 2), 3, 'a fair share of a short queue');
    const tiny = new DispatchPolicy();
    tiny.record(0);
    assert.equal(tiny.batchSize(100_000, 2), maxBatch);
    const slowish = new DispatchPolicy();
    slowish.record(shortChunkMs * 4);
    assert.equal(slowish.batchSize(1000, 2), 1, 'at least one chunk per message');
  });

  it('keeps a worker that runs several chunks at once fed with at least that many', () => {
    const fresh = new DispatchPolicy(5);
    assert.equal(fresh.depth(), 5, 'one message per lane before any chunk was timed');
    assert.equal(fresh.batchSize(1000, 2), 1);
    const long = new DispatchPolicy(5);
    long.record(pipelineBelowMs * 2);
    assert.equal(long.depth(), 5, 'long chunks: one per lane');
    assert.equal(long.batchSize(1000, 2), 1);
    const short = new DispatchPolicy(5);
    short.record(shortChunkMs);
    assert.equal(short.depth(), 5, 'short chunks too: calls that trickle in may leave one per message');
    assert.equal(short.batchSize(1000, 2), 5, 'in messages of at least one chunk per lane');
    assert.equal(short.batchSize(4, 2), 2, 'but never more than a fair share');
  });

  it("times each task on its own: the next task's chunks are not batched by the last task's times", () => {
    const tiny = { task: { kind: 'module' as const, module: 'file:///tasks.js', name: 'increment' } };
    const heavy = { task: { kind: 'module' as const, module: 'file:///tasks.js', name: 'spin' } };
    const policy = new DispatchPolicy();
    for (let i = 0; i < 10; i++) policy.record(0.001, tiny.task);
    assert.equal(policy.batchSize(1000, 2, tiny), maxBatch, 'tiny chunks of the timed task leave in full batches');
    assert.equal(policy.depth(tiny), 2);
    assert.equal(policy.averageChunkMs(heavy), undefined, 'another task is untimed');
    assert.equal(policy.batchSize(1000, 2, heavy), 1, 'its chunks leave one per message');
    assert.equal(policy.depth(heavy), 1, 'one message per worker, until its own times come');
    policy.record(250, { ...heavy.task }); // the same task, as an equal reference
    assert.equal(policy.averageChunkMs(heavy), 250, 'its average starts from its own first chunk');
    assert.equal(policy.averageChunkMs({ task: { ...heavy.task } }), 250);
    assert.equal(policy.averageChunkMs(tiny), undefined);
    const inline = { task: { kind: 'inline' as const, hash: 'abc', name: 'f' } };
    policy.record(0.01, inline.task);
    assert.equal(policy.averageChunkMs({ task: { kind: 'inline', hash: 'abc', name: 'other' } }), 0.01, 'inline tasks are told apart by their source hash');
  });
});
