/** The stand-in that loads a backend's module on first use (backends/lazy-backend.ts), over a fake backend. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Backend, ChunkResult, ChunkSpec, Submission } from '../../dist/backends/backend.js';
import { LazyBackend, type BackendTraits } from '../../dist/backends/lazy-backend.js';

const traits: BackendTraits = { concurrency: 2, origin: 'fake worker', capabilities: { sharedMemory: false, inlineTasks: true, priority: true, broadcast: true }, workersWhileLoading: 2 };

function spec(first: number, count = 1): ChunkSpec {
  return { task: { kind: 'module', module: 'file:///nowhere.mjs', name: 'echo' } as ChunkSpec['task'], start: first, items: Array.from({ length: count }, (_, i) => first + i), spread: false, settle: false };
}

/** A backend that answers each chunk with its own items, and records what it was given. */
class EchoBackend implements Backend {
  readonly concurrency = traits.concurrency;
  readonly origin = traits.origin;
  readonly capabilities = traits.capabilities;
  readonly submitted: ChunkSpec[] = [];
  readonly withdrawn: number[] = [];
  terminatedWith: unknown;

  submit(chunk: ChunkSpec): Submission {
    this.submitted.push(chunk);
    const promise = Promise.resolve<ChunkResult>({ results: chunk.items, duration: 0 });
    return { promise, withdraw: () => this.withdrawn.push(chunk.start), abort() {} };
  }
  async broadcast() {
    return [{ result: 'echo' }];
  }
  stats() {
    return { workers: this.concurrency, busy: 0, queued: 0, completed: this.submitted.length, failed: 0 };
  }
  async shutdown() {}
  async terminate(reason: unknown) {
    this.terminatedWith = reason;
  }
}

/** A load that finishes when the test says so. */
function controlledLoad(backend: Backend): { load: () => Promise<Backend>; finish: () => void; fail: (error: Error) => void } {
  let finish!: () => void;
  let fail!: (error: Error) => void;
  const loaded = new Promise<Backend>((resolve, reject) => {
    finish = () => resolve(backend);
    fail = reject;
  });
  return { load: () => loaded, finish, fail };
}

describe('LazyBackend', () => {
  it('reports its traits at once and hands chunks submitted while loading over in order', async () => {
    const echo = new EchoBackend();
    const { load, finish } = controlledLoad(echo);
    const lazy = new LazyBackend(traits, load);
    assert.equal(lazy.concurrency, 2);
    assert.equal(lazy.origin, 'fake worker');
    const first = lazy.submit(spec(0, 3), []);
    const second = lazy.submit(spec(3), []);
    assert.deepEqual(lazy.stats(), { workers: 2, busy: 0, queued: 4, completed: 0, failed: 0 }, 'the workers being started, and the items waiting');
    finish();
    assert.deepEqual((await first.promise).results, [0, 1, 2]);
    assert.deepEqual((await second.promise).results, [3]);
    assert.deepEqual(echo.submitted.map((chunk) => chunk.start), [0, 3]);
    const third = lazy.submit(spec(4), []);
    assert.deepEqual((await third.promise).results, [4]);
    assert.equal(lazy.stats().completed, 3, "stats are the loaded backend's");
  });

  it('a chunk aborted while loading rejects with the reason and never reaches the backend; a withdrawn one is dropped', async () => {
    const echo = new EchoBackend();
    const { load, finish } = controlledLoad(echo);
    const lazy = new LazyBackend(traits, load);
    const aborted = lazy.submit(spec(0), []);
    const withdrawn = lazy.submit(spec(1), []);
    const kept = lazy.submit(spec(2), []);
    const reason = new Error('stop');
    aborted.abort(reason);
    withdrawn.withdraw();
    await assert.rejects(aborted.promise, (error) => error === reason);
    finish();
    assert.deepEqual((await kept.promise).results, [2]);
    assert.deepEqual(echo.submitted.map((chunk) => chunk.start), [2]);
  });

  it('withdraw() after the hand-over goes to the backend', async () => {
    const echo = new EchoBackend();
    const { load, finish } = controlledLoad(echo);
    const lazy = new LazyBackend(traits, load);
    const chunk = lazy.submit(spec(5), []);
    finish();
    await chunk.promise;
    chunk.withdraw();
    assert.deepEqual(echo.withdrawn, [5]);
  });

  it('terminate() while loading rejects the waiting chunks and terminates the backend once loaded', async () => {
    const echo = new EchoBackend();
    const { load, finish } = controlledLoad(echo);
    const lazy = new LazyBackend(traits, load);
    const waiting = lazy.submit(spec(0), []);
    const reason = new Error('terminated');
    const terminated = lazy.terminate(reason);
    await assert.rejects(waiting.promise, (error) => error === reason);
    finish();
    await terminated;
    assert.equal(echo.terminatedWith, reason);
    assert.deepEqual(echo.submitted, [], 'nothing was handed over');
  });

  it('a failed load fails the waiting chunks and every later one with its error', async () => {
    const { load, fail } = controlledLoad(new EchoBackend());
    const lazy = new LazyBackend(traits, load);
    const waiting = lazy.submit(spec(0), []);
    const error = new Error('cannot load');
    fail(error);
    await assert.rejects(waiting.promise, (e) => e === error);
    await assert.rejects(lazy.submit(spec(1), []).promise, (e) => e === error);
    await assert.rejects(lazy.shutdown(), (e) => e === error);
    assert.equal(lazy.stats().workers, 0, 'no worker is starting any more');
  });

  it('transferred buffers leave the caller at submit(), as with a loaded backend', async () => {
    const echo = new EchoBackend();
    const { load, finish } = controlledLoad(echo);
    const lazy = new LazyBackend(traits, load);
    const bytes = new Uint8Array([1, 2, 3]);
    const chunk = lazy.submit({ ...spec(0), items: [bytes] }, [bytes.buffer]);
    assert.equal(bytes.byteLength, 0, 'the sender no longer owns the buffer');
    finish();
    const [received] = (await chunk.promise).results as Uint8Array[];
    assert.deepEqual([...received!], [1, 2, 3]);
  });

  it('a backend whose traits differ from the declared ones is refused', async () => {
    const echo = new EchoBackend();
    const lazy = new LazyBackend({ ...traits, capabilities: { sharedMemory: true, inlineTasks: true, priority: true, broadcast: true } }, async () => echo);
    await assert.rejects(lazy.submit(spec(0), []).promise, /traits other than its lazy stand-in declared/);
    assert.ok(echo.terminatedWith instanceof Error, 'the mismatched backend was stopped');
  });
});
