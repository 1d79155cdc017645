/**
 * The thread backend: each worker is a worker_threads Worker running worker.js. Only the
 * transport lives here; queueing, batching and crash handling are the WorkerGroup's.
 */
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { idleRegister, loadingTask, readRegister, registerBytes, type WorkerProgress } from '../local/progress-register.js';
import { closeGate, gateBuffer, reopenGate } from '../local/start-gate.js';
import type { ExitDetails, GroupOptions, WorkerHandle, WorkerHandleEvents } from '../local/worker-handle.js';
import { WorkerGroup } from '../local/worker-group.js';
import type { BackendObserver } from '../backend.js';
import { threadKind } from '../backend-kinds.js';
import { locateWorkerEntry } from '../worker-entry-file.js';
import { openSpinChannel, type SpinSide } from './spin-channel.js';
import { inheritedExecArgv } from '../inherited-exec-argv.js';
import type { FromWorkerMessage } from '../../transport/messages.js';
import type { Transferable } from '../../transport/transfer.js';

export interface ThreadBackendOptions extends GroupOptions {
  resourceLimits: ResourceLimits | undefined;
  /** A bundled worker entry (see backends/worker-entry-file.ts); undefined: our own worker.js. */
  workerEntry?: URL | undefined;
}

/**
 * A thread that has not stopped this long after terminate() is stuck outside JavaScript (a
 * synchronous system call such as execSync): V8 can only stop a thread that runs JavaScript. It
 * is counted as gone, unreferenced, and dies when the call returns or the program ends.
 */
const stuckAfterMs = 1_000;
/** Whether this process's options hold its source (`node -e`), which a worker must not inherit. */
const execArgvToDrop = inheritedExecArgv().length !== process.execArgv.length;
/**
 * A thread terminated while it imports modules leaks the file descriptors of the reads in flight
 * (one per module file). So a stop waits, polling, until the worker has started and is not
 * importing a task module, for at most importGraceMs: a module that hangs while loading is
 * stopped anyway.
 */
const importPollMs = 5;
const importGraceMs = 2_000;

export function createThreadBackend(options: ThreadBackendOptions, observer: BackendObserver): WorkerGroup {
  const entry = locateWorkerEntry(options.workerEntry, () => new URL('./worker.js', import.meta.url), import.meta.url, 'thread worker');
  return new WorkerGroup(options, threadKind, (events) => new ThreadWorkerHandle(events, options, entry), observer);
}

class ThreadWorkerHandle implements WorkerHandle {
  readonly #worker: Worker;
  /** Written by the worker before each item; see backends/local/progress-register.ts. */
  readonly #progress: Float64Array;
  readonly #gate = gateBuffer();
  readonly #events: WorkerHandleEvents;
  /** With the spin option, where messages go both ways instead of the Worker's own port. */
  readonly #spin: SpinSide | undefined;
  #error: unknown;
  /** Set by the worker's first message: it has imported its own modules. */
  #started = false;
  #exited = false;
  #markExited!: () => void;
  readonly #exit = new Promise<void>((resolve) => {
    this.#markExited = resolve;
  });

  /** Throws (ERR_WORKER_INIT_FAILED, EAGAIN) when no more threads can be started. */
  constructor(events: WorkerHandleEvents, options: ThreadBackendOptions, entry: URL | undefined) {
    this.#events = events;
    this.#progress = idleRegister(new SharedArrayBuffer(registerBytes(options.concurrentTasksPerWorker)));
    const received = (message: FromWorkerMessage): void => {
      this.#started = true;
      events.message(message);
    };
    // The spin option: the worker polls for its next message while idle (spin-channel.ts).
    const spin = options.spin ? openSpinChannel(options.spin, received) : undefined;
    this.#spin = spin?.parent;
    const { resourceLimits } = options;
    const workerOptions = {
      workerData: { progress: this.#progress, gate: this.#gate, ...(spin && { spin: spin.worker }) },
      ...(spin && { transferList: [spin.worker.port] }),
      ...(resourceLimits && { resourceLimits }),
      ...(execArgvToDrop && { execArgv: inheritedExecArgv() }),
    };
    // The literal form, which bundlers that emit worker files recognise.
    this.#worker = entry === undefined ? new Worker(new URL('./worker.js', import.meta.url), workerOptions) : new Worker(entry, workerOptions);
    this.#worker.on('message', received);
    // 'error' (an uncaught exception in the worker) always comes before 'exit'.
    this.#worker.on('error', (error) => {
      this.#error = error;
    });
    // Bun exits a worker that an uncaught error ended with code 0; Node (and so the error model) says 1.
    this.#worker.on('exit', (exitCode) => this.#reportExit({ exitCode: exitCode === 0 && this.#error !== undefined ? 1 : exitCode, signal: null, error: this.#error }));
  }

  send(message: Parameters<WorkerHandle['send']>[0], transfer: Transferable[]): void {
    if (this.#spin !== undefined) this.#spin.post(message, transfer);
    else this.#worker.postMessage(message, transfer);
  }

  takeMessages(): boolean {
    return this.#spin?.takeWaiting() ?? false;
  }

  progress(): WorkerProgress {
    return readRegister(this.#progress);
  }

  holdStarts(): void {
    closeGate(this.#gate);
  }

  releaseStarts(): void {
    reopenGate(this.#gate);
  }

  async stop(): Promise<void> {
    // Keep the event loop alive until the exit is seen, or join() could never resolve.
    this.#worker.ref();
    // Nothing more starts while we wait for its imports: a chunk started now would die with it.
    this.holdStarts();
    await this.#importsDone();
    if (this.#exited) return;
    void this.#worker.terminate();
    const stuck = setTimeout(() => {
      this.#worker.unref();
      this.#reportExit({ exitCode: null, signal: null, error: new Error('the thread did not stop: it is blocked outside JavaScript (a synchronous system call)') });
    }, stuckAfterMs);
    await this.#exit;
    clearTimeout(stuck);
  }

  ref(): void {
    if (!this.#exited) this.#worker.ref();
  }

  unref(): void {
    this.#worker.unref();
  }

  async #importsDone(): Promise<void> {
    const deadline = Date.now() + importGraceMs;
    while (!this.#exited && Date.now() < deadline && (!this.#started || this.progress().running.some((item) => item.index === loadingTask))) {
      await new Promise((resolve) => setTimeout(resolve, importPollMs));
    }
  }

  #reportExit(details: ExitDetails): void {
    if (this.#exited) return;
    // What the worker posted before it died comes first, as it does on the Worker's own port.
    // (Read whatever the counter says: a worker that died while posting did not count its last.)
    this.#spin?.drain();
    this.#spin?.port.close();
    this.#exited = true;
    this.#markExited();
    this.#events.exit(details);
  }
}
