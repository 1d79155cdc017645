/** multicore as a contender, imported the way a user imports it. */
import { Pool, type ModuleTask } from 'multicore';
import type * as tasks from './tasks.mjs';
import type { Contender, TaskName } from './contender.js';

const tasksModule = new URL('./tasks.mjs', import.meta.url);

const taskRefs: { [Name in TaskName]: ModuleTask<(typeof tasks)[Name]> } = {
  noop: { module: tasksModule, name: 'noop' },
  increment: { module: tasksModule, name: 'increment' },
  spin: { module: tasksModule, name: 'spin' },
};

/** multicore with `options` beside `workers`, under `name`. */
function multicore(name: string, options: { spin?: number }): Contender {
  return {
    name,
    async open(workers) {
      const pool = new Pool({ workers, ...options });
    return {
        call: (name, argument) => pool.apply(taskRefs[name] as ModuleTask<(x: number) => unknown>, [argument]),
        map: (name, items) => pool.map(taskRefs[name], items),
        async close() {
          pool.close();
          await pool.join();
        },
      };
    },
  };
}

export const ours = multicore('multicore', {});
/** The spin option (docs/pool.md "Latency"): workers and the caller poll for 0.1 ms before they sleep. */
export const oursSpinning = multicore('multicore, spin: 0.1', { spin: 0.1 });
