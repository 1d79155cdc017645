/**
 * Where a named task lives (task.ts): the registered symbol that task(import.meta, fn) stores
 * its module and name under. A module of its own, so that a worker, which finds tasks by it,
 * does not load task() itself.
 */
export const taskLocation = Symbol.for('multicore.taskLocation');
