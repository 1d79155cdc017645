/**
 * One number to a worker and back, one at a time, three ways: postMessage both ways (what a pool
 * does today), and a SharedArrayBuffer flag the worker watches between requests, with the caller
 * awaiting the answer through Atomics.waitAsync. The worker watches for a window after each
 * answer, by a futex wait (Atomics.wait with a timeout: no CPU while it waits) or by spinning
 * (reading the flag in a loop), then goes back to its event loop, where the next request wakes
 * it with a post. Prints one JSON line: µs per round trip and µs of CPU (both threads) per call.
 * Usage: node round-trip.mjs post|futex|spin windowUs calls
 */
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';

const [mode = 'post', windowArg = '0', callsArg = '20000'] = process.argv.slice(2);
const windowUs = Number(windowArg);
const calls = Number(callsArg);
const warmUp = 500;

// The worker's side: [0] request number, [1] answered number, [2] the payload, [3] 1 while the
// worker is back in its event loop (then a request must come with a post to wake it).
const workerSource = `
const { parentPort, workerData: { flags, mode, windowUs } } = require('node:worker_threads');
const cell = new Int32Array(flags);
parentPort.on('message', (message) => {
  if (mode === 'post') parentPort.postMessage(message);
  else serve();
});
function serve() {
  let answered = Atomics.load(cell, 1);
  for (;;) {
    const request = Atomics.load(cell, 0);
    if (request !== answered) {
      cell[2] += 1;
      answered = request;
      Atomics.store(cell, 1, request);
      Atomics.notify(cell, 1);
      continue;
    }
    if (mode === 'spin') {
      const until = performance.now() + windowUs / 1000;
      while (Atomics.load(cell, 0) === answered && performance.now() < until);
      if (Atomics.load(cell, 0) !== answered) continue;
    } else if (Atomics.wait(cell, 0, answered, windowUs / 1000) !== 'timed-out') continue;
    Atomics.store(cell, 3, 1);
    // A request that came between the last look and the flag: serve it rather than sleep on it.
    if (Atomics.load(cell, 0) === answered) return;
    Atomics.store(cell, 3, 0);
  }
}
`;

const flags = new SharedArrayBuffer(16);
const cell = new Int32Array(flags);
cell[3] = 1; // in its event loop until the first request
const worker = new Worker(workerSource, { eval: true, workerData: { flags, mode, windowUs } });
await once(worker, 'online');

let sent = 0;
const roundTrip =
  mode === 'post'
    ? () => {
        const answer = once(worker, 'message');
        worker.postMessage(sent++);
        return answer;
      }
    : async () => {
        const request = ++sent;
        Atomics.store(cell, 0, request);
        if (Atomics.load(cell, 3) === 1) {
          Atomics.store(cell, 3, 0);
          worker.postMessage(0);
        } else Atomics.notify(cell, 0);
        const answer = Atomics.waitAsync(cell, 1, request - 1);
        if (answer.async) await answer.value;
      };

for (let i = 0; i < warmUp; i++) await roundTrip();
const cpu = process.cpuUsage();
const started = performance.now();
for (let i = 0; i < calls; i++) await roundTrip();
const elapsedMs = performance.now() - started;
const used = process.cpuUsage(cpu);
process.stdout.write(`${JSON.stringify({ roundTripUs: (elapsedMs * 1000) / calls, cpuUs: (used.user + used.system) / calls })}\n`);
await worker.terminate();
