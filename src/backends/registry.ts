/**
 * The one registry of backend factories: `new Pool({ backend })` finds its backend here, by the
 * name its normalized options carry, each factory typed by its own options' shape. The thread
 * backend, the default, loads with the Pool; the process and Redis backends only when a pool asks
 * for one (a LazyBackend stands in while they load), so that `import 'multicore'` stays cheap.
 */
import type { BackendName, NormalizedPoolOptions } from '../options/pool-options.js';
import type { Backend, BackendObserver } from './backend.js';
import { processKind, redisKind } from './backend-kinds.js';
import { LazyBackend } from './lazy-backend.js';
import { locateChildEntry } from './process/child-entry.js';
import { createThreadBackend } from './thread/thread-backend.js';

export type BackendFactory<K extends BackendName> = (options: Extract<NormalizedPoolOptions, { backend: K }>, observer: BackendObserver) => Backend;

type Factories = { [K in BackendName]: BackendFactory<K> };

const factories: Factories = {
  thread: createThreadBackend,
  process: (options, observer) => {
    // Here, not in the module loaded later: a missing workerEntry is an error of `new Pool()`.
    const entry = locateChildEntry(options.workerEntry);
    // An elastic pool starts minWorkers at first (all of them for a fixed pool).
    const traits = { concurrency: options.workers * options.concurrentTasksPerWorker, ...processKind, workersWhileLoading: options.minWorkers };
    return new LazyBackend(traits, async () => {
      const { createProcessBackend } = await import('./process/process-backend.js');
      return createProcessBackend(options, observer, entry);
    });
  },
  redis: (options, observer) => {
    const traits = { concurrency: options.workers, ...redisKind, workersWhileLoading: 0 };
    return new LazyBackend(traits, async () => {
      const { createRedisBackend } = await import('./redis/redis-backend.js');
      return createRedisBackend(options.workers, options.redis, options.taskTimeout, observer);
    });
  },
};

export function createBackend(options: NormalizedPoolOptions, observer: BackendObserver): Backend {
  const factory = factories[options.backend] as BackendFactory<BackendName>;
  return factory(options as never, observer);
}

/**
 * Registers `factory` as the backend of pools whose options name `name`, in place of the one
 * before, until the returned function restores it. The tests run the Pool over a backend of
 * their own this way (test/pool/memory-backend.ts).
 */
export function registerBackend<K extends BackendName>(name: K, factory: BackendFactory<K>): () => void {
  const table = factories as Record<K, BackendFactory<K>>;
  const previous = table[name];
  table[name] = factory;
  return () => {
    table[name] = previous;
  };
}
