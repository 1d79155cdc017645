/**
 * The process backend: each worker is a child process forked from child.js, talking over the IPC
 * channel with structured-clone ("advanced") serialization. Only the transport lives here;
 * queueing, batching, timeouts and crash handling are the WorkerGroup's.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { idleRegister, readRegister, registerBytes, type RunningItem } from '../progress-register.js';
import type { Connection, ConnectionEvents, GroupOptions } from '../worker-group.js';
import { WorkerGroup } from '../worker-group.js';
import { asDataCloneError, assertSendable, registerFd } from './ipc.js';
import { locateWorkerEntry } from '../worker-entry-file.js';
import type { FromWorkerMessage, ToWorkerMessage } from '../../transport/messages.js';
import type { Transferable } from '../../transport/transfer.js';

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
// What V8 prints on Node (either of the first two) and on Deno (the third).
const outOfMemory = /JavaScript heap out of memory|Reached heap limit|Fatal JavaScript out of memory/;

export function createProcessBackend(options: ProcessBackendOptions): WorkerGroup {
  const entry = locateWorkerEntry(options.workerEntry, () => new URL('./child.js', import.meta.url), import.meta.url, 'process worker');
  const childPath = fileURLToPath(entry ?? new URL('./child.js', import.meta.url));
  return new WorkerGroup(options, { origin: 'process worker', sharesMemory: false }, (events) => new ProcessConnection(events, options, childPath));
}

function childExecArgv(options: ProcessBackendOptions): string[] {
  const execArgv = options.execArgv ?? process.execArgv;
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
 * The register is a 24-byte file that the child writes before each item and we read when we
 * need to. It is unlinked as soon as both sides hold it open, so nothing is left on disk even if
 * both are killed. A write is one pwrite(2): far cheaper than an IPC message per item.
 */
function openRegisterFile(): { fd: number; path: string } {
  const path = join(tmpdir(), `multicore-${process.pid}-${randomBytes(6).toString('hex')}.progress`);
  const fd = openSync(path, 'wx+', 0o600);
  return { fd, path };
}

class ProcessConnection implements Connection {
  readonly #child: ChildProcess;
  readonly #registerFd: number;
  readonly #register = idleRegister(new ArrayBuffer(registerBytes));
  readonly #registerBytes = new Uint8Array(this.#register.buffer);
  /** The register as read when the child exited; the file is closed then. */
  #finalItem: RunningItem | undefined;
  #exited = false;
  #stderrTail = '';
  readonly #exit: Promise<void>;

  constructor(events: ConnectionEvents, options: ProcessBackendOptions, childPath: string) {
    const register = openRegisterFile();
    this.#registerFd = register.fd;
    writeSync(register.fd, this.#registerBytes, 0, registerBytes, 0);
    try {
      this.#child = fork(childPath, [], {
        serialization: 'advanced',
        execArgv: childExecArgv(options),
        ...(options.env !== undefined && { env: options.env }),
        ...(options.cwd !== undefined && { cwd: options.cwd }),
        stdio: childStdio(register.fd),
      });
    } finally {
      unlinkSync(register.path);
    }
    const child = this.#child;
    child.stderr!.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk);
      this.#stderrTail = (this.#stderrTail + chunk.toString('utf8')).slice(-2048);
    });
    const stderrEnded = new Promise<void>((resolve) => child.stderr!.once('close', resolve));
    child.on('message', (message: FromWorkerMessage) => events.message(message));
    this.#exit = new Promise((resolve) => {
      let reported = false;
      const report = (exitCode: number | null, signal: NodeJS.Signals | null, error: Error | undefined): void => {
        if (reported) return;
        reported = true;
        // Referenced: someone awaiting stop() must see the exit even if a grandchild keeps stderr open.
        const drained = Promise.race([stderrEnded, new Promise((wait) => setTimeout(wait, stderrDrainMs))]);
        void drained.then(() => {
          this.#finalItem = this.#readRegister();
          this.#exited = true;
          closeSync(this.#registerFd);
          events.exit({ exitCode, signal, error: error ?? this.#outOfMemoryError() });
          resolve();
        });
      };
      child.once('exit', (exitCode, signal) => report(exitCode, signal, undefined));
      // A child that never started (bad cwd, no such runtime binary) emits 'error' and no 'exit'
      // on Node, Bun and Deno alike: that is its exit. Any other error is a message that could not
      // be delivered because the child is gone, and its exit reports the loss.
      child.on('error', (error) => {
        if (child.pid === undefined) report(null, null, error);
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

  runningItem(): RunningItem | undefined {
    return this.#exited ? this.#finalItem : this.#readRegister();
  }

  async stop(): Promise<void> {
    if (!this.#exited) {
      // Keep the event loop alive until the exit is seen, or join() could never resolve.
      this.ref();
      this.#child.kill('SIGKILL');
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

  #readRegister(): RunningItem | undefined {
    return readRegister(this.#register, () => {
      readSync(this.#registerFd, this.#registerBytes, 0, registerBytes, 0);
    });
  }

  /** V8 aborts a process that runs out of heap after printing why on stderr. */
  #outOfMemoryError(): Error | undefined {
    if (!outOfMemory.test(this.#stderrTail)) return undefined;
    return Object.assign(new Error('JavaScript heap out of memory'), { code: 'ERR_WORKER_OUT_OF_MEMORY' });
  }
}

function callIfPresent(handle: unknown, method: 'ref' | 'unref'): void {
  const fn = (handle as Record<string, unknown> | null | undefined)?.[method];
  if (typeof fn === 'function') fn.call(handle);
}
