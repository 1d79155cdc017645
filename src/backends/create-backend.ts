/** Picks the backend that `new Pool({ backend })` asked for. */
import type { NormalizedPoolOptions } from '../options/pool-options.js';
import type { Backend, BackendObserver } from './backend.js';
import { createProcessBackend } from './process/process-backend.js';
import { createRedisBackend } from './redis/redis-backend.js';
import { createThreadBackend } from './thread/thread-backend.js';

export function createBackend(options: NormalizedPoolOptions, observer: BackendObserver): Backend {
  switch (options.backend) {
    case 'process':
      return createProcessBackend(options, observer);
    case 'redis':
      return createRedisBackend(options.workers, options.redis!, options.taskTimeout, observer);
    case 'thread':
      return createThreadBackend(options, observer);
  }
}
