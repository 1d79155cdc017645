/**
 * The thread backend: each worker is a worker_threads Worker running worker.js. Only the
 * transport lives here; queueing, batching and crash handling are the WorkerGroup's.
 */
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { idleRegister, readRegister, registerBytes, type RunningItem } from '../progress-register.js';
import type { Connection, ConnectionEvents, GroupOptions } from '../worker-group.js';
import { WorkerGroup } from '../worker-group.js';
import { locateWorkerEntry } from '../worker-entry-file.js';
import type { FromWorkerMessage } from '../../transport/messages.js';
import type { Transferable } from '../../transport/transfer.js';

export interface ThreadBackendOptions extends GroupOptions {
  resourceLimits: ResourceLimits | undefined;
  /** A bundled worker entry (see backends/worker-entry-file.ts); undefined: our own worker.js. */
  workerEntry?: URL | undefined;
}

export function createThreadBackend(options: ThreadBackendOptions): WorkerGroup {
  const entry = locateWorkerEntry(options.workerEntry, () => new URL('./worker.js', import.meta.url), import.meta.url, 'thread worker');
  return new WorkerGroup(options, { origin: 'thread worker', sharesMemory: true }, (events) => new ThreadConnection(events, options, entry));
}

class ThreadConnection implements Connection {
  readonly #worker: Worker;
  /** Written by the worker before each item; see backends/progress-register.ts. */
  readonly #progress = idleRegister(new SharedArrayBuffer(registerBytes));
  #error: unknown;

  constructor(events: ConnectionEvents, options: ThreadBackendOptions, entry: URL | undefined) {
    const workerOptions = {
      workerData: { progress: this.#progress },
      ...(options.resourceLimits && { resourceLimits: options.resourceLimits }),
    };
    // The literal form, which bundlers that emit worker files recognise.
    this.#worker = entry === undefined ? new Worker(new URL('./worker.js', import.meta.url), workerOptions) : new Worker(entry, workerOptions);
    this.#worker.on('message', (message: FromWorkerMessage) => events.message(message));
    // 'error' (an uncaught exception in the worker) always comes before 'exit'.
    this.#worker.on('error', (error) => {
      this.#error = error;
    });
    // Bun exits a worker that an uncaught error ended with code 0; Node (and so the error model) says 1.
    this.#worker.on('exit', (exitCode) => events.exit({ exitCode: exitCode === 0 && this.#error !== undefined ? 1 : exitCode, signal: null, error: this.#error }));
  }

  send(message: Parameters<Connection['send']>[0], transfer: Transferable[]): void {
    this.#worker.postMessage(message, transfer);
  }

  runningItem(): RunningItem | undefined {
    return readRegister(this.#progress);
  }

  async stop(): Promise<void> {
    // Keep the event loop alive until the exit is seen, or join() could never resolve.
    this.#worker.ref();
    await this.#worker.terminate();
  }

  ref(): void {
    this.#worker.ref();
  }

  unref(): void {
    this.#worker.unref();
  }
}
