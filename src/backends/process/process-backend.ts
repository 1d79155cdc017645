/**
 * The process backend: each worker is a child process forked from child.js, talking over the IPC
 * channel with structured-clone ("advanced") serialization. Only the transport lives here;
 * queueing, batching, timeouts and crash handling are the WorkerGroup's.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { idleRegister, readRegister, registerBytes, type WorkerProgress } from '../local/progress-register.js';
import type { ExitDetails, GroupOptions, WorkerHandle, WorkerHandleEvents } from '../local/worker-handle.js';
import { WorkerGroup } from '../local/worker-group.js';
import type { BackendObserver } from '../backend.js';
import { processKind } from '../backend-kinds.js';
import { asDataCloneError, assertSendable, registerFd } from './ipc.js';
import { StderrRelay } from './stderr-relay.js';
import type { FromWorkerMessage, ToWorkerMessage } from '../../transport/messages.js';
import type { Transferable } from '../../transport/transfer.js';
import { inheritedExecArgv } from '../inherited-exec-argv.js';

export interface ProcessBackendOptions extends GroupOptions {
  /** Environment of the children; default: this process's. */
  env: NodeJS.ProcessEnv | undefined;
  /** Working directory of the children; default: this process's. */
  cwd: string | undefined;
  /** Node options of the children; default: this process's (so `--import tsx` carries over). */
  execArgv: string[] | undefined;
  /** Becomes --max-old-space-size. */
  maxOldGenerationSizeMb: number | undefined;
  /** A bundled worker entry (see backends/worker-entry-file.ts); undefined: our own child.js. */
  workerEntry?: URL | undefined;
}

/** How long an exited child's stderr may take to drain before we report the exit anyway. */
const stderrDrainMs = 200;

/**
 * `entry`: the children's entry file, as child-entry.ts located it before this module loaded
 * (undefined: our own child.js).
 */
export function createProcessBackend(options: ProcessBackendOptions, observer: BackendObserver, entry: URL | undefined): WorkerGroup {
  const childPath = fileURLToPath(entry ?? new URL('./child.js', import.meta.url));
  return new WorkerGroup(options, processKind, (events) => new ProcessWorkerHandle(events, options, childPath), observer);
}

function childExecArgv(options: ProcessBackendOptions): string[] {
  const execArgv = options.execArgv ?? inheritedExecArgv();
  if (options.maxOldGenerationSizeMb === undefined) return execArgv;
  return [...execArgv, `--max-old-space-size=${options.maxOldGenerationSizeMb}`];
}

/** stdout is the parent's own; stderr passes through us so that an out-of-memory death can be told apart. */
function childStdio(registerFile: number): ('inherit' | 'pipe' | 'ipc' | number)[] {
  const stdio: ('inherit' | 'pipe' | 'ipc' | number)[] = ['inherit', 'inherit', 'pipe', 'ipc'];
  stdio[registerFd] = registerFile;
  return stdio;
}

/**
 * The register is a small file (24 bytes, and 24 per task the child may run at once) that the
 * child writes before each item and we read when we need to. It is unlinked as soon as both
 * sides hold it open, so nothing is left on disk even if both are killed. A write is one pwrite(2): far cheaper than an IPC message per item.
 */
function openRegisterFile(): { fd: number; path: string } {
  const path = join(tmpdir(), `multicore-${process.pid}-${randomBytes(6).toString('hex')}.progress`);
  const fd = openSync(path, 'wx+', 0o600);
  return { fd, path };
}

class ProcessWorkerHandle implements WorkerHandle {
  readonly #child: ChildProcess;
  readonly #registerFd: number;
  readonly #register: Float64Array;
  readonly #registerBytes: Uint8Array;
  /** The register as read when the child exited; the file is closed then. */
  #finalProgress: WorkerProgress | undefined;
  #exited = false;
  readonly #stderr = new StderrRelay((text) => process.stderr.write(text));
  readonly #exit: Promise<void>;

