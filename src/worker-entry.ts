/**
 * The one file to give a bundler as a second entry point: it starts a thread worker when it runs
 * in a worker thread and a process worker when it runs in a child process. Emit it as
 * `multicore-worker.mjs` next to the bundled app (found there by itself), or pass its location to
 * `new Pool({ workerEntry })`. See docs/runtimes.md, "Bundlers".
 */
import { isMainThread } from 'node:worker_threads';

if (!isMainThread) await import('./backends/thread/worker.js');
else await import('./backends/process/child.js');
