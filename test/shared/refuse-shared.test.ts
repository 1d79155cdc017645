import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
// The per-file build throughout: the errors thrown by its runApply are its own classes.
import { InlineRemoteError, SharedMemoryBackendError, sharedArray } from '../../dist/index.js';
import { runApply } from '../../dist/api/apply.js';
import type { CallContext } from '../../dist/api/context.js';
import { runImap } from '../../dist/api/imap.js';
import { runMap, runStarmap } from '../../dist/api/map.js';
import type { Backend, Submission } from '../../dist/backends/backend.js';
import { findSharedMemory } from '../../dist/shared/find-shared.js';
import { runForRange, runReduceRange } from '../../dist/api/for-range.js';

describe('findSharedMemory()', () => {
  const shared = sharedArray(Float64Array, 4);

  it('finds a SharedArrayBuffer or a view on one wherever structured clone would reach it', () => {
    assert.equal(findSharedMemory(shared, 'context'), 'context');
    assert.equal(findSharedMemory(shared.buffer, 'context'), 'context');
    assert.equal(findSharedMemory(new DataView(shared.buffer), 'x'), 'x');
    assert.equal(findSharedMemory({ a: 1, data: shared }, 'context'), 'context.data');
    assert.equal(findSharedMemory([1, [2, { deep: shared }]], 'arguments'), 'arguments[1][1].deep');
    assert.equal(findSharedMemory({ 'odd key': shared }, 'c'), 'c["odd key"]');
    assert.equal(findSharedMemory(new Map([['k', shared]]), 'm'), 'm.get("k")');
    assert.equal(findSharedMemory(new Set([1, shared]), 's'), 's.values()[1]');
  });

  it('finds nothing in plain data, ordinary buffers and cycles', () => {
    const cyclic: Record<string, unknown> = { buffer: new Float64Array(4) };
    cyclic.self = cyclic;
    for (const value of [undefined, null, 3, 'text', new ArrayBuffer(8), new Uint8Array(2), cyclic, new Map([[1, [2]]]), new Date()]) {
      assert.equal(findSharedMemory(value, 'x'), undefined);
    }
  });
});

/**
 * A stand-in backend that runs nothing: it records what reaches it and answers each chunk with a
 * canned result, which is all the capability guard (api/capability-guard.ts) needs to be observed.
 */
function fakeBackend(sharedMemory: boolean, inlineTasks = true): Backend & { submitted: unknown[][] } {
  const submitted: unknown[][] = [];
  return {
    concurrency: 2,
    origin: 'process worker',
    capabilities: { sharedMemory, inlineTasks, priority: true, broadcast: true },
    submitted,
    submit(chunk): Submission {
      submitted.push(chunk.items);
      return { promise: Promise.resolve({ results: chunk.items.map(() => 'ran'), duration: 0 }), withdraw() {}, abort() {} };
    },
    broadcast: async () => [],
    stats: () => ({ workers: 2, busy: 0, queued: 0, completed: 0, failed: 0 }),
    shutdown: async () => {},
    terminate: async () => {},
  };
}

function callContext(backend: Backend): CallContext {
  return { backend, begin: () => () => {}, enter: () => {}, exit: () => {}, refusal: () => undefined };
}

describe('a backend that cannot share memory refuses shared arrays at once', () => {
  const data = sharedArray(Int32Array, 8);

  it('in forRange and reduceRange context, apply arguments and map items, with ERR_SHARED_MEMORY_BACKEND', async () => {
    const backend = fakeBackend(false);
    const context = callContext(backend);
    const refused = (path: string) => (error: unknown) => {
      assert.ok(error instanceof SharedMemoryBackendError);
      assert.equal(error.code, 'ERR_SHARED_MEMORY_BACKEND');
      assert.equal(error.path, path);
      assert.match(error.message, /process workers cannot share memory.*Use the thread backend/);
      return true;
    };
    await assert.rejects(runForRange(context, 8, (s: number) => s, { data }, undefined), refused('context.data'));
    await assert.rejects(runReduceRange(context, 8, (s: number) => s, (a: number, b: number) => a + b, [data], undefined), refused('context[0]'));
    await assert.rejects(runApply(context, (a: unknown) => a, [1, data], undefined), refused('arguments[1]'));
    await assert.rejects(runMap(context, (a: unknown) => a, [1, 2, { data }], undefined), refused('items[2].data'));
    await assert.rejects(runStarmap(context, (a: unknown) => a, [[data.buffer]], undefined), refused('items[0][0]'));
    assert.deepEqual(backend.submitted, [], 'nothing was sent');
  });

  it('in a lazy map input, before the item holding it is sent', async () => {
    const backend = fakeBackend(false);
    const context = callContext(backend);
    const items = (function* () {
      yield 1;
      yield { data };
    })();
    await assert.rejects(runMap(context, (a: unknown) => a, items, { chunksize: 1 }), { code: 'ERR_SHARED_MEMORY_BACKEND', path: 'items[1].data' });
    assert.ok(backend.submitted.every((chunk) => findSharedMemory(chunk, 'chunk') === undefined), 'the shared array never left');
  });

  it('lets calls without shared memory through', async () => {
    const backend = fakeBackend(false);
    const context = callContext(backend);
    assert.equal(await runApply(context, (a: unknown) => a, [new Int32Array(2)], undefined), 'ran');
    assert.deepEqual(await runForRange(context, 4, (s: number) => s, { plain: [1, 2] }, undefined), ['ran', 'ran']);
    assert.equal(backend.submitted.length, 3);
  });

  it('names a lazy starmap item by its position, even alone in its chunk at position 0 (not `arguments`)', async () => {
    const backend = fakeBackend(false);
    const items = (function* () {
      yield [data];
    })();
    await assert.rejects(runStarmap(callContext(backend), (a: unknown) => a, items, { chunksize: 1 }), { code: 'ERR_SHARED_MEMORY_BACKEND', path: 'items[0][0]' });
    assert.deepEqual(backend.submitted, [], 'nothing was sent');
  });

  it('passes shared memory to a backend that shares it (threads) as it is', async () => {
    const backend = fakeBackend(true);
    assert.equal(await runApply(callContext(backend), (a: unknown) => a, [data], undefined), 'ran');
    assert.equal((backend.submitted[0]![0] as unknown[])[0], data);
  });
});

describe('a backend that runs only module tasks refuses inline functions at once', () => {
  it('in apply, map, imap and forRange, with ERR_INLINE_REMOTE, before anything is sent', async () => {
    const backend = fakeBackend(false, false);
    const context = callContext(backend);
    const refused = (error: unknown) => error instanceof InlineRemoteError && error.code === 'ERR_INLINE_REMOTE' && /inline function 'twice'/.test(error.message);
    const twice = (x: number) => 2 * x;
    await assert.rejects(runApply(context, twice, [1], undefined), refused);
    await assert.rejects(runMap(context, twice, [1, 2], undefined), refused);
    await assert.rejects(runImap(context, twice, [1, 2], undefined).next(), refused);
    await assert.rejects(runForRange(context, 4, twice, undefined, undefined), refused);
    assert.deepEqual(backend.submitted, []);
  });
});
