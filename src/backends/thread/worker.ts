/**
 * Entry point of a thread worker. Keeps the loaders the parent runs with (tsx), then hands
 * messages to the shared runtime.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { arrayRegister } from '../local/progress-register.js';
import { workerGate } from '../local/start-gate.js';
import { startRuntime } from '../local/worker-runtime.js';
import { replayPreloads } from './preload.js';

if (parentPort === null) throw new Error('multicore: backends/thread/worker.js must run in a worker thread');
const port = parentPort;

await replayPreloads(process.execArgv);

const shared = workerData as { progress: Float64Array; gate: Int32Array };
const runtime = startRuntime({
  post: (message, transfer) => port.postMessage(message, transfer as never[]),
  progress: arrayRegister(shared.progress),
  gate: workerGate(shared.gate),
});
port.on('message', runtime.handle);
// process.exit() in a task and uncaught errors both pass here; messages posted now are delivered.
process.on('exit', runtime.flush);
