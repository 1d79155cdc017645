/**
 * Entry point of a thread worker. Keeps the loaders the parent runs with (tsx), then hands
 * messages to the shared runtime.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { startRuntime } from '../runtime.js';
import { replayPreloads } from './preload.js';

if (parentPort === null) throw new Error('multicore: backends/thread/worker.js must run in a worker thread');
const port = parentPort;

await replayPreloads(process.execArgv);

const handle = startRuntime({
  post: (message, transfer) => port.postMessage(message, transfer as never[]),
  progress: (workerData as { progress: Int32Array }).progress,
});
port.on('message', handle);
port.postMessage({ type: 'ready' });
