/**
 * multicore and piscina as request handlers of the server benchmark, set up alike: a fixed
 * number of workers, the same concurrentTasksPerWorker, the same idle timeout.
 */
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { Pool, type ModuleTask } from 'multicore';
import type * as tasks from './tasks.mjs';

export interface ServerPoolSettings {
  workers: number;
  /** Tasks one worker runs at once (it matters for tasks that await). */
  concurrentTasksPerWorker: number;
  /** Milliseconds an idle worker beyond the minimum stays (the pools are fixed: none ever leaves). */
  idleTimeout: number;
}

export interface HandlerPool {
  spin(iterations: number): Promise<unknown>;
  wait(ms: number): Promise<unknown>;
  close(): Promise<void>;
}

export interface ServerContender {
  name: string;
  open(settings: ServerPoolSettings): HandlerPool;
}

const tasksModule = new URL('./tasks.mjs', import.meta.url);
const spinTask: ModuleTask<typeof tasks.spin> = { module: tasksModule, name: 'spin' };
const waitTask: ModuleTask<typeof tasks.wait> = { module: tasksModule, name: 'wait' };

export const multicore: ServerContender = {
  name: 'multicore',
  open({ workers, concurrentTasksPerWorker, idleTimeout }) {
    const pool = new Pool(multicoreOptions(workers, concurrentTasksPerWorker, idleTimeout));
    return {
      spin: (iterations) => pool.apply(spinTask, [iterations]),
      wait: (ms) => pool.apply(waitTask, [ms]),
      async close() {
        pool.close();
        await pool.join();
      },
    };
  },
};

/** multicore's options for these settings. */
function multicoreOptions(workers: number, concurrentTasksPerWorker: number, idleTimeout: number): ConstructorParameters<typeof Pool>[0] {
  void idleTimeout; // a fixed pool keeps its workers (idleTimeout is for elastic ones): nothing to set
  return { workers, concurrentTasksPerWorker };
}

export const piscina: ServerContender = {
  name: 'piscina',
  open({ workers, concurrentTasksPerWorker, idleTimeout }) {
    const pool = new Piscina({ filename: fileURLToPath(tasksModule), minThreads: workers, maxThreads: workers, concurrentTasksPerWorker, idleTimeout });
    return {
      spin: (iterations) => pool.run(iterations, { name: 'spin' }),
      wait: (ms) => pool.run(ms, { name: 'wait' }),
      close: () => pool.destroy(),
    };
  },
};

export const serverContenders = [multicore, piscina];
