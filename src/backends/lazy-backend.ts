/**
 * A backend whose module is loaded on first use: `import 'multicore'` then costs a program
 * nothing for the backends it never asks for (the process backend's child_process and crypto,
 * the Redis backend's codecs and signing). What the Pool reads synchronously (concurrency,
 * origin, capabilities) is given up front; chunks submitted while the module loads wait here and
 * are handed over, in order, once it is in.
 */
import type { Backend, BackendStats, BroadcastOutcome, Capabilities, ChunkResult, ChunkSpec, Submission, SubmitOptions } from './backend.js';
import type { TaskRef } from '../transport/messages.js';
import type { Transferable } from '../transport/transfer.js';

/** What the Pool reads of a backend before it has loaded; checked against the backend once it has. */
export interface BackendTraits {
  readonly concurrency: number;
  readonly origin: string;
  readonly capabilities: Capabilities;
  /**
   * `stats().workers` while the module loads: a local backend counts the workers it is starting
   * (as it counts a forked child before it is ready), a queue backend the remote ones it has seen.
   */
  readonly workersWhileLoading: number;
}

/** A chunk submitted before the backend loaded, until it is handed over (or taken back). */
class WaitingChunk implements Submission {
  readonly promise: Promise<ChunkResult>;
  resolve!: (result: ChunkResult) => void;
  reject!: (reason: unknown) => void;
  /** The backend's own submission, once handed over. */
  handedOver: Submission | undefined;
  /** Withdrawn or aborted before it was handed over: it never will be. */
  dropped = false;

  constructor(
    readonly spec: ChunkSpec,
    readonly transfer: Transferable[],
    readonly options: SubmitOptions | undefined,
    readonly forget: (chunk: WaitingChunk) => void,
  ) {
    this.promise = new Promise<ChunkResult>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  withdraw(): void {
    if (this.handedOver !== undefined) return this.handedOver.withdraw();
    // Like a queued chunk of any backend: dropped without a word, nobody waits for it.
    this.dropped = true;
    this.forget(this);
  }

  abort(reason: unknown): void {
    if (this.handedOver !== undefined) return this.handedOver.abort(reason);
    if (this.dropped) return;
    this.dropped = true;
    this.forget(this);
    this.reject(reason);
  }
}

export class LazyBackend implements Backend {
  readonly concurrency: number;
  readonly origin: string;
  readonly capabilities: Capabilities;
  readonly #workersWhileLoading: number;
  #backend: Backend | undefined;
  readonly #loaded: Promise<Backend>;
  readonly #waiting = new Set<WaitingChunk>();
  /** Why the module could not be loaded: every call fails with it. */
  #loadFailure: { error: unknown } | undefined;

  /** Starts loading at once, so that the workers start as soon as the module is in. */
  constructor(traits: BackendTraits, load: () => Promise<Backend>) {
    this.concurrency = traits.concurrency;
    this.origin = traits.origin;
    this.capabilities = traits.capabilities;
    this.#workersWhileLoading = traits.workersWhileLoading;
    this.#loaded = load().then((backend) => this.#handOver(backend, traits));
    // A failed load fails every waiting chunk and every later one.
    this.#loaded.catch((error: unknown) => {
      this.#loadFailure = { error };
      for (const chunk of this.#waiting) chunk.reject(error);
      this.#waiting.clear();
    });
  }

  submit(spec: ChunkSpec, transfer: Transferable[], options?: SubmitOptions): Submission {
    if (this.#backend !== undefined) return this.#backend.submit(spec, transfer, options);
    const owned = transfer.length === 0 ? { spec, transfer } : takeOwnership(spec, transfer);
    const chunk = new WaitingChunk(owned.spec, owned.transfer, options, (dropped) => this.#waiting.delete(dropped));
    if (this.#loadFailure !== undefined) chunk.reject(this.#loadFailure.error);
    else this.#waiting.add(chunk);
    return chunk;
  }

  async broadcast(task: TaskRef, args: unknown[]): Promise<BroadcastOutcome[]> {
    return (await this.#loaded).broadcast(task, args);
  }

  stats(): BackendStats {
    if (this.#backend !== undefined) return this.#backend.stats();
    let queued = 0;
    for (const chunk of this.#waiting) queued += chunk.spec.items.length;
    const workers = this.#loadFailure === undefined ? this.#workersWhileLoading : 0;
    return { workers, busy: 0, queued, completed: 0, failed: 0 };
  }

  async shutdown(): Promise<void> {
    const backend = await this.#loaded;
    await backend.shutdown();
  }

  async terminate(reason: unknown): Promise<void> {
    for (const chunk of this.#waiting) {
      chunk.dropped = true;
      chunk.reject(reason);
    }
    this.#waiting.clear();
    const backend = await this.#loaded;
    await backend.terminate(reason);
  }

  #handOver(backend: Backend, traits: BackendTraits): Backend {
    if (backend.concurrency !== traits.concurrency || backend.origin !== traits.origin || !sameCapabilities(backend.capabilities, traits.capabilities)) {
      // A mismatch would let the API's guard pass calls the backend cannot run: a bug of ours.
      void backend.terminate(new Error('multicore internal error: the lazy backend traits differ from the backend loaded'));
      throw new Error(`multicore internal error: the ${traits.origin} backend loaded with traits other than its lazy stand-in declared`);
    }
    this.#backend = backend;
    for (const chunk of this.#waiting) {
      let submission: Submission;
      try {
        submission = backend.submit(chunk.spec, chunk.transfer, chunk.options);
      } catch (error) {
        // What submit() would have thrown at the caller fails the chunk instead: the call is async anyway.
        chunk.reject(error);
        continue;
      }
      chunk.handedOver = submission;
      submission.promise.then(chunk.resolve, chunk.reject);
    }
    this.#waiting.clear();
    return backend;
  }
}

/**
 * The caller's transferred buffers are detached when submit() returns, as with a loaded backend:
 * the chunk keeps moved copies until it is handed over. Items that cannot be cloned are left as
 * they are, for the backend to refuse in its own words.
 */
function takeOwnership(spec: ChunkSpec, transfer: Transferable[]): { spec: ChunkSpec; transfer: Transferable[] } {
  try {
    const moved = structuredClone({ items: spec.items, transfer }, { transfer: transfer as never[] });
    return { spec: { ...spec, items: moved.items }, transfer: moved.transfer };
  } catch (error) {
    if (error instanceof DOMException && error.name === 'DataCloneError') return { spec, transfer };
    throw error;
  }
}

function sameCapabilities(a: Capabilities, b: Capabilities): boolean {
  return (Object.keys(b) as (keyof Capabilities)[]).every((name) => a[name] === b[name]) && Object.keys(a).length === Object.keys(b).length;
}
