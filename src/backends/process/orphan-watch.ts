/**
 * A child notices that its parent is gone when the IPC channel closes ('disconnect'), but only
 * between tasks: a child stuck in a long synchronous task never gets to see it. A tiny watcher
 * thread checks every half second whether the child has been re-parented (its parent died) and
 * then kills the whole process, so that no child outlives its pool, hung or not.
 */
import { Worker } from 'node:worker_threads';

const checkEveryMs = 500;

const watcherSource = `
const { workerData } = require('node:worker_threads');
setInterval(() => {
  if (process.ppid !== workerData.parent) process.kill(workerData.self, 'SIGKILL');
}, ${checkEveryMs});
`;

export function watchForOrphaning(): void {
  const watcher = new Worker(watcherSource, {
    eval: true,
    // None of the parent's loaders (tsx): the watcher needs nothing but the code above.
    execArgv: [],
    workerData: { parent: process.ppid, self: process.pid },
  });
  // Without its watcher the child still exits on 'disconnect' between tasks: losing the watcher
  // must not take the child (and the task it runs) down with it.
  watcher.on('error', () => {});
  // The watcher must never keep the child alive by itself.
  watcher.unref();
}
