// The raw baseline's worker: answers each message with the same id, no pool in between.
import { parentPort } from 'node:worker_threads';

parentPort.on('message', (id) => parentPort.postMessage(id));
