/** The policy for the chunks a dead worker held (backends/local/crash-attribution.ts), without starting a worker. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { maxDeliveryFailures, orphanFailure, type OrphanedChunk } from '../../src/backends/local/crash-attribution.js';
import { loadingTask, type WorkerProgress } from '../../src/backends/local/progress-register.js';
import type { WorkerCrashedError } from '../../src/errors.js';

const exited = { exitCode: 3, signal: null, error: undefined };

function orphan(id: number, ordinal: number, batch: number, items = 1): OrphanedChunk {
  return { id, task: { kind: 'module', module: 'm', name: 'f' }, start: 10 * id, items: Array.from({ length: items }), spread: false, settle: false, ordinal, batch, deliveryFailures: 0, single: false };
}

function progress(started: number, received: number, running?: { chunkId: number; index: number } | { chunkId: number; index: number }[], sending = false): WorkerProgress {
  const items = running === undefined ? [] : Array.isArray(running) ? running : [running];
  return { started, received, sending, running: items.map((item) => ({ ...item, startedAt: 0 })) };
}

describe('orphanFailure: what becomes of the chunks a dead worker held', () => {
  it('the running chunk fails at its item; a chunk not started goes back to the queue', () => {
    const running = orphanFailure(orphan(1, 0, 0, 4), progress(1, 1, { chunkId: 1, index: 2 }), exited, true) as WorkerCrashedError;
    assert.deepEqual(running.items, [12]);
    assert.equal(orphanFailure(orphan(2, 1, 0), progress(1, 1, { chunkId: 1, index: 2 }), exited, true), undefined);
  });

  it('a chunk that started earlier in the batch is never requeued: its lost results fail it', () => {
    const lost = orphanFailure(orphan(1, 0, 0, 2), progress(2, 1, { chunkId: 2, index: 0 }), exited, true) as WorkerCrashedError;
    assert.deepEqual(lost.items, [10, 11]);
    assert.match(lost.message, /results were lost with the worker/);
  });

  it('a death while sending results fails every chunk of that message, saying so', () => {
    for (const id of [1, 2]) {
      const error = orphanFailure(orphan(id, id - 1, 0), progress(2, 1, undefined, true), exited, true) as WorkerCrashedError;
      assert.match(error.message, /while sending its results back/);
    }
  });

  it('several chunks in flight on one worker (concurrentTasksPerWorker): each fails at its own item, saying others ran beside it', () => {
    const lanes = [
      { chunkId: 1, index: 0 },
      { chunkId: 2, index: 1 },
      { chunkId: 3, index: loadingTask },
    ];
    const seen = [1, 2, 3].map((id) => orphanFailure(orphan(id, id - 1, 0, 2), progress(3, 1, lanes), exited, true) as WorkerCrashedError);
    assert.deepEqual(seen.map((error) => error.items), [[10], [21], [30]]);
    for (const error of seen) assert.match(error.message, /with 2 other tasks in flight on it/);
    assert.match(seen[2]!.message, /while importing its task module/);
    assert.equal(orphanFailure(orphan(4, 3, 0), progress(3, 1, lanes), exited, true), undefined, 'the chunk not started yet goes back to the queue');
    const finished = orphanFailure(orphan(5, 2, 0), progress(4, 1, lanes.slice(0, 1)), exited, true) as WorkerCrashedError;
    assert.match(finished.message, /results were lost with the worker/, 'a chunk started and no longer running had finished');
  });

  it('a death while importing names the module load', () => {
    const error = orphanFailure(orphan(1, 0, 0), progress(1, 1, { chunkId: 1, index: loadingTask }), exited, true) as WorkerCrashedError;
    assert.deepEqual(error.items, [10]);
    assert.match(error.message, /while importing its task module/);
  });

  it(`a chunk whose message kills ${maxDeliveryFailures} workers as they decode it fails; others are not blamed`, () => {
    const suspect = orphan(1, 0, 0);
    const behind = orphan(2, 1, 1);
    for (let attempt = 1; attempt < maxDeliveryFailures; attempt++) {
      assert.equal(orphanFailure(suspect, progress(0, 0), exited, true), undefined, `attempt ${attempt} requeues`);
      assert.equal(orphanFailure(behind, progress(0, 0), exited, true), undefined);
    }
    const error = orphanFailure(suspect, progress(0, 0), { ...exited, error: Object.assign(new Error('oom'), { code: 'ERR_WORKER_OUT_OF_MEMORY' }) }, true) as WorkerCrashedError;
    assert.match(error.message, /out of memory.*died while receiving the task's arguments/);
    assert.equal(behind.deliveryFailures, 0, 'only the message being decoded is blamed');
  });

  it('a worker that died while a task ran blames that task, not the message it had yet to decode', () => {
    const next = orphan(2, 1, 1);
    for (let death = 0; death < maxDeliveryFailures + 1; death++) {
      // Chunk 1 (batch 0) is running item 0, for example a task that kills its worker.
      assert.equal(orphanFailure(next, progress(1, 1, { chunkId: 1, index: 0 }), exited, true), undefined, `death ${death + 1} requeues it`);
    }
    assert.equal(next.deliveryFailures, 0);
  });

  it('a worker the pool stopped, or that died while starting, blames no message', () => {
    const chunk = orphan(1, 0, 0);
    for (let i = 0; i < maxDeliveryFailures + 1; i++) assert.equal(orphanFailure(chunk, progress(0, 0), exited, false), undefined);
    assert.equal(chunk.deliveryFailures, 0);
  });
});
