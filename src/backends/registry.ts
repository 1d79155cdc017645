/**
 * The one registry of backend factories: `new Pool({ backend })` finds its backend here, by the
 * name its normalized options carry, each factory typed by its own options' shape.
 */
import type { BackendName, NormalizedPoolOptions } from '../options/pool-options.js';
import type { Backend, BackendObserver } from './backend.js';
import { createProcessBackend } from './process/process-backend.js';
import { createRedisBackend } from './redis/redis-backend.js';
import { createThreadBackend } from './thread/thread-backend.js';

export type BackendFactory<K extends BackendName> = (options: Extract<NormalizedPoolOptions, { backend: K }>, observer: BackendObserver) => Backend;

type Factories = { [K in BackendName]: BackendFactory<K> };

const factories: Factories = {
  thread: createThreadBackend,
  process: createProcessBackend,
  redis: (options, observer) => createRedisBackend(options.workers, options.redis, options.taskTimeout, observer),
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