  /** Throws when the child cannot even be forked (EMFILE for the register file, a bad option). */
  constructor(events: WorkerHandleEvents, options: ProcessBackendOptions, childPath: string) {
    // A child started in a missing directory dies before it can say why: refuse to start it.
    if (options.cwd !== undefined) statSync(options.cwd);
    this.#register = idleRegister(new ArrayBuffer(registerBytes(options.concurrentTasksPerWorker)));
    this.#registerBytes = new Uint8Array(this.#register.buffer);
    const register = openRegisterFile();
    this.#registerFd = register.fd;
    try {
      writeSync(register.fd, this.#registerBytes, 0, this.#registerBytes.length, 0);
      this.#child = fork(childPath, [], {
        serialization: 'advanced',
        execArgv: childExecArgv(options),
        ...(options.env !== undefined && { env: options.env }),
        ...(options.cwd !== undefined && { cwd: options.cwd }),
        stdio: childStdio(register.fd),
        // Its own process group, so that stopping it also stops what its task started (a `sleep`).
        detached: true,
      });
    } catch (error) {
      closeSync(register.fd);
      throw error;
    } finally {
      unlinkSync(register.path);
    }
    const child = this.#child;
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => this.#stderr.push(chunk));
    // The pipe breaking says nothing the exit will not: the exit reports the loss.
    child.stderr!.on('error', () => {});
    const stderrEnded = new Promise<void>((resolve) => child.stderr!.once('close', resolve));
    child.on('message', (message: FromWorkerMessage) => events.message(message));
    this.#exit = new Promise((resolve) => {
      const finish = (details: ExitDetails) => {
        if (this.#exited) return;
        this.#finalProgress = this.#readRegister();
        this.#exited = true;
        closeSync(this.#registerFd);
        this.#stderr.end(child.pid);
        events.exit(details);
        resolve();
      };
      child.on('error', (error) => {
        // The child never started (no such cwd, EMFILE, EAGAIN): no 'exit' will follow.
        if (child.pid === undefined) {
          child.stderr!.destroy();
          finish({ exitCode: null, signal: null, error, spawnError: error });
        }
        // Otherwise a message that could not be delivered because the child is gone: its exit reports the loss.
      });
      child.once('exit', (exitCode, signal) => {
        // Referenced: someone awaiting stop() must see the exit even if a grandchild keeps stderr open.
        const drained = Promise.race([stderrEnded, new Promise((wait) => setTimeout(wait, stderrDrainMs))]);
        void drained.then(() => finish({ exitCode, signal, error: this.#outOfMemoryError() }));
      });
    });
  }

  send(message: ToWorkerMessage, transfer: Transferable[]): void {
    // Bun and Deno give a child that failed to spawn no send(); its exit is on its way.
    if (typeof this.#child.send !== 'function') return;
    try {
      assertSendable(message);
      this.#child.send(message);
    } catch (error) {
      throw asDataCloneError(error);
    }
    // Processes cannot share buffers; transferred ones are detached anyway, as they are for threads.
    if (transfer.length > 0) structuredClone(undefined, { transfer: transfer as Transferable[] as never[] });
  }

  progress(): WorkerProgress {
    return this.#exited ? this.#finalProgress! : this.#readRegister();
  }

  // A child is killed at once when stopped (it cannot start anything after): no gate to hold.
  holdStarts(): void {}

  releaseStarts(): void {}

  async stop(): Promise<void> {
    if (!this.#exited) {
      // Keep the event loop alive until the exit is seen, or join() could never resolve.
      this.ref();
      killGroup(this.#child);
    }
    await this.#exit;
  }

  // Bun's IPC channel has no ref()/unref(), and Deno's throw for a child that never started:
  // hold or release whichever handles have them, and nothing of a child that is not there.
  ref(): void {
    if (this.#child.pid === undefined) return;
    for (const handle of [this.#child, this.#child.channel, this.#child.stderr]) callIfPresent(handle, 'ref');
  }

  unref(): void {
    if (this.#child.pid === undefined) return;
    for (const handle of [this.#child, this.#child.channel, this.#child.stderr]) callIfPresent(handle, 'unref');
  }

  #readRegister(): WorkerProgress {
    return readRegister(this.#register, () => {
      readSync(this.#registerFd, this.#registerBytes, 0, this.#registerBytes.length, 0);
    });
  }

  /** V8 aborts a process that runs out of heap after printing why on stderr. */
  #outOfMemoryError(): Error | undefined {
    if (!this.#stderr.outOfMemory()) return undefined;
    return Object.assign(new Error('JavaScript heap out of memory'), { code: 'ERR_WORKER_OUT_OF_MEMORY' });
  }
}

/** The child and every process its tasks started (they share its process group). */
function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // The group is gone already (ESRCH), or was never ours: the child alone, below.
  }
  // Also through the ChildProcess, even when the group kill reached it: Deno only winds down its
  // side of the IPC channel for a kill it was told of, and a message still waiting there to be
  // written to a child that was killed while starting kept the parent alive for ever.
  child.kill('SIGKILL');
}

function callIfPresent(handle: unknown, method: 'ref' | 'unref'): void {
  const fn = (handle as Record<string, unknown> | null | undefined)?.[method];
  if (typeof fn === 'function') fn.call(handle);
}
