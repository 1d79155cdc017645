/**
 * Picks the backend that `new Pool({ backend })` asked for. The thread backend, the default, is
 * loaded with the Pool; the process and Redis backends only when a pool asks for one (see
 * lazy-backend.ts), so that `import 'multicore'` stays cheap.
 */
import type { NormalizedPoolOptions } from '../options/pool-options.js';
import type { Backend, BackendObserver } from './backend.js';
import { LazyBackend } from './lazy-backend.js';
import { createThreadBackend } from './thread/thread-backend.js';
import { locateChildEntry } from './process/child-entry.js';

export function createBackend(options: NormalizedPoolOptions, observer: BackendObserver): Backend {
  switch (options.backend) {
    case 'process': {
      // Here, not in the module loaded later: a missing workerEntry is an error of `new Pool()`.
      const entry = locateChildEntry(options.workerEntry);
      return new LazyBackend({ concurrency: options.workers, origin: 'process worker', capabilities: { sharedMemory: false, inlineTasks: true }, workersWhileLoading: options.workers }, async () => {
        const { createProcessBackend } = await import('./process/process-backend.js');
        return createProcessBackend(options, observer, entry);
      });
    }
    case 'redis':
      return new LazyBackend({ concurrency: options.workers, origin: 'redis worker', capabilities: { sharedMemory: false, inlineTasks: false }, workersWhileLoading: 0 }, async () => {
        const { createRedisBackend } = await import('./redis/redis-backend.js');
        return createRedisBackend(options.workers, options.redis!, options.taskTimeout, observer);
      });
    case 'thread':
      return createThreadBackend(options, observer);
  }
}
