/**
 * The thread backend: each worker is a worker_threads Worker running worker.js. Only the
 * transport lives here; queueing, batching and crash handling are the WorkerGroup's.
 */
import { Worker, type ResourceLimits } from 'node:worker_threads';
import type { Connection, ConnectionEvents } from '../worker-group.js';
import { WorkerGroup } from '../worker-group.js';
import type { FromWorkerMessage } from '../../transport/messages.js';
import type { Transferable } from '../../transport/transfer.js';

export interface ThreadBackendOptions {
  workers: number;
  resourceLimits?: ResourceLimits;
}

const workerUrl = new URL('./worker.js', import.meta.url);

export function createThreadBackend(options: ThreadBackendOptions): WorkerGroup {
  return new WorkerGroup(options.workers, { origin: 'thread worker', sharesMemory: true }, (events) => new ThreadConnection(events, options));
}

class ThreadConnection implements Connection {
  readonly #worker: Worker;
  /** Written by the worker before each item: [chunk id, item index]; see backends/runtime.ts. */
  readonly #progress = new Int32Array(new SharedArrayBuffer(8)).fill(-1);
  #error: unknown;

  constructor(events: ConnectionEvents, options: ThreadBackendOptions) {
    this.#worker = new Worker(workerUrl, {
      workerData: { progress: this.#progress },
      ...(options.resourceLimits && { resourceLimits: options.resourceLimits }),
    });
    this.#worker.on('message', (message: FromWorkerMessage) => events.message(message));
    // 'error' (an uncaught exception in the worker) always comes before 'exit'.
    this.#worker.on('error', (error) => {
      this.#error = error;
    });
    this.#worker.on('exit', (exitCode) => events.exit({ exitCode, signal: null, error: this.#error }));
  }

  send(message: Parameters<Connection['send']>[0], transfer: Transferable[]): void {
    this.#worker.postMessage(message, transfer);
  }

  runningItem(): { chunkId: number; index: number } | undefined {
    const chunkId = this.#progress[0]!;
    return chunkId === -1 ? undefined : { chunkId, index: this.#progress[1]! };
  }

  async stop(): Promise<void> {
    await this.#worker.terminate();
  }

  ref(): void {
    this.#worker.ref();
  }

  unref(): void {
    this.#worker.unref();
  }
}
