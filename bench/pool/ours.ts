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

export const ours: Contender = {
  name: 'multicore',
  async open(workers) {
    const pool = new Pool(workers);
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
