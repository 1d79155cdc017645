/**
 * Entry point of a process worker. Runs the shared runtime over the IPC channel, keeps its
 * progress register in the file the parent passed as fd 4, and exits as soon as the parent is
 * gone: the IPC channel closes when the parent exits, is killed, or stops us.
 */
import { fstatSync, writeSync } from 'node:fs';
import { serializeError } from '../../transport/error-codec.js';
import type { FromWorkerMessage } from '../../transport/messages.js';
import { arrayRegister, idleRegister } from '../local/progress-register.js';
import { startRuntime } from '../local/worker-runtime.js';
import { asDataCloneError, assertSendable, registerFd } from './ipc.js';
import { watchForOrphaning } from './orphan-watch.js';

if (process.send === undefined) throw new Error('multicore: backends/process/child.js must be started by the process backend (with an IPC channel)');

// The parent sized the register for our lanes (concurrentTasksPerWorker) and wrote it idle.
const size = fstatSync(registerFd).size;
const slots = idleRegister(new ArrayBuffer(size));
const bytes = new Uint8Array(slots.buffer);

function post(message: FromWorkerMessage): void {
  try {
    assertSendable(message);
    process.send!(message);
  } catch (error) {
    throw asDataCloneError(error);
  }
}

process.on('disconnect', () => process.exit(0));
watchForOrphaning();

// Like a thread worker's 'error' event: the parent learns what ended us and fails the item we held.
process.on('uncaughtException', (error) => {
  try {
    runtime.flush();
    process.send!({ type: 'fatal', error: serializeError(error) } satisfies FromWorkerMessage, () => process.exit(1));
  } catch {
    // The channel is already closed: nobody is left to tell.
    process.exit(1);
  }
});

const runtime = startRuntime({
  post,
  progress: arrayRegister(slots, () => writeSync(registerFd, bytes, 0, size, 0)),
});
process.on('message', runtime.handle);
// process.exit() in a task: small messages sent now still leave (the pipe takes them at once);
// a result lost anyway fails its items, it is never run again (see WorkerGroup).
process.on('exit', runtime.flush);
