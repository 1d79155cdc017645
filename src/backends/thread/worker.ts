/**
 * Entry point of a thread worker. Keeps the loaders the parent runs with (tsx), then hands
 * messages to the shared runtime: from parentPort, or with the `spin` option from a channel it
 * polls while idle (spin-channel.ts). What a plain worker does not use is loaded only when asked
 * for: every module here is compiled anew at each worker's start, before its first task.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { arrayRegister } from '../local/progress-register.js';
import { workerGate } from '../local/start-gate.js';
import { startRuntime, type Runtime } from '../local/worker-runtime.js';
import { joinSpinChannel, type SpinEnd } from './spin-channel.js';

if (parentPort === null) throw new Error('multicore: backends/thread/worker.js must run in a worker thread');
const port = parentPort;

// Only Node 20 needs preloads replayed, and only a command line or NODE_OPTIONS can name one (preload.ts).
if (Number(process.versions.node.split('.')[0]) < 22 && (process.execArgv.length > 0 || (process.env.NODE_OPTIONS ?? '') !== '')) {
  const { replayPreloads } = await import('./preload.js');
  await replayPreloads(process.execArgv);
}

const shared = workerData as { progress: Float64Array; gate: Int32Array; spin?: SpinEnd };
const channel = { progress: arrayRegister(shared.progress), gate: workerGate(shared.gate) };
let runtime: Runtime;
if (shared.spin === undefined) {
  runtime = startRuntime({ ...channel, post: (message, transfer) => port.postMessage(message, transfer as never[]) });
  port.on('message', runtime.handle);
} else {
  const { spinMs } = shared.spin;
  // After each message, the next one is polled for while there is nothing else to do.
  const link = joinSpinChannel(shared.spin, (message) => {
    runtime.handle(message);
    link.poll(spinMs, runtime.idle);
  });
  runtime = startRuntime({ ...channel, post: (message, transfer) => link.post(message, transfer) });
}
// process.exit() in a task and uncaught errors both pass here; messages posted now are delivered.
process.on('exit', runtime.flush);
